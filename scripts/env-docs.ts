// `npm run docs:env`: rewrites the configuration table in docs/configuration.md from the env schemas.
// `npm run docs:env -- --check` only reports (exit 1) when it is stale or a variable lacks a description.
import { ENV_TABLE, envDocsProblems, renderEnvTable } from './lib/env-docs.ts';
import { undescribed } from './lib/env-catalogue.ts';
import { runGenerator } from './lib/generated-block.ts';

runGenerator({
  block: ENV_TABLE,
  render: () => renderEnvTable(),
  problems: envDocsProblems,
  extraProblems: () => {
    const missing = undescribed();
    return missing.length ? [`still without a description (add .describe('…') in the env schema): ${missing.map((v) => v.name).join(', ')}`] : [];
  },
  label: 'docs:env',
});
