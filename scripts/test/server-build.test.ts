import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processSpecs, root } from '../lib/processes.ts';
import { buildServers } from '../lib/server-build.ts';
import { builtEntryOf } from '../lib/server-build-paths.ts';

describe('builtEntryOf', () => {
  it('puts a bundle in dist/ one level below its package, where ../schema.graphql still resolves', () => {
    expect(builtEntryOf('gateway/src/index.ts')).toBe('gateway/dist/index.mjs');
    expect(builtEntryOf('subgraphs/safety/src/index.ts')).toBe('subgraphs/safety/dist/index.mjs');
    expect(builtEntryOf('subgraphs/safety/src/workers/index.ts')).toBe('subgraphs/safety/dist/workers.mjs');
    expect(builtEntryOf('scripts/run.ts')).toBe('scripts/dist/run.mjs');
    expect(() => builtEntryOf('index.ts')).toThrow('not a bundled entry');
    expect(() => builtEntryOf('gateway/dist/index.mjs')).toThrow('not a bundled entry');
  });
});

describe('buildServers', () => {
  it('bundles every process (the development sandboxes too) and script; only packages from node_modules are left to import', async () => {
    const build = await buildServers();
    const outputs = build.entries.map((e) => e.output).sort();
    const expected = [...processSpecs({ development: true }).map((s) => builtEntryOf(s.entry)), 'scripts/dist/run.mjs', 'scripts/dist/migrate.mjs'].sort();
    expect(outputs).toEqual(expected);
    for (const { output } of build.entries) {
      const code = readFileSync(join(root, output), 'utf8');
      const imports = [...code.matchAll(/^import .*? from "([^"]+)";$/gm), ...code.matchAll(/^import "([^"]+)";$/gm)].map((m) => m[1]!);
      expect(imports, output).toContain('node:path');
      // Our own workspace code and relative files are inlined; TypeScript never reaches Node.
      expect(imports.filter((path) => path.startsWith('.') || path.startsWith('@anshim/') || path.endsWith('.ts')), output).toEqual([]);
      expect(code, output).toContain(`//# sourceMappingURL=${output.split('/').at(-1)}.map`);
    }
    expect(build.entries.find((e) => e.output === 'gateway/dist/index.mjs')!.bytes).toBeGreaterThan(10_000);
  });
});
