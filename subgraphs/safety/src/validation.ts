// The kit's validation bound to this service's ko/en catalogue: a refusal names the field, the
// catalogue key as its reason and the message in the caller's language (see the platform's
// kit/validate.ts), in the same shape as every other subgraph's BAD_USER_INPUT.
import { validationFor } from '@anshim/platform';
import { messages } from './messages.ts';

export const { badField } = validationFor(messages);
