import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { freePort } from './free-port.ts';
import { ownerUrls, startTiers } from './owners.ts';
import { startProcess, type StartedProcess } from './processes.ts';

export interface Stack {
  gatewayUrl: string;
  subgraphUrls: Record<string, string>;
  /** Each process's operations port origin (/metrics, detailed /readyz; the user service's /dev/messages). */
  operationsUrls: Record<string, string>;
  env: Record<string, string>;
  processes: StartedProcess[];
  stop(): Promise<void>;
}

/**
 * The whole system as real processes on free ports: the given subgraphs (with their workers when
 * asked), then a gateway routed to them. Each stack has its own Redis prefix.
 */
export async function startStack(options: { subgraphs: string[]; workers?: string[]; env?: Record<string, string>; startTimeoutMs?: number }): Promise<Stack> {
  // Generous: on a loaded 2-core machine a subgraph may take over a minute to compile and start.
  const timeoutMs = options.startTimeoutMs ?? 120_000;
  // Browsers reach the services' own routes (/auth, files) only through the gateway, so the links
  // they sign point there: the gateway's port is chosen before the subgraphs start.
  const gatewayPort = options.env?.GATEWAY_PORT ?? String(await freePort());
  const gatewayOrigin = `http://127.0.0.1:${gatewayPort}`;
  const env: Record<string, string> = {
    USER_PUBLIC_URL: gatewayOrigin,
    TRANSACTION_PUBLIC_URL: `${gatewayOrigin}/transaction`,
    REPORT_PUBLIC_URL: `${gatewayOrigin}/report`,
    PAYMENT_PUBLIC_URL: gatewayOrigin,
    PAYMENT_APP_RETURN_URL: `${gatewayOrigin}/payments/done`,
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    REDIS_PREFIX: `${inject('redisPrefix')}_${randomBytes(3).toString('hex')}`,
    GATEWAY_OPS_PORT: '0',
    ...options.env,
    GATEWAY_PORT: gatewayPort,
  };
  const processes: StartedProcess[] = [];
  const stop = async () => {
    await Promise.all(processes.reverse().map((p) => p.stop()));
  };
  try {
    const subgraphUrls: Record<string, string> = {};
    // Owners first, each on port 0, so the services that read from them (signed /internal/ reads:
    // transaction → user, report → user and transaction) get their real URLs: user, then
    // transaction, then the rest together. Never pre-picked ports: a port picked before the owner
    // listens can be taken by another process in between, whose answers (a 401 from another
    // stack's secret) look like a forged call.
    for (const tier of startTiers(options.subgraphs)) {
      // allSettled: when one fails to start, the ones that did are still stopped below.
      const started = await Promise.allSettled(
        tier.map((name) =>
          startProcess(name, `subgraphs/${name}/src/index.ts`, { ...ownerUrls(name, subgraphUrls), ...env, [`${name.toUpperCase()}_PORT`]: '0', [`${name.toUpperCase()}_OPS_PORT`]: '0' }, { timeoutMs }),
        ),
      );
      for (const result of started) if (result.status === 'fulfilled') processes.push(result.value);
      const failed = started.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
      for (const p of processes) subgraphUrls[p.name] = `http://127.0.0.1:${p.port}/graphql`;
    }
    for (const name of options.workers ?? []) {
      processes.push(await startProcess(`${name}-worker`, `subgraphs/${name}/src/workers/index.ts`, env, { readyMessage: 'ready', timeoutMs }));
    }
    const gateway = await startProcess('gateway', 'gateway/src/index.ts', { ...env, SUBGRAPH_URLS: JSON.stringify(subgraphUrls) }, { timeoutMs });
    processes.push(gateway);
    const operationsUrls = Object.fromEntries(processes.filter((p) => p.operationsUrl).map((p) => [p.name, p.operationsUrl!]));
    return { gatewayUrl: `http://127.0.0.1:${gateway.port}/graphql`, subgraphUrls, operationsUrls, env, processes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
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
