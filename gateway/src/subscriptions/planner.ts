import { buildOperationContext } from '@apollo/gateway';
import { Supergraph, operationFromDocument, type Operation, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type PlanNode, type QueryPlan } from '@apollo/query-planner';
import { GraphQLError, Kind, print, type DocumentNode, type GraphQLSchema } from 'graphql';
import { BoundedMap, ErrorCode } from '@anshim/platform';
import { ViewerIndependence } from './viewer-independent.ts';

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
  /**
   * True when every fetch of the rest selects viewer-independent fields only (or there is no
   * rest): the same upstream event then gives the same result to any subscriber of this selection.
   */
  restViewerIndependent: boolean;
  operationContext: OperationContext;
  /**
   * When the plan is the primary fetch alone (no join, no output rewrite): the client operation as
   * executeQueryPlan builds it on every run (operationFromDocument), built once here. An event then
   * only needs executeQueryPlan's last step, shaping the subgraph's data to the client's selection
   * (executor.ts); undefined: every event runs the whole plan.
   */
  shapeOnly?: Operation;
  /** Identifies the downstream selections: same key, same per-event work. */
  key: string;
  /**
   * Short stand-ins for the texts above, for the keys the executor holds per subscription (the
   * texts themselves would be copied into every key): `primaryId` is the same for plans whose
   * primary fetch is the same operation on the same subgraph, `planId` is this plan's own. Never
   * reused, so equal ids mean equal texts; equal texts may get other ids after the planner's
   * caches were cleared (the executor then merely shares less).
   */
  primaryId: number;
  planId: number;
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

function fetchesOf(node: PlanNode | undefined, into: FetchNode[] = []): FetchNode[] {
  if (!node) return into;
  switch (node.kind) {
    case 'Fetch':
      into.push(node);
      break;
    case 'Sequence':
    case 'Parallel':
      for (const child of node.nodes) fetchesOf(child, into);
      break;
    case 'Flatten':
      fetchesOf(node.node, into);
      break;
    case 'Condition':
      fetchesOf(node.ifClause, into);
      fetchesOf(node.elseClause, into);
      break;
    default:
      // Defer and anything newer: treated as viewer-dependent through a sentinel the caller rejects.
      into.push({ kind: 'Fetch', serviceName: '', operation: '', operationKind: 'query' } as unknown as FetchNode);
  }
  return into;
}

/**
 * Plans subscriptions with @apollo/query-planner on the gateway's current supergraph
 * (ARCHITECTURE §7); @apollo/gateway plans them too but refuses to execute them.
 */
export class SubscriptionPlanner {
  private current: (PlanningSchemas & { planner: QueryPlanner }) | undefined;
  private readonly cache = new BoundedMap<string, PlannedSubscription>(PLAN_CACHE_LIMIT);
  /**
   * The same plans by document object: onSubscribe hands out one cached document per query text
   * (DocumentCache), so this skips printing the document for the text key on every subscribe.
   */
  private byDocument = new WeakMap<DocumentNode, Map<string, PlannedSubscription>>();
  private readonly independence = new ViewerIndependence();
  private readonly primaryIds = new Map<string, number>();
  private nextId = 0;

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
    this.primaryIds.clear();
    this.byDocument = new WeakMap();
  }

  private primaryIdOf(primary: FetchNode): number {
    const text = `${primary.serviceName}\n${primary.operation}`;
    let id = this.primaryIds.get(text);
    if (id === undefined) {
      if (this.primaryIds.size >= PLAN_CACHE_LIMIT) this.primaryIds.clear();
      this.primaryIds.set(text, (id = ++this.nextId));
    }
    return id;
  }

  schemas(): PlanningSchemas {
    if (!this.current) throw new GraphQLError('The gateway has no schema yet.', { extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } });
    return this.current;
  }

  /** The API schema clients are validated against, or undefined before the supergraph loaded. */
  currentApiSchema(): GraphQLSchema | undefined {
    return this.current?.apiSchema;
  }

  /** `document` must already be validated against `schemas().apiSchema`. */
  plan(document: DocumentNode, operationName: string | undefined): PlannedSubscription {
    const current = this.current;
    if (!current) throw new GraphQLError('The gateway has no schema yet.', { extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } });
    let plans = this.byDocument.get(document);
    if (!plans) this.byDocument.set(document, (plans = new Map()));
    const known = plans.get(operationName ?? '');
    if (known) return known;
    const key = `${operationName ?? ''}\n${print(document)}`;
    const cached = this.cache.get(key);
    if (cached) {
      plans.set(operationName ?? '', cached);
      return cached;
    }

    const operation = operationFromDocument(current.federationApiSchema, document, { operationName });
    const plan = current.planner.buildQueryPlan(operation);
    const node = plan.node;
    if (node?.kind !== 'Subscription') {
      throw new GraphQLError('Only subscription operations are planned here.', { extensions: { code: ErrorCode.BAD_REQUEST } });
    }
    const first: FetchNode = { ...node.primary, serviceName: EVENT_SOURCE };
    const operationContext = buildOperationContext({ schema: current.apiSchema, operationDocument: document, operationName });
    const shapeOnly = node.rest === undefined && !node.primary.outputRewrites?.length
      ? operationFromDocument(current.federationApiSchema, { kind: Kind.DOCUMENT, definitions: [operationContext.operation, ...Object.values(operationContext.fragments)] }, { validate: false })
      : undefined;
    const planned: PlannedSubscription = {
      primary: node.primary,
      eventPlan: { kind: 'QueryPlan', node: node.rest ? { kind: 'Sequence', nodes: [first, node.rest] } : first },
      hasRest: node.rest !== undefined,
      restViewerIndependent: fetchesOf(node.rest).every((fetch) => this.independence.of(fetch.operation)),
      operationContext,
      ...(shapeOnly ? { shapeOnly } : {}),
      key,
      primaryId: this.primaryIdOf(node.primary),
      planId: ++this.nextId,
    };
    this.cache.remember(key, planned);
    plans.set(operationName ?? '', planned);
    return planned;
  }
}
