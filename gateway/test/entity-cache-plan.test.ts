// Which _entities fetches the entity cache may answer, for whom, under which keys (pure: no Redis).
// The hints are the committed ones generated from the subgraph schemas, so a hint removed or
// widened there shows here.
import { describe, expect, it } from 'vitest';
import { ENTITY_CACHE_HINTS } from '@anshim/contracts';
import { candidateFor, EntitySelections, selectionDigest } from '../src/upstream/entity-cache-plan.ts';

const selections = new EntitySelections(ENTITY_CACHE_HINTS);
const entities = (body: string) => `query Page__safety__1($representations:[_Any!]!){_entities(representations:$representations){${body}}}`;
const DISPLAY = entities('...on User{safetyDisplay{grade label}}');
const SCORE = entities('...on User{safetyScore{value grade factors{code}}}');
const HISTORY = entities('...on User{safetyDisplay{grade} safetyHistory{cause}}');
const anonymous = { identity: null, locale: 'ko' };
const member = (userId: string) => ({ identity: { userId, role: 'USER' as const }, locale: 'ko' });
const admin = { identity: { userId: 'admin-1', role: 'ADMIN' as const }, locale: 'ko' };
const user = (id: string) => ({ __typename: 'User', id });

function candidate(query: string, viewer: Parameters<typeof candidateFor>[4], representation: unknown = user('u-1'), subgraph = 'safety') {
  const selection = selections.of(subgraph, query);
  expect(selection).not.toBeNull();
  return candidateFor(subgraph, selection!, selectionDigest(query, undefined), representation, viewer);
}

describe('entity cache: which fetches', () => {
  it('answers a fetch whose every field is hinted, and no fetch with one unhinted field', () => {
    expect(selections.of('safety', DISPLAY)?.types.get('User')).toEqual(new Set(['PUBLIC']));
    expect(selections.of('safety', HISTORY)).toBeNull(); // safetyHistory names private causes for the member
    expect(selections.of('user', entities('...on User{nickname email}'))).toBeNull(); // email is private
    expect(selections.of('user', entities('...on User{nickname createdAt}'))?.maxAge).toBe(1800);
  });

  it('reads named fragments as the planner may write them, and refuses anything but a plain _entities read', () => {
    const withFragment = 'query Q($representations:[_Any!]!){_entities(representations:$representations){...U}} fragment U on User{__typename nickname}';
    expect(selections.of('user', withFragment)?.types.get('User')).toEqual(new Set(['PUBLIC']));
    expect(selections.of('user', 'mutation M($representations:[_Any!]!){_entities(representations:$representations){...on User{nickname}}}')).toBeNull();
    expect(selections.of('user', '{ me { nickname } }')).toBeNull();
    expect(selections.of('chat', entities('...on User{id}'))).toBeNull(); // a subgraph without hints
    expect(selections.of('user', 'not graphql {')).toBeNull();
  });

  it('keys an entry by subgraph, type, id, exact selection and language', () => {
    const ko = candidate(DISPLAY, anonymous)!;
    const en = candidate(DISPLAY, { identity: null, locale: 'en' })!;
    const other = candidate(entities('...on User{safetyDisplay{grade}}'), anonymous)!;
    expect(ko.versionKey).toBe('ec:v:safety:User:u-1');
    expect(new Set([ko.entryKey, en.entryKey, other.entryKey]).size).toBe(3);
    expect(en.versionKey).toBe(ko.versionKey);
    // Other variables (arguments of the selected fields) are part of the selection.
    expect(selectionDigest(DISPLAY, { representations: [1], first: 5 })).not.toBe(selectionDigest(DISPLAY, { representations: [2] }));
    expect(selectionDigest(DISPLAY, { representations: [1] })).toBe(selectionDigest(DISPLAY, { representations: [2] }));
  });

  it('never answers representations carrying more than the key (fields a @requires sent)', () => {
    expect(candidate(DISPLAY, anonymous, { __typename: 'User', id: 'u-1', email: 'x' })).toBeNull();
    expect(candidate(DISPLAY, anonymous, { __typename: 'Product', id: 'p-1' })).toBeNull();
    expect(candidate(DISPLAY, anonymous, 'u-1')).toBeNull();
  });
});

describe('entity cache: who shares', () => {
  it('PUBLIC: everyone reads and writes, except a member reading their own account', () => {
    expect(candidate(DISPLAY, anonymous)).toMatchObject({ readable: true, writable: true });
    expect(candidate(DISPLAY, member('u-2'))).toMatchObject({ readable: true, writable: true });
    expect(candidate(DISPLAY, admin)).toMatchObject({ readable: true, writable: true });
    expect(candidate(DISPLAY, member('u-1'))).toMatchObject({ readable: false, writable: false });
  });

  it('NOT_SELF: the member themself and ADMINs (who see every factor) neither read nor write', () => {
    expect(candidate(SCORE, anonymous)).toMatchObject({ readable: true, writable: true });
    expect(candidate(SCORE, member('u-2'))).toMatchObject({ readable: true, writable: true });
    expect(candidate(SCORE, member('u-1'))).toMatchObject({ readable: false, writable: false });
    expect(candidate(SCORE, admin)).toMatchObject({ readable: false, writable: false });
  });

  it('VISIBLE: anyone reads, only what an anonymous visitor got is written (a HIDDEN listing reaches its seller only)', () => {
    const query = 'query P__transaction__0($representations:[_Any!]!){_entities(representations:$representations){...on Product{title price status}}}';
    const product = { __typename: 'Product', id: 'p-1' };
    expect(candidate(query, anonymous, product, 'transaction')).toMatchObject({ readable: true, writable: true });
    expect(candidate(query, member('u-2'), product, 'transaction')).toMatchObject({ readable: true, writable: false });
    expect(candidate(query, admin, product, 'transaction')).toMatchObject({ readable: true, writable: false });
  });
});
