import { buildOperationContext } from '@apollo/gateway';
import { Supergraph, operationFromDocument, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type QueryPlan } from '@apollo/query-planner';
import { GraphQLError, print, type DocumentNode, type GraphQLSchema } from 'graphql';
import { ErrorCode } from '@anshim/platform';

type OperationContext = ReturnType<typeof buildOperationContext>;

/** The service name the primary fetch is re-pointed at: its data source returns the upstream event. */
export const EVENT_SOURCE = '__anshim_subscription_event__';

/** A client subscription, planned once per (document, operation name) and schema. */
export interface PlannedSubscription {
  /** The owning subgraph and the operation forwarded to it over graphql-ws. */
  primary: FetchNode;
  /** Per event: the primary fetch (answered by the event) then the rest of the plan. */
  eventPlan: QueryPlan;
  /** True when the plan has fetches besides the primary one (entity joins). */
  hasRest: boolean;
  operationContext: OperationContext;
  /** Identifies the downstream selections: same key, same per-event work. */
  key: string;
}

/** The schemas one supergraph gives: what executeQueryPlan needs besides the plan. */
export interface PlanningSchemas {
  /** graphql-js API schema clients are validated against. */
  apiSchema: GraphQLSchema;
  /** The federation API schema (executeQueryPlan shapes results with it). */
  federationApiSchema: Schema;
  /** graphql-js supergraph schema (executeQueryPlan reads @key/@requires from it). */
  supergraphSchema: GraphQLSchema;
}

const PLAN_CACHE_LIMIT = 500;

/**
 * Plans subscriptions with @apollo/query-planner on the gateway's current supergraph
 * (ARCHITECTURE §7); @apollo/gateway plans them too but refuses to execute them.
 */
export class SubscriptionPlanner {
  private current: (PlanningSchemas & { planner: QueryPlanner }) | undefined;
  private readonly cache = new Map<string, PlannedSubscription>();

  /** Wire to `gateway.onSchemaLoadOrUpdate`. */
  update(coreSupergraphSdl: string, apiSchema: GraphQLSchema): void {
    const supergraph = Supergraph.build(coreSupergraphSdl);
    this.current = {
      apiSchema,
      federationApiSchema: supergraph.apiSchema(),
      supergraphSchema: supergraph.schema.toGraphQLJSSchema(),
      planner: new QueryPlanner(supergraph),
    };
    this.cache.clear();
  }

  schemas(): PlanningSchemas {
    if (!this.current) throw new GraphQLError('The gateway has no schema yet.', { extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } });
    return this.current;
  }

  /** `document` must already be validated against `schemas().apiSchema`. */
  plan(document: DocumentNode, operationName: string | undefined): PlannedSubscription {
    const current = this.current;
    if (!current) throw new GraphQLError('The gateway has no schema yet.', { extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } });
    const key = `${operationName ?? ''}\n${print(document)}`;
    const cached = this.cache.get(key);
    if (cached) return cached;

    const operation = operationFromDocument(current.federationApiSchema, document, { operationName });
    const plan = current.planner.buildQueryPlan(operation);
    const node = plan.node;
    if (node?.kind !== 'Subscription') {
      throw new GraphQLError('Only subscription operations are planned here.', { extensions: { code: ErrorCode.BAD_REQUEST } });
    }
    const first: FetchNode = { ...node.primary, serviceName: EVENT_SOURCE };
    const planned: PlannedSubscription = {
      primary: node.primary,
      eventPlan: { kind: 'QueryPlan', node: node.rest ? { kind: 'Sequence', nodes: [first, node.rest] } : first },
      hasRest: node.rest !== undefined,
      operationContext: buildOperationContext({ schema: current.apiSchema, operationDocument: document, operationName }),
      key,
    };
    if (this.cache.size >= PLAN_CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, planned);
    return planned;
  }
}
