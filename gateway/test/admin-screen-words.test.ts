// The console's screen words (gateway/admin/src/screen-words.json) are data a translator edits: each
// entry must have exactly a non-empty Korean and English sentence (the services' catalogue rules),
// and both must name the same {placeholders}, or one language would show a raw `{member}`.
import { describe, expect, it } from 'vitest';
import { catalogue } from '@anshim/platform';
import words from '../admin/src/screen-words.json' with { type: 'json' };

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!).sort();

describe('console screen words', () => {
  it('has a non-empty ko and en for every entry', () => {
    expect(() => catalogue(words, 'screen-words.json')).not.toThrow();
  });

  it('names the same placeholders in both languages', () => {
    const mismatched = Object.entries(words).flatMap(([section, entries]) =>
      Object.entries(entries as Record<string, { ko: string; en: string }>)
        .filter(([, entry]) => placeholders(entry.ko).join() !== placeholders(entry.en).join())
        .map(([key]) => `${section}.${key}`),
    );
    expect(mismatched).toEqual([]);
  });

  it('refuses an entry without its English sentence', () => {
    expect(() => catalogue({ risk: { alertsNav: { ko: '위험 알림', en: '' } } }, 'broken.json')).toThrow();
  });
});
