// Every sentence this service shows a person (besides the rules' own), in Korean (default) and
// English, in plain words: what happened and what to do next.
// The refusals every service shares (sign in first, administrators only, check your input)
// come from the platform's commonMessages.
import { catalogue, commonMessages } from '@anshim/platform';
import data from './messages.json' with { type: 'json' };

/** The fixed sentences, as data (messages.json: translators edit it, not code); checked when the service loads. */
const texts = catalogue(data, 'subgraphs/monitor/src/messages.json');

export const messages = {
  ...commonMessages,
  ...texts.messages,
} as const;
