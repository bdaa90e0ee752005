// The @entityCache hints: the committed generated file is current, and hints that could not invalidate
// exactly are refused (an event of another service, an event that names no such entity, a bad scope).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entityVersionKeysFor } from '@anshim/contracts';
import { readSubgraphSources } from '../lib/compose.ts';
import { extractHints, HINTS_FILE, renderHints } from '../lib/entity-cache-hints.ts';
import { repoRoot } from '../lib/services.ts';

const DIRECTIVE = 'directive @entityCache(maxAge: Int, scope: String, invalidatedBy: [String!]) on OBJECT | FIELD_DEFINITION';
const sdl = (body: string) => `${DIRECTIVE}\n${body}`;

describe('@entityCache hints', () => {
  it('the committed hints file equals the hints of the subgraph schemas (npm run compose)', () => {
    const { hints, problems } = extractHints(readSubgraphSources());
    expect(problems).toEqual([]);
    expect(readFileSync(join(repoRoot, HINTS_FILE), 'utf8')).toBe(renderHints(hints));
    expect(hints.safety?.User?.fields).toEqual({ safetyDisplay: 'PUBLIC', safetyScore: 'NOT_SELF' });
  });

  it('refuses an event of another service, an unknown event, one that names no such entity, and a bad scope', () => {
    const { problems } = extractHints([
      { name: 'transaction', url: '', sdl: sdl('type User @entityCache(invalidatedBy: ["safety.score_changed"]) { id: ID! grade: String @entityCache }') },
      { name: 'user', url: '', sdl: sdl('type User @entityCache(invalidatedBy: ["user.nonsense", "user.signed_in"]) { id: ID! nickname: String @entityCache(scope: "EVERYONE") }') },
      { name: 'safety', url: '', sdl: sdl('type User { id: ID! grade: String @entityCache }') },
    ]);
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/safety.score_changed is published by safety/);
    expect(problems.join('\n')).toMatch(/unknown event user.nonsense/);
    expect(problems.join('\n')).toMatch(/user.signed_in names no User/);
    expect(problems.join('\n')).toMatch(/scope must be one of/);
    expect(problems.join('\n')).toMatch(/need a type-level @entityCache/);
  });

  it('an event bumps the versions of the entities it names, as the subgraphs that hint them serve them', () => {
    const trade = { transactionId: 't', productId: 'p-1', buyerId: 'b-1', sellerId: 's-1', amount: 1, by: 'b-1', at: '2026-12-06T00:00:00Z' };
    expect(entityVersionKeysFor('transaction', 'transaction.completed', trade).sort()).toEqual(['ec:v:transaction:User:b-1', 'ec:v:transaction:User:s-1']);
    expect(entityVersionKeysFor('transaction', 'product.price_changed', { productId: 'p-1' })).toEqual(['ec:v:transaction:Product:p-1']);
    expect(entityVersionKeysFor('safety', 'safety.score_changed', { userId: 'u-1' })).toEqual(['ec:v:safety:User:u-1']);
    expect(entityVersionKeysFor('user', 'user.signed_in', { userId: 'u-1' })).toEqual([]);
  });
});
