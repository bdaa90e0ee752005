import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { freePort } from './free-port.ts';
import { ownerUrls, startTiers } from './owners.ts';
import { startProcess, type StartedProcess } from './processes.ts';

export interface Stack {
  gatewayUrl: string;
  /** Every gateway, one per instance (`gatewayUrls[0]` is `gatewayUrl`). */
  gatewayUrls: string[];
  /** The first instance's subgraphs. */
  subgraphUrls: Record<string, string>;
  /** Each process's operations port origin (/metrics, detailed /readyz; the user service's /dev/messages); a second instance is `user#2`. */
  operationsUrls: Record<string, string>;
  env: Record<string, string>;
  processes: StartedProcess[];
  stop(): Promise<void>;
}

export interface StackOptions {
  subgraphs: string[];
  workers?: string[];
  env?: Record<string, string>;
  startTimeoutMs?: number;
  /**
   * How many of every process (default 1): instance i is a gateway routed to the i-th instance of each
   * subgraph, with its own workers, all over the same database, Redis and prefix (the scale-out e2e).
   */
  instances?: number;
}

/**
 * The whole system as real processes on free ports: the given subgraphs (with their workers when
 * asked), then a gateway routed to them, as many times as `instances`, the instances side by side
 * (replicas start at once in production too: the bootstrap admin and every consumer are safe for it).
 * Each stack has its own Redis prefix. When any process fails to start (exits, or is not ready within
 * `startTimeoutMs`), the starts still under way are abandoned and every process started is killed
 * with its process group before the promise rejects: a failed start leaves nothing running.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const shared: Record<string, string> = {
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    REDIS_PREFIX: `${inject('redisPrefix')}_${randomBytes(3).toString('hex')}`,
    GATEWAY_OPS_PORT: '0',
    // Off unless a test asks for it: a test reading a field right after changing it through another
    // member would otherwise race the event's publication (ms). test/e2e/entity-cache.e2e.test.ts turns it on.
    ENTITY_CACHE: 'false',
    ...options.env,
  };
  const processes: StartedProcess[] = [];
  const stop = async () => {
    await Promise.all([...processes].reverse().map((p) => p.stop()));
  };
  const run = new StartRun(processes);
  const started = await Promise.allSettled(Array.from({ length: options.instances ?? 1 }, (_, index) => startInstance(options, shared, index, run)));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    throw run.firstFailure ?? failed.reason;
  }
  const instances = started.map((result) => (result as PromiseFulfilledResult<Instance>).value);
  const operationsUrls = Object.fromEntries(processes.filter((p) => p.operationsUrl).map((p) => [p.name, p.operationsUrl!]));
  const gatewayUrls = instances.map((instance) => instance.gatewayUrl);
  return { gatewayUrl: gatewayUrls[0]!, gatewayUrls, subgraphUrls: instances[0]!.subgraphUrls, operationsUrls, env: instances[0]!.env, processes, stop };
}

interface Instance {
  gatewayUrl: string;
  subgraphUrls: Record<string, string>;
  env: Record<string, string>;
}

/**
 * One stack's start: every process started goes into `processes` at once, so a failure stops it
 * too; the first start that fails abandons all the others under way (`signal`), and is the error
 * the stack rejects with (the others then only say they were abandoned).
 */
class StartRun {
  private readonly abandon = new AbortController();
  firstFailure: unknown;
  readonly signal = this.abandon.signal;

  constructor(private readonly processes: StartedProcess[]) {}

  /** Starts processes at once and waits for all of them; throws if any failed. */
  async together(starts: Array<() => Promise<StartedProcess>>): Promise<StartedProcess[]> {
    const results = await Promise.allSettled(
      starts.map((start) =>
        start().then(
          (started) => (this.processes.push(started), started),
          (error: unknown) => {
            if (!this.signal.aborted) this.firstFailure = error;
            this.abandon.abort();
            throw error;
          },
        ),
      ),
    );
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    return results.map((result) => (result as PromiseFulfilledResult<StartedProcess>).value);
  }
}

/** One gateway with its own subgraphs and workers. */
async function startInstance(options: StackOptions, shared: Record<string, string>, index: number, run: StartRun): Promise<Instance> {
  const signal = run.signal;
  // Generous: on a loaded 2-core machine a subgraph may take over a minute to compile and start.
  const timeoutMs = options.startTimeoutMs ?? 120_000;
  const named = (name: string) => (index === 0 ? name : `${name}#${index + 1}`);
  // Browsers reach the services' own routes (/auth, files) only through the gateway, so the links
  // they sign point there: the gateway's port is chosen before the subgraphs start.
  const gatewayPort = (index === 0 ? options.env?.GATEWAY_PORT : undefined) ?? String(await freePort());
  const gatewayOrigin = `http://127.0.0.1:${gatewayPort}`;
  const env: Record<string, string> = {
    USER_PUBLIC_URL: gatewayOrigin,
    TRANSACTION_PUBLIC_URL: `${gatewayOrigin}/transaction`,
    REPORT_PUBLIC_URL: `${gatewayOrigin}/report`,
    PAYMENT_PUBLIC_URL: gatewayOrigin,
    PAYMENT_APP_RETURN_URL: `${gatewayOrigin}/payments/done`,
    ...shared,
    GATEWAY_PORT: gatewayPort,
  };
  const subgraphUrls: Record<string, string> = {};
  // Owners first, each on port 0, so the services that read from them (signed /internal/ reads:
  // transaction → user, report → user and transaction) get their real URLs: user, then
  // transaction, then the rest together. Never pre-picked ports: a port picked before the owner
  // listens can be taken by another process in between, whose answers (a 401 from another
  // stack's secret) look like a forged call.
  for (const tier of startTiers(options.subgraphs)) {
    const started = await run.together(
      tier.map((name) => () =>
        startProcess(named(name), `subgraphs/${name}/src/index.ts`, { ...ownerUrls(name, subgraphUrls), ...env, [`${name.toUpperCase()}_PORT`]: '0', [`${name.toUpperCase()}_OPS_PORT`]: '0' }, { timeoutMs, signal }),
      ),
    );
    tier.forEach((name, i) => (subgraphUrls[name] = `http://127.0.0.1:${started[i]!.port}/graphql`));
  }
  // The workers and the gateway need only the subgraphs' URLs: they start together.
  const [gateway] = await run.together([
    () => startProcess(named('gateway'), 'gateway/src/index.ts', { ...env, SUBGRAPH_URLS: JSON.stringify(subgraphUrls) }, { timeoutMs, signal }),
    ...(options.workers ?? []).map((name) => () => startProcess(named(`${name}-worker`), `subgraphs/${name}/src/workers/index.ts`, env, { readyMessage: 'ready', timeoutMs, signal })),
  ]);
  return { gatewayUrl: `http://127.0.0.1:${gateway!.port}/graphql`, subgraphUrls, env };
}

/** POSTs a GraphQL operation; returns status, headers and the parsed body. */
export async function graphql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  let body: { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`non-JSON response ${res.status}: ${text.slice(0, 500)}`);
  }
  return { status: res.status, headers: res.headers, body };
}
