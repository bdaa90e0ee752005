// Upstream: the read fetches one client request sends one subgraph together go as one request
// (GATEWAY_MERGE_FETCHES; combine and split in fetch-merge.ts).
import type { RawAnswer } from './subgraph-fetcher.ts';
import { combineFetches, splitAnswer, type FetchAnswer, type FetchBody } from './fetch-merge.ts';

/** One exchange as the data source made it: the raw answer and its parsed body. */
export interface Posted {
  answer: RawAnswer;
  parsed: unknown;
}

/** Sends one body, signed for the caller of the fetches it carries. */
export type Post = (body: FetchBody) => Promise<Posted>;

interface Waiting {
  body: FetchBody;
  post: Post;
  resolve: (posted: Posted) => void;
  reject: (error: unknown) => void;
}

/**
 * Answers that concern the caller or the subgraph, not one fetch of the document: every merged
 * fetch gets them, as each would have alone (signature refused, rate limited, subgraph away).
 */
const sharedStatus = (status: number) => status === 401 || status === 403 || status === 429 || status >= 500;

/**
 * Collects the read fetches of one client request to one subgraph that start in the same turn of
 * the event loop (the branches of a plan's Parallel node, their entity-cache misses) and sends them
 * as one request: the query planner's `MyTrades` asks the user subgraph for buyers' and sellers'
 * nicknames in two fetches, and each request costs the subgraph a fixed ~1–2 ms of CPU whatever
 * its size. A batch never spans client requests (`owner` is the request's context), so no caller's
 * fetch travels with another's; `group` separates fetches whose headers differ.
 */
export class FetchBatcher {
  /** Fetches that travelled in a merged request (for metrics and tests). */
  merged = 0;
  /** Merged requests sent. */
  requests = 0;
  /** Fetches of a merged request sent again alone, because the merged answer hid their outcome. */
  resent = 0;
  private readonly open = new Map<object, Map<string, Waiting[]>>();

  add(owner: object, group: string, body: FetchBody, post: Post): Promise<Posted> {
    return new Promise<Posted>((resolve, reject) => {
      let groups = this.open.get(owner);
      if (!groups) {
        groups = new Map();
        this.open.set(owner, groups);
        setImmediate(() => this.flush(owner));
      }
      const waiting = groups.get(group);
      const entry = { body, post, resolve, reject };
      if (waiting) waiting.push(entry);
      else groups.set(group, [entry]);
    });
  }

  private flush(owner: object): void {
    const groups = this.open.get(owner);
    this.open.delete(owner);
    for (const batch of groups?.values() ?? []) void this.send(batch);
  }

  private async send(batch: Waiting[]): Promise<void> {
    const combined = batch.length > 1 ? combineFetches(batch.map((entry) => entry.body)) : null;
    if (!combined) {
      for (const entry of batch) alone(entry);
      return;
    }
    let posted: Posted;
    try {
      posted = await batch[0]!.post(combined);
    } catch (error) {
      for (const entry of batch) entry.reject(error); // unreachable: each fetch answers as alone (SUBGRAPH_UNAVAILABLE)
      return;
    }
    const { answer, parsed } = posted;
    if (sharedStatus(answer.status)) {
      for (const entry of batch) entry.resolve(posted);
      return;
    }
    if (answer.status < 200 || answer.status > 299 || typeof parsed !== 'object' || parsed === null) {
      for (const entry of batch) alone(entry); // e.g. a 400 for the document: whose fetch it concerns is unknown
      return;
    }
    this.requests++;
    this.merged += batch.length;
    const parts = splitAnswer(parsed as FetchAnswer, batch.length);
    for (const [index, entry] of batch.entries()) {
      const part = parts[index]!;
      if (part === 'resend') {
        this.resent++;
        alone(entry);
      } else entry.resolve({ answer, parsed: part });
    }
  }
}

function alone(entry: Waiting): void {
  entry.post(entry.body).then(entry.resolve, entry.reject);
}
