// The paging cursor of Conversation.messages: a message's seq, opaque to clients. Anything that
// does not decode to one is BAD_USER_INPUT, never a query.
import { BadInputError } from '@anshim/platform';
import { messages } from '../messages.ts';

const PREFIX = 'msg:';

export function encodeCursor(seq: bigint): string {
  return Buffer.from(`${PREFIX}${seq}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): bigint {
  const decoded = /^[A-Za-z0-9_-]{1,64}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const digits = decoded.startsWith(PREFIX) ? decoded.slice(PREFIX.length) : '';
  if (!/^[1-9][0-9]{0,18}$/.test(digits)) throw new BadInputError(messages.badCursor, { reason: 'BAD_CURSOR' });
  return BigInt(digits);
}
