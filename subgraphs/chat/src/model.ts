// The chat's vocabulary, shared by its domains (conversations, messaging), the copies and the
// events: the records resolvers receive, risk levels as the monitor names them, what screening
// answers (the seam the screening folder plugs into), the length rule, and what an id looks like.
import { BadInputError, isUuid } from '@anshim/platform';
import { messages } from './messages.ts';

/** The RiskLevel enum of the schema (and the monitor's); a finding is never NONE. */
export type FindingLevel = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

export interface ScreenFinding {
  code: string;
  level: FindingLevel;
}

export interface ScreenInput {
  text: string;
  senderId: string;
  /** The sender's previous texts in this conversation within a short window, oldest first (numbers split across messages). */
  recentTexts: string[];
  /**
   * What the send's facts read already answered of the registry (keyed lookup hashes): the hashes
   * it asked about (`MessageScreen.lookupHashesOf` of this text) and those the registry copy knows.
   * A candidate outside `asked` is looked up by the screen itself. Absent: the screen asks for all.
   */
  registry?: RegistryAnswers;
}

export interface RegistryAnswers {
  asked: ReadonlySet<string>;
  known: ReadonlySet<string>;
}

export interface ScreenResult {
  /** The text the recipient gets (parts masked when `masked`). */
  deliveredText: string;
  masked: boolean;
  findings: ScreenFinding[];
  /**
   * Keyed lookup hashes (paymentIdentifierHash) of the payment identifiers the message names, for
   * chat.message_screened (the monitor clusters accounts by them); never the identifiers.
   */
  identifierHashes?: string[];
}

/** sendMessage screens every message before it is stored and delivered (the default asks chat's registry copy, hence async). */
export interface MessageScreen {
  screen(input: ScreenInput): ScreenResult | Promise<ScreenResult>;
  /**
   * The registry lookup hashes screening will ask about for `text` alone (no recent texts), known
   * before any read, so the send's one read answers them and screening needs no round trip of its
   * own (issue 18: that lookup waited for chat's pool). Absent when the screen asks nothing.
   */
  lookupHashesOf?(text: string): string[];
}

/** Characters of a message after trimming (code points, so an emoji counts once). */
export const MAX_MESSAGE_CHARS = 2_000;

/** A listing's state as chat copies it (product.status_changed). */
export type ProductStatus = 'ON_SALE' | 'RESERVED' | 'SOLD' | 'HIDDEN';
/** A member's account as the user service last announced it (user.status_changed). */
export type AccountStatus = 'ACTIVE' | 'SUSPENDED' | 'BANNED';

export { DEFAULT_GRADE, DEFAULT_PROTECTED_MIN_GRADE, meetsMinimum, SAFETY_GRADES, type SafetyGrade } from './grades.ts';

export interface ConversationRecord {
  id: string;
  productId: string;
  buyerId: string;
  sellerId: string;
  createdAt: Date;
  lastMessageAt: Date;
}

export type WarningRecord = ScreenFinding;

export interface MessageRecord {
  id: string;
  /** Orders a conversation's messages; the paging cursor. */
  seq: bigint;
  conversationId: string;
  senderId: string;
  text: string;
  masked: boolean;
  /** Screening findings; the recipient's view shows them, the sender's does not. */
  warnings: WarningRecord[];
  sentAt: Date;
  /** When the recipient read it (null until then). */
  readAt: Date | null;
}

/** A reference to a user owned by the user subgraph. */
export interface UserRef {
  id: string;
}
/** A reference to a report owned by the report subgraph. */
export interface ReportRef {
  id: string;
}
/** A reference to a product owned by the transaction subgraph. */
export interface ProductRef {
  id: string;
}

export function isParty(conversation: Pick<ConversationRecord, 'buyerId' | 'sellerId'>, userId: string): boolean {
  return conversation.buyerId === userId || conversation.sellerId === userId;
}

export function counterpartOf(conversation: Pick<ConversationRecord, 'buyerId' | 'sellerId'>, userId: string): string {
  return conversation.buyerId === userId ? conversation.sellerId : conversation.buyerId;
}

/** An id from a member's input, lowercased; refuses anything that is not a UUID. */
export function checkId(id: string): string {
  if (!isUuid(id)) throw new BadInputError(messages.badId);
  return id.toLowerCase();
}
