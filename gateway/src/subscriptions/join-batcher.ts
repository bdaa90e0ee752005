import type { GraphQLDataSource } from '@apollo/gateway';
import type { GraphQLFormattedError } from 'graphql';
import type { GatewayContext } from '../context.ts';
import { DistinctRepresentations } from '../upstream/subgraph-data-source.ts';
import { ViewerIndependence } from './viewer-independent.ts';

type ProcessOptions = Parameters<GraphQLDataSource['process']>[0];
type Response = Awaited<ReturnType<GraphQLDataSource['process']>>;

const OPERATION_NAME = /^\s*query\s+[_A-Za-z][_0-9A-Za-z]*/;

interface Waiter {
  options: ProcessOptions;
  representations: unknown[];
  resolve: (response: Response) => void;
  reject: (error: unknown) => void;
}

interface Batch {
  subgraph: string;
  waiters: Waiter[];
  size: number;
  cancel: () => void;
}

export interface JoinBatcherOptions {
  /** How long the first entity fetch of a batch waits for others; 0: until the event loop's next check phase (setImmediate), no added delay. */
  windowMs: number;
  /** A batch is sent at once when it holds this many representations. */
  maxRepresentations?: number;
  independence?: ViewerIndependence;
}

/**
 * Coalesces the entity fetches (`_entities`) of the subscription event plans: the groups a
 * published event reaches each run their plan, and the fetches they make within `windowMs` to the
 * same subgraph with the same operation, variables, language and viewer become ONE fetch with
 * deduplicated representations, whose answer is split back per group.
 *
 * The viewer is part of the key, so one identity never receives fields fetched for another: a
 * fetch is shared across identities only when it selects viewer-independent fields alone
 * (see viewer-independent.ts); it is then signed with the first waiter's identity, which by that
 * definition gets the same answer as every other signed-in subscriber in the batch.
 */
export class JoinBatcher {
  private readonly batches = new Map<string, Batch>();
  private readonly independence: ViewerIndependence;
  private readonly maxRepresentations: number;

  constructor(
    private readonly dataSources: ReadonlyMap<string, GraphQLDataSource>,
    private readonly options: JoinBatcherOptions,
  ) {
    this.independence = options.independence ?? new ViewerIndependence();
    this.maxRepresentations = options.maxRepresentations ?? 2_000;
  }

  /** The data sources for executeQueryPlan: entity fetches go through the batcher, others straight through. */
  services(): Record<string, GraphQLDataSource> {
    const services: Record<string, GraphQLDataSource> = Object.create(null) as Record<string, GraphQLDataSource>;
    for (const [name, source] of this.dataSources) {
      services[name] = { process: (options) => (this.batchable(options) ? this.enqueue(name, options) : source.process(options)) };
    }
    return services;
  }

  private batchable(options: ProcessOptions): boolean {
    return options.kind === 'incoming operation' && Array.isArray(options.request.variables?.representations) && typeof options.request.query === 'string';
  }

  private enqueue(subgraph: string, options: ProcessOptions): Promise<Response> {
    const { representations, ...others } = options.request.variables as { representations: unknown[] } & Record<string, unknown>;
    const context = options.context as Partial<GatewayContext>;
    const query = options.request.query as string;
    const viewer = this.independence.of(query) ? 'any' : context.identity ? `${context.identity.userId};${context.identity.role}` : 'anonymous';
    // The planner names fetches after the client operation (A__people__1): the name is only a label, and without it different selections share a fetch.
    const key = JSON.stringify([subgraph, query.replace(OPERATION_NAME, 'query'), others, context.acceptLanguage ?? '', viewer]);
    return new Promise<Response>((resolve, reject) => {
      let batch = this.batches.get(key);
      if (!batch) {
        const created: Batch = { subgraph, waiters: [], size: 0, cancel: () => undefined };
        if (this.options.windowMs > 0) {
          const timer = setTimeout(() => this.flush(key, created), this.options.windowMs);
          created.cancel = () => clearTimeout(timer);
        } else {
          const immediate = setImmediate(() => this.flush(key, created));
          created.cancel = () => clearImmediate(immediate);
        }
        batch = created;
        this.batches.set(key, batch);
      }
      batch.waiters.push({ options, representations, resolve, reject });
      batch.size += representations.length;
      if (batch.size >= this.maxRepresentations) this.flush(key, batch);
    });
  }

  private flush(key: string, batch: Batch): void {
    if (this.batches.get(key) !== batch) return;
    this.batches.delete(key);
    batch.cancel();
    void this.send(batch);
  }

  private async send({ subgraph, waiters }: Batch): Promise<void> {
    const source = this.dataSources.get(subgraph)!;
    const first = waiters[0]!;
    if (waiters.length === 1) {
      source.process(first.options).then(first.resolve, first.reject);
      return;
    }
    // Identical representations (the same subject in every group's event) are fetched once.
    const distinct = new DistinctRepresentations();
    const positions = waiters.map((waiter) => waiter.representations.map((representation) => distinct.add(representation)));
    let response: Response;
    try {
      response = await source.process({
        ...first.options,
        request: { ...first.options.request, http: undefined, variables: { ...first.options.request.variables, representations: distinct.unique } },
      } as ProcessOptions);
    } catch (error) {
      for (const waiter of waiters) waiter.reject(error);
      return;
    }
    const entities = response.data?._entities;
    waiters.forEach((waiter, w) => waiter.resolve(split(response, Array.isArray(entities) ? entities : undefined, positions[w]!)));
  }
}

/**
 * One waiter's share of the merged answer: its entities in its order, and the errors about them
 * (re-indexed) or about the whole fetch. Copies: executeQueryPlan merges into what it receives.
 */
function split(response: Response, entities: unknown[] | undefined, positions: number[]): Response {
  const errors: GraphQLFormattedError[] = [];
  for (const error of response.errors ?? []) {
    const path = error.path;
    if (entities && path?.[0] === '_entities' && typeof path[1] === 'number') {
      positions.forEach((index, position) => {
        if (index === path[1]) errors.push({ ...error, path: ['_entities', position, ...path.slice(2)] });
      });
    } else {
      errors.push(error);
    }
  }
  const share: Response = { ...response, data: entities ? { ...response.data, _entities: positions.map((index) => structuredClone(entities[index])) } : response.data && structuredClone(response.data) };
  if (errors.length) share.errors = errors;
  else delete share.errors;
  return share;
}
