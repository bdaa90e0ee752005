// The contracts are plain data, types and zod: they import nothing of ours (the platform imports them,
// docs/architecture.md "Packages"), and neither package offers a deep-import escape hatch.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const contracts = join(import.meta.dirname, '..');
const sources = (folder: string): string[] =>
  readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(folder, entry.name)) : entry.name.endsWith('.ts') ? [join(folder, entry.name)] : [],
  );
const importsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);

describe('the contracts package', () => {
  it('imports zod, node built-ins and its own files only', () => {
    const foreign = sources(join(contracts, 'src')).flatMap((file) =>
      importsOf(file).filter((spec) => !spec.startsWith('.') && spec !== 'zod' && !spec.startsWith('node:')).map((spec) => `${file}: ${spec}`),
    );
    expect(foreign).toEqual([]);
  });

  it('and the platform export named entry points only', () => {
    for (const dir of [contracts, join(contracts, '../platform')]) {
      const exports = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { exports: Record<string, string> }).exports;
      expect(Object.keys(exports).filter((key) => key.includes('*'))).toEqual([]);
    }
  });
});
