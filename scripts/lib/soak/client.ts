// The soak's one way to the gateway: every answer (or the lack of one) is recorded with its time,
// status and latency, for the "no 5xx outside the fault windows" invariant and the latency figures.

export interface Answer {
  /** When the request started (ms since epoch). */
  at: number;
  ms: number;
  /** HTTP status; 0 when no answer came (connection refused or reset, timeout). */
  status: number;
  operation: string;
  /** The first GraphQL error code, when there was one. */
  code?: string;
  message?: string;
}

export class SoakError extends Error {
  constructor(readonly answer: Answer) {
    super(`${answer.operation}: ${answer.status} ${answer.code ?? ''} ${answer.message ?? ''}`.trim());
  }
}

const REQUEST_TIMEOUT_MS = 30_000;

export class SoakClient {
  readonly answers: Answer[] = [];

  constructor(private readonly url: () => string) {}

  /** A GraphQL call through the gateway; throws SoakError on any error. The operation's name is its first field. */
  async call<T>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
    const operation = /\{\s*(\w+)/.exec(query)?.[1] ?? 'unknown';
    const at = Date.now();
    const started = performance.now();
    const record = (status: number, code?: string, message?: string): Answer => {
      const answer: Answer = { at, ms: performance.now() - started, status, operation, ...(code ? { code } : {}), ...(message ? { message: message.slice(0, 300) } : {}) };
      this.answers.push(answer);
      return answer;
    };
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.url(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      text = await response.text();
    } catch (error) {
      throw new SoakError(record(0, 'NO_ANSWER', (error as Error).message));
    }
    let body: { data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new SoakError(record(response.status, 'NOT_JSON', text.slice(0, 200)));
    }
    const first = body.errors?.[0];
    const answer = record(response.status, first?.extensions?.code, first?.message);
    if (first || !body.data) throw new SoakError(answer);
    return body.data;
  }

  /** A plain HTTP request a browser makes (the payment return), recorded like a call. */
  async browse(url: string, init: RequestInit & { operation: string }): Promise<Response | null> {
    const at = Date.now();
    const started = performance.now();
    try {
      const response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      this.answers.push({ at, ms: performance.now() - started, status: response.status, operation: init.operation });
      return response;
    } catch (error) {
      this.answers.push({ at, ms: performance.now() - started, status: 0, operation: init.operation, code: 'NO_ANSWER', message: (error as Error).message });
      return null;
    }
  }
}
