// What the subscription executor is given and reports (executor.ts): its options, one downstream
// subscription, and its counts. Kept apart so the executor's file holds its behaviour only.
import type { GraphQLDataSource } from '@apollo/gateway';
import type { GraphQLFormattedError } from 'graphql';
import type { Identity, Locale, Logger } from '@anshim/platform';
import type { Downstream } from './downstream.ts';
import type { PlannedSubscription, SubscriptionPlanner } from './planner.ts';

export interface SubscriptionExecutorOptions {
  planner: SubscriptionPlanner;
  /** Subgraph name → its HTTP GraphQL URL; graphql-ws connects to the same URL as ws(s)://. */
  subgraphUrls: ReadonlyMap<string, string>;
  /** The gateway's data sources, by subgraph name: the rest of each plan fetches through them. */
  dataSources: ReadonlyMap<string, GraphQLDataSource>;
  internalSecret: string;
  logger: Logger;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /**
   * Events buffered per slow downstream subscriber read through the iterator before new ones are
   * dropped (subscribers written to directly are limited by bytes queued on their socket instead).
   */
  bufferLimit?: number;
  /**
   * Coalesce the per-event entity fetches of groups that one publish reaches (JoinBatcher) and
   * share results between them where the viewer cannot change them; `false` runs every group's
   * plan on its own (kept for side-by-side measurements). Window 0: the fetches made before the
   * event loop next checks for I/O (one publish's events arrive in one burst).
   */
  joinBatching: boolean;
  joinBatchWindowMs: number;
  /** Per upstream event and group: seconds from its arrival to its result handed to the subscribers (rest of the plan and queueing). */
  eventSeconds?: { observe(labels: { subgraph: string }, seconds: number): void };
}

export interface DownstreamSubscription {
  planned: PlannedSubscription;
  /** Coerced variables of the client operation. */
  variables: Record<string, unknown>;
  identity: Identity | null;
  locale: Locale;
  acceptLanguage: string | undefined;
  logger: Logger;
  /**
   * The subscriber's socket, written to directly (serialized once per result); without it the
   * results are yielded by the returned iterator, for graphql-ws to send one by one.
   */
  downstream?: Downstream;
}

export interface SubscriptionStats {
  /** Upstream subscriptions open to subgraphs. */
  upstreams: number;
  /** Distinct downstream selections (per-event plan executions). */
  groups: number;
  subscribers: number;
}
