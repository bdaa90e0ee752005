// A subscription whose plan is its primary fetch alone skips executeQueryPlan per event and only
// shapes the event to the client's selection (executor.ts shapeEvent). These pin that shortcut to
// the full path's answers on the real supergraph: aliases, __typename, @include, nulls, lists.
import { readFileSync } from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@anshim/platform';
import { SubscriptionExecutor, type DownstreamSubscription } from '../src/subscriptions/executor.ts';
import { SubscriptionPlanner, type PlannedSubscription } from '../src/subscriptions/planner.ts';

const sdl = readFileSync(new URL('../supergraph.graphql', import.meta.url), 'utf8');
const planner = new SubscriptionPlanner();
planner.update(sdl, Supergraph.build(sdl).apiSchema().toGraphQLJSSchema());
const logger = createLogger('test', 'silent');
const executor = new SubscriptionExecutor({
  planner,
  subgraphUrls: new Map(),
  dataSources: new Map(),
  internalSecret: 'x'.repeat(64),
  logger,
  formatError: (formatted) => formatted,
  joinBatching: false,
  joinBatchWindowMs: 0,
});

function request(planned: PlannedSubscription, variables: Record<string, unknown> = {}): DownstreamSubscription {
  return { planned, variables, identity: { userId: '00000000-0000-4000-8000-000000000001', role: 'USER' }, locale: 'ko', acceptLanguage: undefined, logger };
}

/** The same event through the shortcut and through executeQueryPlan (the plan without shapeOnly). */
async function bothWays(query: string, event: { data?: Record<string, unknown> | null; errors?: unknown[] }, variables: Record<string, unknown> = {}) {
  const planned = planner.plan(parse(query), undefined);
  const { shapeOnly: _shape, ...full } = planned;
  const frozen = structuredClone(event);
  const shortcut = await executor.executeEvent(request(planned, variables), event as never, 'r1');
  const complete = await executor.executeEvent(request(full, variables), event as never, 'r2');
  expect(event).toEqual(frozen); // neither path writes to the event (it is shared between groups)
  return { planned, shortcut: JSON.parse(JSON.stringify(shortcut)), complete: JSON.parse(JSON.stringify(complete)) };
}

const message = {
  id: 'm1',
  conversationId: 'c1',
  masked: false,
  warnings: [{ code: 'PAYMENT_IDENTIFIER', level: 'HIGH' }],
  __typename: 'ChatMessage',
};

describe('subscription events of a plan without joins', () => {
  it('are shaped as executeQueryPlan shapes them (the bench\'s selection)', async () => {
    const { planned, shortcut, complete } = await bothWays(
      'subscription($c: ID) { chatMessages(conversationId: $c) { id conversationId masked warnings { code level } } }',
      { data: { chatMessages: message } },
      { c: 'c1' },
    );
    expect(planned.shapeOnly).toBeDefined();
    expect(shortcut).toEqual({ data: { chatMessages: { id: 'm1', conversationId: 'c1', masked: false, warnings: [{ code: 'PAYMENT_IDENTIFIER', level: 'HIGH' }] } } });
    expect(shortcut).toEqual(complete);
  });

  it('keep aliases, __typename, @include and the key-only part of an entity', async () => {
    const query = `subscription($c: ID, $more: Boolean!) { m: chatMessages(conversationId: $c) {
      __typename kind: __typename id alias: conversationId sender { id } warnings @include(if: $more) { level } } }`;
    const event = { data: { m: { __typename: 'ChatMessage', kind: 'ChatMessage', id: 'm2', alias: 'c2', sender: { id: 'u1', __typename: 'User' }, warnings: [] } } };
    for (const more of [true, false]) {
      const { planned, shortcut, complete } = await bothWays(query, event, { c: 'c2', more });
      expect(planned.shapeOnly).toBeDefined();
      expect(shortcut).toEqual(complete);
      expect(shortcut.data.m.alias).toBe('c2');
      expect('warnings' in shortcut.data.m).toBe(more);
    }
  });

  it('null a non-null field\'s parent as the full path does (value completion)', async () => {
    const { shortcut, complete } = await bothWays('subscription { chatMessages { id masked } }', { data: { chatMessages: { id: 'm3', masked: null } } });
    expect(shortcut).toEqual(complete);
    expect(shortcut.data).toBeNull();
  });

  it('with errors from the subgraph, or a join to fetch, take the full path', async () => {
    const failed = await bothWays('subscription { chatMessages { id } }', { data: null, errors: [{ message: 'Nope', extensions: { code: 'FORBIDDEN' } }] });
    expect(failed.shortcut).toEqual(failed.complete);
    expect(failed.shortcut.errors[0].message).toBe('Nope');
    const joined = planner.plan(parse('subscription { chatMessages { id sender { nickname } } }'), undefined);
    expect(joined.hasRest).toBe(true);
    expect(joined.shapeOnly).toBeUndefined();
  });
});
