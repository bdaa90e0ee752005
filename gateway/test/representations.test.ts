import { describe, expect, it } from 'vitest';
import { dedupeRepresentations, expandEntities } from '../src/upstream/subgraph-data-source.ts';

const user = (id: string) => ({ __typename: 'User', id });

describe('repeated representations', () => {
  it('sends each distinct representation once and spreads the answer back over every position', () => {
    const deduped = dedupeRepresentations({ representations: [user('a'), user('b'), user('a'), user('a'), user('b')] });
    expect(deduped?.variables.representations).toEqual([user('a'), user('b')]);
    expect(deduped?.positions).toEqual([0, 1, 0, 0, 1]);
    const answer = expandEntities(
      { data: { _entities: [{ nickname: 'A' }, null] }, errors: [{ message: 'gone', path: ['_entities', 1, 'nickname'] }] },
      deduped!.positions,
    );
    expect(answer.data?._entities).toEqual([{ nickname: 'A' }, null, { nickname: 'A' }, { nickname: 'A' }, null]);
    expect(answer.errors?.map((error) => error.path)).toEqual([['_entities', 1, 'nickname'], ['_entities', 4, 'nickname']]);
  });

  it('leaves a request without repeats, or without representations, as it is', () => {
    expect(dedupeRepresentations({ representations: [user('a'), user('b')] })).toBeNull();
    expect(dedupeRepresentations({ first: 20 })).toBeNull();
    expect(dedupeRepresentations(undefined)).toBeNull();
  });
});
