// The benches' own GraphQL requests, over node:http with keep-alive. fetch (undici, web streams)
// cost about 4× the CPU per request: 613 µs against 139 µs per POST, client and a trivial server in
// one process, warm (2026-12-07). A bench's clients share the 2 cores with what they measure, so what
// they burn shows up as the platform's latency; real clients run on other machines.
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

/** A GraphQL answer with errors: the first error's `extensions.code` as `code`. */
export class GraphQLAnswerError extends Error {
  constructor(
    readonly errors: Array<{ message?: string; extensions?: { code?: string } }>,
    readonly code = errors[0]?.extensions?.code,
  ) {
    super(JSON.stringify(errors));
  }
}

/** POSTs a JSON body; answers the status and the body's text. `fresh`: on a new connection, not a kept-alive one. */
export function postJson(url: string, body: string, headers: Record<string, string> = {}, fresh = false): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent: fresh ? false : agent, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * One operation; its data, or a GraphQLAnswerError. A kept-alive socket the server closed while it
 * was idle fails before any answer (ECONNRESET, EPIPE): asked once more on a new connection (the
 * pool's next idle socket may have been closed too: after a pause, the server closes them all).
 */
export async function gql<T>(url: string, query: string, variables: Record<string, unknown> = {}, token?: string, retried = false): Promise<T> {
  let answer: { text: string };
  try {
    answer = await postJson(url, JSON.stringify({ query, variables }), token ? { authorization: `Bearer ${token}` } : {}, retried);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!retried && (code === 'ECONNRESET' || code === 'EPIPE')) return gql(url, query, variables, token, true);
    throw error;
  }
  const body = JSON.parse(answer.text) as { data?: T; errors?: Array<{ message?: string; extensions?: { code?: string } }> };
  if (body.errors?.length || !body.data) throw new GraphQLAnswerError(body.errors ?? [{ message: `no data: ${answer.text.slice(0, 200)}` }]);
  return body.data;
}
