import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { combineFetches, splitAnswer } from '../src/upstream/fetch-merge.ts';

// Two fetches as the query planner writes them: the same fragment name and the same variable name in both.
const BUYERS = 'query MyTrades__user__2($representations:[_Any!]!){_entities(representations:$representations){...on User{...Nick}}} fragment Nick on User{nickname}';
const SELLERS = 'query MyTrades__user__4($representations:[_Any!]!){_entities(representations:$representations){...on User{...Nick}}} fragment Nick on User{id nickname}';
const ME = 'query Me__user__0($lang:String){me{id} self:me{nickname(lang:$lang)}}';

describe('combining fetches to one subgraph', () => {
  it('aliases each root field and renames each fetch\'s variables and fragments apart', () => {
    const merged = combineFetches([
      { query: BUYERS, operationName: 'MyTrades__user__2', variables: { representations: [{ __typename: 'User', id: 'b' }] } },
      { query: SELLERS, operationName: 'MyTrades__user__4', variables: { representations: [{ __typename: 'User', id: 's' }] } },
      { query: ME, operationName: 'Me__user__0', variables: { lang: 'en' } },
    ])!;
    expect(merged.operationName).toBe('MyTrades__user__2__merged_3');
    expect(merged.variables).toEqual({
      f0_representations: [{ __typename: 'User', id: 'b' }],
      f1_representations: [{ __typename: 'User', id: 's' }],
      f2_lang: 'en',
    });
    const document = parse(merged.query);
    expect(document.definitions).toHaveLength(3); // one operation, two fragments
    const text = merged.query.replace(/\s+/g, ' ');
    expect(text).toContain('query MyTrades__user__2__merged_3($f0_representations: [_Any!]!, $f1_representations: [_Any!]!, $f2_lang: String)');
    expect(text).toContain('f0__entities: _entities(representations: $f0_representations) { ... on User { ...f0_Nick } }');
    expect(text).toContain('f1__entities: _entities(representations: $f1_representations) { ... on User { ...f1_Nick } }');
    expect(text).toContain('f2_me: me { id } f2_self: me { nickname(lang: $f2_lang) }');
    expect(text).toContain('fragment f0_Nick on User { nickname }');
    expect(text).toContain('fragment f1_Nick on User { id nickname }');
  });

  it('refuses mutations, several operations, fragments at the root and a single fetch', () => {
    const read = { query: ME };
    expect(combineFetches([read])).toBeNull();
    expect(combineFetches([read, { query: 'mutation M{logout}' }])).toBeNull();
    expect(combineFetches([read, { query: 'query A{me{id}} query B{me{id}}' }])).toBeNull();
    expect(combineFetches([read, { query: 'query A{...F} fragment F on Query{me{id}}' }])).toBeNull();
    expect(combineFetches([read, { query: 'query A @live {me{id}}' }])).toBeNull();
    expect(combineFetches([read, { query: 'not graphql {' }])).toBeNull();
  });
});

describe('splitting the combined answer', () => {
  it('gives each fetch its own data and only its own errors, with their paths as alone', () => {
    const parts = splitAnswer(
      {
        data: { f0__entities: [{ nickname: 'b' }, null], f1__entities: [{ nickname: 's' }], f2_me: { id: 'u1' }, f2_self: null },
        errors: [
          { message: 'no such user', path: ['f0__entities', 1], locations: [{ line: 1, column: 90 }], extensions: { code: 'NOT_FOUND' } },
          { message: 'hidden', path: ['f2_self', 'nickname'] },
        ],
        extensions: { traced: true },
      },
      3,
    );
    expect(parts).toEqual([
      { data: { _entities: [{ nickname: 'b' }, null] }, errors: [{ message: 'no such user', path: ['_entities', 1], extensions: { code: 'NOT_FOUND' } }], extensions: { traced: true } },
      { data: { _entities: [{ nickname: 's' }] }, extensions: { traced: true } },
      { data: { me: { id: 'u1' }, self: null }, errors: [{ message: 'hidden', path: ['self', 'nickname'] }], extensions: { traced: true } },
    ]);
  });

  it('sends every fetch again alone when an error belongs to none of them (no path, unknown root)', () => {
    const data = { f0__entities: [], f1__entities: [] };
    expect(splitAnswer({ data, errors: [{ message: 'Cannot query field' }] }, 2)).toEqual(['resend', 'resend']);
    expect(splitAnswer({ data, errors: [{ message: 'x', path: ['f7__entities', 0] }] }, 2)).toEqual(['resend', 'resend']);
    expect(splitAnswer({ data: { f0__entities: [], other: 1 } }, 2)).toEqual(['resend', 'resend']);
    expect(splitAnswer({}, 2)).toEqual(['resend', 'resend']);
  });

  it('with null data, a fetch with its own error gets null data as alone; the others are sent again', () => {
    const parts = splitAnswer({ data: null, errors: [{ message: 'boom', path: ['f1_me', 'id'] }] }, 3);
    expect(parts).toEqual(['resend', { data: null, errors: [{ message: 'boom', path: ['me', 'id'] }] }, 'resend']);
  });
});
