// The kit's validation bound to this service's ko/en catalogue: zod issue messages are keys of
// `messages`, and one BAD_USER_INPUT error names every problem (see the platform's kit/validate.ts).
import { validationFor } from '@anshim/platform';
import { messages } from './messages.ts';

export const { validate } = validationFor(messages);
