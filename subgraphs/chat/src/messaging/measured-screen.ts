// How long screening takes in the running service, on the operations port's /metrics
// (`anshim_chat_screening_seconds`: the detectors plus the fraud-registry copy lookup, per message),
// and the CHAT_SCREENING=false baseline bench/chat-throughput runs beside it to show screening's cost.
import { durationHistogram, type Metrics } from '@anshim/platform';
import type { MessageScreen } from '../model.ts';

/** Delivers the text as written, with no findings: only for the benchmark's unscreened run (env.ts refuses it in production). */
export const unscreened: MessageScreen = { screen: ({ text }) => ({ deliveredText: text, masked: false, findings: [] }) };

/** Times every screen call into the process' registry. */
export function measuredScreen(screen: MessageScreen, metrics: Metrics): MessageScreen {
  const seconds = durationHistogram(
    metrics,
    'anshim_chat_screening_seconds',
    'Time to screen one chat message before delivery (detectors and the fraud-registry copy lookup)',
    [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  );
  return {
    // Asked ahead by the facts read (not timed here: its time is the facts step's).
    ...(screen.lookupHashesOf ? { lookupHashesOf: screen.lookupHashesOf.bind(screen) } : {}),
    screen: async (input) => {
      const end = seconds.startTimer();
      try {
        return await screen.screen(input);
      } finally {
        end();
      }
    },
  };
}
