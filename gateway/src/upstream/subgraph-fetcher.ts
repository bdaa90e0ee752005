// Upstream: the HTTP client of every subgraph fetch (keep-alive pools, one deadline per fetch).
import http from 'node:http';
import https from 'node:https';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';

export type Fetcher = RemoteGraphQLDataSource['fetcher'];

/** The subgraph could not be reached or did not answer in time (as opposed to answering with an error). */
export class SubgraphUnreachableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SubgraphUnreachableError';
  }
}

/** A subgraph's whole answer, before any parsing: what the hot path needs and nothing more. */
export interface RawAnswer {
  url: string;
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface ExchangeInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface SubgraphFetcher {
  /** WHATWG-style fetch (readiness checks, anything that wants a Response). */
  fetch: Fetcher;
  /** The same request without building Request/Response objects: the query path uses this. */
  exchange(url: string, init?: ExchangeInit): Promise<RawAnswer>;
  /** Closes the pooled connections (on stop). */
  close(): void;
}

/** Statuses whose response may not carry a body (the Response constructor refuses one). */
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

function responseHeaders(incoming: http.IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

/**
 * Subgraph fetches over keep-alive connection pools, each bounded by one deadline that covers
 * connecting, sending and reading the whole answer.
 */
export function createSubgraphFetcher(options: { timeoutMs: number; maxSockets?: number }): SubgraphFetcher {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 256 };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);

  /**
   * One try; a request that failed on a reused keep-alive socket the subgraph had just closed
   * for idleness never reached it, so it is sent once more on a fresh connection (Node's
   * documented pattern for `reusedSocket`).
   */
  const attempt = (url: string, init: ExchangeInit, signal: AbortSignal, retryStaleSocket: boolean): Promise<RawAnswer> =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      const request = (secure ? https : http).request(
        target,
        { method: init.method ?? 'GET', headers: init.headers, agent: secure ? httpsAgent : httpAgent, signal },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (error) => reject(new SubgraphUnreachableError(signal.aborted ? `${target.host} did not answer within ${options.timeoutMs} ms` : `${target.host} broke off its answer: ${error.message}`, { cause: error })));
          response.on('end', () => {
            resolve({ url, status: response.statusCode ?? 502, statusText: response.statusMessage ?? '', headers: response.headers, body: Buffer.concat(chunks) });
          });
        },
      );
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (signal.aborted) return reject(new SubgraphUnreachableError(`${target.host} did not answer within ${options.timeoutMs} ms`, { cause: error }));
        if (retryStaleSocket && request.reusedSocket && error.code === 'ECONNRESET') {
          return resolve(attempt(url, init, signal, false));
        }
        reject(new SubgraphUnreachableError(`${target.host}: ${error.code ?? error.message}`, { cause: error }));
      });
      request.end(init.body);
    });

  const exchange = (url: string, init: ExchangeInit = {}) => attempt(url, init, AbortSignal.timeout(options.timeoutMs), true);

  const fetch: Fetcher = async (url, init = {}) => {
    const answer = await exchange(url, { method: init.method, headers: init.headers as Record<string, string> | undefined, body: init.body as string | undefined });
    return new Response(NULL_BODY_STATUSES.has(answer.status) ? null : answer.body, {
      status: answer.status,
      statusText: answer.statusText,
      headers: responseHeaders(answer.headers),
    });
  };

  return {
    fetch,
    exchange,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
