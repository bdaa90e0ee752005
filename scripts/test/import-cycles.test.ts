// No import cycles inside the contracts, the platform, the gateway or any subgraph (the common layout of
// docs/architecture.md keeps imports pointing downwards); type-only imports count too.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCycles } from '../lib/import-cycles.ts';
import { repoRoot } from '../lib/services.ts';

const FOLDERS = ['packages/contracts/src', 'packages/platform/src', 'gateway/src', ...['user', 'transaction', 'safety', 'report', 'monitor', 'chat', 'payment'].map((name) => `subgraphs/${name}/src`)];

describe('import cycles', () => {
  for (const folder of FOLDERS) {
    it(`${folder} has none`, () => {
      expect(importCycles(join(repoRoot, folder))).toEqual([]);
    });
  }

  it('finds a type-only cycle', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const folder = await mkdtemp(join(tmpdir(), 'anshim-cycles-'));
    try {
      await writeFile(join(folder, 'context.ts'), "import { Service } from './service.ts';\nexport const make = () => new Service();\n");
      await writeFile(join(folder, 'service.ts'), "import type { Context } from './context.ts';\nexport class Service {}\nexport type Uses = Context;\n");
      await writeFile(join(folder, 'leaf.ts'), "import { make } from './context.ts';\nmake();\n");
      expect(importCycles(folder)).toEqual([['context.ts', 'service.ts']]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
