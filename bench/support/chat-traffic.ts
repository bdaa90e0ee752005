// What bench/chat-throughput.ts sends, and when in the run its tail happened.
import { messageMix } from '../chat-screening.ts';
import { percentile } from './chat-measures.ts';

/**
 * The text of each send. Fraud comes from fraudsters, not from every member now and then: in each
 * round of the buyers over their conversations, the buyers of a tenth of the conversations (a
 * different tenth each round: fraudsters keep arriving) send only the mix's fraud patterns (fake
 * safe-payment links, deposit requests), everyone else only its small talk. The monitor may put a
 * fraudster under REQUIRE_VERIFICATION, and then their later sends are refused (counted as failed),
 * as the platform means them to be; an honest member is never stopped. (Until session 17 any
 * member's message was a fraud pattern one time in ten: at 200/s most of the 20 sellers, each in 50
 * conversations, were stopped within the run, and 44% of the sends were refusals.)
 */
export function chatTexts(total: number, seed: number): (conversationIndex: number, buyersRound: number | null) => string {
  const mix = messageMix(total, seed);
  const fraudTexts = mix.inputs.filter((_, i) => mix.fraudulent[i]);
  const honestTexts = mix.inputs.filter((_, i) => !mix.fraudulent[i]);
  let nextFraud = 0;
  let nextHonest = 0;
  return (conversationIndex, buyersRound) =>
    buyersRound !== null && conversationIndex % 10 === buyersRound % 10 ? fraudTexts[nextFraud++ % fraudTexts.length]!.text : honestTexts[nextHonest++ % honestTexts.length]!.text;
}

/**
 * p99 of the latencies of the sends started in each `sliceMs` from `from` (a round over the
 * conversations takes conversations ÷ rate seconds; the buyers' rounds carry the fraudsters'
 * messages and their alerts).
 */
export function p99PerSlice(samples: ReadonlyArray<{ started: number; latencyMs: number }>, from: number, sliceMs = 5_000): number[] {
  const slices = new Map<number, number[]>();
  for (const { started, latencyMs } of samples) {
    const slice = Math.floor((started - from) / sliceMs);
    const values = slices.get(slice);
    if (values) values.push(latencyMs);
    else slices.set(slice, [latencyMs]);
  }
  return [...slices.entries()].sort(([a], [b]) => a - b).map(([, values]) => Math.round(percentile(values.sort((a, b) => a - b), 99)));
}
