import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../src/catalogue.ts';

describe('catalogue (fixed sentences as data)', () => {
  it('returns the entries and groups as given', () => {
    const texts = catalogue({ hello: { ko: '안녕하세요', en: 'Hello' }, byCode: { A: { ko: '가', en: 'a' } } }, 'test');
    expect(texts.hello.en).toBe('Hello');
    expect(texts.byCode.A.ko).toBe('가');
    expect(Object.isFrozen(texts.byCode.A)).toBe(true);
  });

  it('refuses an entry with a missing or empty language, an extra field or an empty group', () => {
    expect(() => catalogue({ a: { ko: '가' } }, 'x.json')).toThrow('x.json.a: "en" is missing or empty');
    expect(() => catalogue({ a: { ko: ' ', en: 'a' } }, 'x.json')).toThrow('x.json.a: "ko" is missing or empty');
    expect(() => catalogue({ g: { a: { ko: '가', en: 'a', fr: 'à' } } }, 'x.json')).toThrow('x.json.g.a: an entry has only "ko" and "en"');
    expect(() => catalogue({ g: {} }, 'x.json')).toThrow('x.json.g: an empty group');
    expect(() => catalogue({ g: 'text' }, 'x.json')).toThrow('x.json.g: expected an entry');
  });

  // Every messages file in the repository, checked the way its service checks it when it loads.
  const files = execFileSync('git', ['ls-files', '*.json'], { encoding: 'utf8' })
    .split('\n')
    .filter((file) => /(^|\/)src\/.*(messages|guardian-approval-page|factor-names)\.json$/.test(file));
  it('finds the catalogues of the platform, the gateway and every subgraph', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });
  it.each(files)('%s: every entry has a non-empty ko and en', (file) => {
    expect(() => catalogue(JSON.parse(readFileSync(file, 'utf8')) as object, file)).not.toThrow();
  });
});
