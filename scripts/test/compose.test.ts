import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSupergraph, composeSupergraph, describeProblem, readSubgraphSources, SUPERGRAPH_FILE } from '../lib/compose.ts';
import { repoRoot } from '../lib/services.ts';

const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';

const temporaryRoots: string[] = [];
afterAll(() => {
  for (const root of temporaryRoots) rmSync(root, { recursive: true, force: true });
});

/** A copy of the repository's subgraph schemas and supergraph in a temporary folder. */
function copyOfRepository(): string {
  const root = mkdtempSync(join(tmpdir(), 'anshim-compose-'));
  temporaryRoots.push(root);
  for (const { name } of readSubgraphSources()) {
    mkdirSync(join(root, 'subgraphs', name), { recursive: true });
    cpSync(join(repoRoot, 'subgraphs', name, 'schema.graphql'), join(root, 'subgraphs', name, 'schema.graphql'));
  }
  mkdirSync(join(root, 'gateway'));
  cpSync(join(repoRoot, SUPERGRAPH_FILE), join(root, SUPERGRAPH_FILE));
  return root;
}

describe('supergraph composition', () => {
  it('the committed gateway/supergraph.graphql equals a fresh composition', () => {
    const result = checkSupergraph();
    expect(result, 'gateway/supergraph.graphql is stale or broken: run `npm run compose`').toEqual({ state: 'current' });
  });

  it('reports a supergraph that no longer matches its subgraphs as stale', () => {
    const root = copyOfRepository();
    const schema = join(root, 'subgraphs/user/schema.graphql');
    writeFileSync(schema, `${readFileSync(schema, 'utf8')}\nextend type Query { addedSinceLastCompose: Int }\n`);
    expect(checkSupergraph(root)).toEqual({ state: 'stale' });
  });

  it('names the subgraph of an SDL that does not parse', () => {
    const result = composeSupergraph([{ name: 'user', sdl: 'type Query { me: ', url: 'http://127.0.0.1:4001/graphql' }]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]).toMatchObject({ subgraphs: ['user'], code: 'INVALID_GRAPHQL' });
    expect(describeProblem(result.problems[0]!)).toMatch(/^subgraph user: INVALID_GRAPHQL: .*Syntax Error/);
  });

  it('names the subgraph of an invalid schema and the subgraphs of a conflict', () => {
    const user = readSubgraphSources().find((s) => s.name === 'user')!;
    const transaction = {
      name: 'transaction',
      url: 'http://127.0.0.1:4002/graphql',
      sdl: `${FEDERATION_LINK}\ntype User @key(fields: "id") { id: ID! nickname: Int! }\ntype Product { id: ID! seller: Seller }\ntype Query { product(id: ID!): Product }`,
    };
    const unknownType = composeSupergraph([user, transaction]);
    expect(unknownType.ok).toBe(false);
    if (unknownType.ok) return;
    expect(unknownType.problems).toContainEqual(expect.objectContaining({ subgraphs: ['transaction'], message: expect.stringContaining('Unknown type Seller') }));

    const conflict = composeSupergraph([user, { ...transaction, sdl: transaction.sdl.replace('seller: Seller', 'title: String') }]);
    expect(conflict.ok).toBe(false);
    if (conflict.ok) return;
    expect(conflict.problems).toContainEqual(expect.objectContaining({ code: 'FIELD_TYPE_MISMATCH', subgraphs: ['user', 'transaction'] }));
  });
});
