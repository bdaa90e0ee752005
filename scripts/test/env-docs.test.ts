import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { envVariables, undescribed, PROCESS_ENVS } from '../lib/env-catalogue.ts';
import { ENV_END, ENV_START, ENV_TABLE, envDocsProblems, renderEnvTable, withEnvTable } from '../lib/env-docs.ts';
import { repoRoot } from '../lib/services.ts';

const page = () => readFileSync(join(repoRoot, ENV_TABLE.page), 'utf8');

describe('the configuration table in docs/configuration.md', () => {
  it('matches the env schemas and every variable has a description', () => {
    // On failure: add .describe('…') where a variable lacks one, then `npm run docs:env`.
    expect(envDocsProblems(page())).toEqual([]);
  });

  it('says which command fixes a stale table', () => {
    const stale = page().replace(/\| `REDIS_PREFIX` \|[^\n]*\n/, '');
    expect(envDocsProblems(stale)).toEqual([
      "docs/configuration.md's configuration table is stale (it no longer matches the env schemas): run `npm run docs:env` and commit docs/configuration.md.",
    ]);
    expect(withEnvTable(stale)).toBe(page());
  });

  it('names a variable without a description and the command to run after adding one', () => {
    const variables = envVariables();
    const bare = { ...variables[0]!, name: 'NEW_SETTING', processes: ['gateway' as const], description: undefined };
    expect(undescribed([...variables, bare]).map((v) => v.name)).toEqual(['NEW_SETTING']);
    const [problem] = envDocsProblems(page(), [...variables, bare]);
    expect(problem).toContain('NEW_SETTING (read by gateway)');
    expect(problem).toContain("Add .describe('…') to each in its zod env schema");
    expect(problem).toContain('then run `npm run docs:env`');
  });

  it('reads required, defaults and descriptions from the schemas themselves', () => {
    const byName = new Map(envVariables().map((v) => [v.name, v]));
    expect(byName.get('GATEWAY_PORT')).toMatchObject({ processes: ['gateway'], required: false, defaultValue: '4000' });
    expect(byName.get('PRODUCT_CACHE')).toMatchObject({ defaultValue: 'true' });
    expect(byName.get('SUPERGRAPH_PATH')).toMatchObject({ defaultValue: 'gateway/supergraph.graphql' });
    expect(byName.get('SMTP_HOST')).toMatchObject({ defaultValue: undefined, required: false });
    expect(byName.get('DATABASE_URL')?.processes).toContain('migrate');
    expect(byName.get('SAFETY_WORKER_PORT')?.processes).toEqual(['safety', 'safety-worker']);
    for (const variable of byName.values()) {
      expect(variable.processes.every((p) => p in PROCESS_ENVS), variable.name).toBe(true);
    }
  });

  it('marks a variable without a default as required', () => {
    const schema = z.object({ NEEDED: z.string().describe('needed'), OPTIONAL: z.string().default('x').describe('optional') });
    const table = renderEnvTable([
      { name: 'NEEDED', processes: ['gateway'], required: !schema.shape.NEEDED.safeParse(undefined).success, defaultValue: undefined, description: 'needed' },
    ]);
    expect(table).toContain('| `NEEDED` | gateway | **required** | needed |');
  });

  it('keeps the text around the markers', () => {
    const text = `before\n${ENV_START}\nold\n${ENV_END}\nafter\n`;
    expect(withEnvTable(text, 'TABLE')).toBe(`before\n${ENV_START}\nTABLE\n${ENV_END}\nafter\n`);
  });
});
