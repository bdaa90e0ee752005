// The documentation points only at things that exist, and README's examples are what the
// readme-commands e2e test can read and run (that test starts the whole stack; this one does not).
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { codeBlocks, graphqlExamples, shellCommands } from '../../test/support/readme.ts';
import { anchorsOf, commandsOf, danglingReferences, headingAnchor, linksOf, repositoryPathsOf } from '../lib/doc-references.ts';
import { repoRoot } from '../lib/services.ts';

describe('README.md, docs/ and bench/RESULTS.md', () => {
  it('link only to files and headings that exist, and name only paths, npm scripts, benchmarks and entry points that exist', () => {
    // Each entry says the page and what it names; fix the page, or the path after a file moved.
    expect(danglingReferences(repoRoot)).toEqual([]);
  });
});

describe('reading references out of markdown', () => {
  const page = [
    '# Title',
    'See [limits](docs/limits.md#when-a-subgraph-is-down), [the design](../shared/ARCHITECTURE.md) and [a site](https://example.com).',
    'Weights: `subgraphs/safety/src/score/safety-score.ts`; per service `subgraphs/<name>/src/env.ts`; `src/index.ts` is relative.',
    '```bash',
    'node --import tsx subgraphs/safety/src/jobs/rebuild-cli.ts <userId>   # [not](a-link.md)',
    'npm run bench score-batch && npm run seed',
    '```',
    '## Try it: register, verify your email',
    '## 안심 (Anshim)',
    '## Try it: register, verify your email',
  ].join('\n');

  it('takes links outside code', () => {
    expect(linksOf(page)).toEqual(['docs/limits.md#when-a-subgraph-is-down', '../shared/ARCHITECTURE.md', 'https://example.com']);
  });

  it('takes repository paths from inline code and code blocks, skipping placeholders and paths of no top folder', () => {
    expect(repositoryPathsOf(page, new Set(['subgraphs']))).toEqual(['subgraphs/safety/src/score/safety-score.ts', 'subgraphs/safety/src/jobs/rebuild-cli.ts']);
  });

  it('takes the commands a reader runs', () => {
    expect(commandsOf(page)).toEqual({ scripts: ['bench', 'seed'], benches: ['score-batch'], entries: ['subgraphs/safety/src/jobs/rebuild-cli.ts'] });
  });

  it("makes GitHub's heading anchors, numbering repeats", () => {
    expect(headingAnchor('What `npm start` does')).toBe('what-npm-start-does');
    expect([...anchorsOf(page)]).toEqual(['title', 'try-it-register-verify-your-email', '안심-anshim', 'try-it-register-verify-your-email-1']);
  });
});

describe("README's examples, as test/e2e/readme-commands.e2e.test.ts reads them", () => {
  it('"Demo data" holds npm start and npm run seed with the bootstrap admin', () => {
    const [start, seed, ...rest] = shellCommands(codeBlocks('bash', 'Demo data')[0]!);
    expect(start).toMatch(/^BOOTSTRAP_ADMIN_EMAIL=\S+ BOOTSTRAP_ADMIN_PASSWORD='[^']+' npm start/);
    expect(seed).toMatch(/^BOOTSTRAP_ADMIN_EMAIL=\S+ BOOTSTRAP_ADMIN_PASSWORD='[^']+' npm run seed/);
    expect(rest).toEqual([]);
  });

  it('"Try it" holds five requests and the values a reader copies between them', () => {
    const commands = shellCommands(codeBlocks('bash', 'Try it')[0]!);
    const copied = commands.filter((command) => /^[A-Z_]+=\.\.\./.test(command));
    expect(copied.flatMap((command) => command.match(/\b[A-Z_]+(?==\.\.\.)/g) ?? [])).toEqual(['TOKEN', 'CHALLENGE', 'CODE']);
    expect(commands.filter((command) => command.startsWith('curl'))).toHaveLength(5);
  });

  it('the GraphQL examples of README and docs/ parse, and enough of them run without placeholders', () => {
    const examples = graphqlExamples();
    expect(examples.length).toBeGreaterThan(20);
    for (const example of examples) expect(() => parse(example), example).not.toThrow();
    expect(examples.filter((example) => example.startsWith('{') && !/"(…|<[^"]*>)"/.test(example)).length).toBeGreaterThanOrEqual(8);
  });
});
