// Delivers every text unchanged with no findings: the screen sendMessage uses until the screening
// folder's implementation of MessageScreen is plugged in (server.ts chooses which).
import type { MessageScreen } from '../model.ts';

export const passThroughScreen: MessageScreen = {
  screen: ({ text }) => ({ deliveredText: text, masked: false, findings: [] }),
};
