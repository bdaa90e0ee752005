// Bank accounts and mobile numbers in a chat: which runs of numbers (number-runs.ts) are payment
// identifiers, and which of them the registry knows as a confirmed fraud account.
//
// The canonical form and the lookup key are the contracts' (payment-identifiers.ts), so the chat
// asks the registry's hashed copies exactly what the report service stored. A mobile number is an
// identifier by its shape; a bare 10–16 digit number needs a reason to be an account (a bank name
// next to it, or account/transfer words in the conversation), because tracking numbers, IMEIs and
// order numbers are honest long numbers too. The registry lookup is generous instead: every 8–16
// digit stretch of every run is asked (up to PIECE_BUDGET per message), since only confirmed
// accounts can answer yes.
import { normalizeBankName, normalizeAccountNumber, normalizePhone, paymentIdentifierKey, type PaymentIdentifierType } from '@anshim/contracts';
import type { Finding, KnownFraudLookup, Span } from './findings.ts';
import { findNumberRuns, runPieces, type NumberRun, type RunPiece } from './number-runs.ts';

/** An account may be as short as this when a bank is named right next to it. */
const BANKED_ACCOUNT_MIN = 8;
const UNBANKED_ACCOUNT_MIN = 10;
const BANK_BEFORE = 16;
const BANK_AFTER = 10;
/** Registry candidates looked at per message: enough for any real message, bounded for a flood of numbers. */
const PIECE_BUDGET = 400;

/** Words that make a long number an account (compact, lower-case text). */
const ACCOUNT_WORDS = /계좌|은행|뱅크|입금|송금|이체|예금주|account|bank|deposit|transfer|wire|iban/;
/** Words that ask to be paid outside the app first: they make an identifier HIGH. */
const PREPAYMENT_WORDS = /선입금|입금|송금|이체|계좌로|선결제|먼저보내|보내주시면|deposit|transfer|wire|payfirst|paymefirst|upfront|inadvance|sendthemoney|sendmoney|prepay/;
/** Labels of honest long numbers, right before them. */
const TRACKING_LABELS = /운송장|송장|택배|등기|주문번호|tracking|invoice|order|imei|serial|시리얼/;

export interface IdentifierContext {
  /** The original text screened (earlier messages and the current one). */
  text: string;
  /** The same text folded (normalise.ts foldText). */
  folded: string;
  /** The folded text without spaces (normalise.ts compactText). */
  compact: string;
  /** Runs that end before this offset belong to earlier messages (see screenIdentifiers). */
  from: number;
  /** The current message alone asks to be paid first. */
  asksPrepaymentNow: boolean;
}

export interface IdentifierScreening {
  findings: Finding[];
  /** Spans (in the screened text) to mask: the known fraud identifiers. */
  masks: Span[];
}

interface Identifier {
  type: PaymentIdentifierType;
  value: string;
  piece: RunPiece;
}

function identifiersOf(piece: RunPiece): Identifier[] {
  const found: Identifier[] = [];
  // Without a "+", digits starting with 82 are no mobile number (domestic ones start with 01);
  // normalizePhone would read them as +82.
  const phone = piece.plus ? normalizePhone(`+${piece.digits}`) : piece.digits.startsWith('01') ? normalizePhone(piece.digits) : null;
  if (phone) found.push({ type: 'PHONE', value: phone, piece });
  const account = normalizeAccountNumber(piece.digits);
  if (account) found.push({ type: 'BANK_ACCOUNT', value: account, piece });
  return found;
}

function bankNextTo(context: IdentifierContext, run: NumberRun): boolean {
  return (
    normalizeBankName(context.text.slice(Math.max(0, run.start - BANK_BEFORE), run.start)) !== null ||
    normalizeBankName(context.text.slice(run.end, run.end + BANK_AFTER)) !== null
  );
}

function labelledAsTracking(context: IdentifierContext, run: NumberRun): boolean {
  const before = context.folded.slice(Math.max(0, run.start - BANK_BEFORE), run.start).replace(/\s+/g, '');
  return TRACKING_LABELS.test(before);
}

export function asksForPrepayment(compact: string): boolean {
  return PREPAYMENT_WORDS.test(compact);
}

/** The smallest span covering the pieces of the chosen identifiers, or null when none is chosen. */
function spanOf(identifiers: Identifier[], chosen: (id: Identifier) => boolean): Span | null {
  let span: Span | null = null;
  for (const id of identifiers) {
    if (!chosen(id)) continue;
    const { start, end } = id.piece;
    span = span ? { start: Math.min(span.start, start), end: Math.max(span.end, end) } : { start, end };
  }
  return span;
}

/** The stretch of the run that is a payment identifier in the open (not only a registry candidate), or null. */
function visibleIdentifier(context: IdentifierContext, run: NumberRun, identifiers: Identifier[]): Span | null {
  const banked = bankNextTo(context, run);
  const accountish = banked || (ACCOUNT_WORDS.test(context.compact) && !labelledAsTracking(context, run));
  const min = banked ? BANKED_ACCOUNT_MIN : UNBANKED_ACCOUNT_MIN;
  return spanOf(identifiers, (id) => !id.piece.amounts && (id.type === 'PHONE' || (accountish && id.value.length >= min)));
}

/**
 * PAYMENT_IDENTIFIER (HIGH with a prepayment request, MEDIUM otherwise) for each identifier shown,
 * KNOWN_FRAUD_IDENTIFIER (CRITICAL, masked) instead when the registry knows it. Spans are offsets
 * into `context.text`. An identifier wholly in earlier messages was screened with them; it counts
 * again only when this message asks to be paid first ("여기로 선입금 주세요" after the account):
 * then a HIGH PAYMENT_IDENTIFIER without a span.
 */
export function screenIdentifiers(context: IdentifierContext, knownFraud: KnownFraudLookup): IdentifierScreening {
  const findings: Finding[] = [];
  const masks: Span[] = [];
  const asked = new Map<string, boolean>();
  const isKnown = (id: Identifier) => {
    const key = paymentIdentifierKey(id);
    let known = asked.get(key);
    if (known === undefined) {
      known = knownFraud(id.type, key);
      asked.set(key, known);
    }
    return known;
  };
  const prepayment = asksForPrepayment(context.compact);
  let budget = PIECE_BUDGET;
  let earlierAskedFor = false;
  for (const run of findNumberRuns(context.folded)) {
    const earlier = run.end <= context.from;
    if (budget <= 0 || (earlier && (!context.asksPrepaymentNow || earlierAskedFor))) continue;
    const pieces = runPieces(run, budget).filter((piece) => earlier || piece.end > context.from);
    budget -= pieces.length;
    const identifiers = pieces.flatMap(identifiersOf);
    if (!identifiers.length) continue;
    if (earlier) {
      earlierAskedFor = visibleIdentifier(context, run, identifiers) !== null;
      if (earlierAskedFor) findings.push({ code: 'PAYMENT_IDENTIFIER', level: 'HIGH' });
      continue;
    }
    const fraud = spanOf(identifiers, isKnown);
    if (fraud) {
      findings.push({ code: 'KNOWN_FRAUD_IDENTIFIER', level: 'CRITICAL', span: fraud });
      masks.push(fraud);
      continue;
    }
    const shown = visibleIdentifier(context, run, identifiers);
    if (shown) findings.push({ code: 'PAYMENT_IDENTIFIER', level: prepayment ? 'HIGH' : 'MEDIUM', span: shown });
  }
  return { findings, masks };
}
