// Screening one chat message before it is delivered: pure, synchronous and fast (p99 ≤ 2 ms in
// bench/chat-screening.ts), so the chat service runs it inline on every sendMessage.
//
// Numbers are looked for in the sender's recent messages and this one joined, because fraudsters
// split an account over several messages ("국민 123456" / "78" / "901234"); a finding that reaches
// into this message is this message's, with its span cut to this message. Links and messenger
// requests are this message's own.
import { compactText, foldText } from './normalise.ts';
import { asksForPrepayment, screenIdentifiers } from './identifiers.ts';
import { ALLOWED_LINK_DOMAINS, findLookalikeLinks } from './links.ts';
import { movesOffApp } from './off-app.ts';
import { levelRank, MASK, type Finding, type KnownFraudLookup, type Span } from './findings.ts';

export { FINDING_CODES, MASK, type Finding, type FindingCode, type KnownFraudLookup, type ScreeningLevel, type Span } from './findings.ts';
export { ALLOWED_LINK_DOMAINS } from './links.ts';

export interface ScreeningInput {
  text: string;
  /** The same sender's messages in this conversation within a short window, oldest first. */
  recentTexts: readonly string[];
}

export interface ScreeningOptions {
  /** Real domains links may point to (subdomains count); defaults to ALLOWED_LINK_DOMAINS. */
  allowedLinkDomains?: readonly string[];
}

export interface ScreeningResult {
  /** The text the recipient gets: known fraud identifiers and lookalike links replaced by MASK. */
  deliveredText: string;
  masked: boolean;
  findings: Finding[];
}

/** How much of the earlier messages is joined: enough for a split number, bounded for speed. */
const RECENT_MESSAGES = 6;
const RECENT_CHARS = 400;

function recentPrefix(recentTexts: readonly string[]): string {
  if (!recentTexts.length) return '';
  const joined = recentTexts.slice(-RECENT_MESSAGES).join(' ');
  return `${joined.length > RECENT_CHARS ? joined.slice(-RECENT_CHARS) : joined} `;
}

/** The part of a span inside the current message, in its own offsets; null when it lies before. */
function clip(span: Span, from: number): Span | null {
  if (span.end <= from) return null;
  return { start: Math.max(span.start, from) - from, end: span.end - from };
}

function mask(text: string, spans: Span[]): string {
  const merged: Span[] = [];
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  let out = '';
  let at = 0;
  for (const span of merged) {
    out += text.slice(at, span.start) + MASK;
    at = span.end;
  }
  return out + text.slice(at);
}

export function screenMessage(input: ScreeningInput, knownFraud: KnownFraudLookup, options: ScreeningOptions = {}): ScreeningResult {
  const prefix = recentPrefix(input.recentTexts);
  const from = prefix.length;
  const screened = prefix + input.text;
  const folded = foldText(screened);
  const own = folded.slice(from);
  const ownCompact = compactText(own);

  const findings: Finding[] = [];
  const masks: Span[] = [];
  const identifiers = screenIdentifiers({ text: screened, folded, compact: compactText(folded), from, asksPrepaymentNow: asksForPrepayment(ownCompact) }, knownFraud);
  for (const finding of identifiers.findings) {
    if (!finding.span) findings.push(finding);
    const span = finding.span && clip(finding.span, from);
    if (span) findings.push({ ...finding, span });
  }
  for (const span of identifiers.masks) {
    const inMessage = clip(span, from);
    if (inMessage) masks.push(inMessage);
  }
  for (const link of findLookalikeLinks(own, options.allowedLinkDomains ?? ALLOWED_LINK_DOMAINS)) {
    findings.push({ code: 'LOOKALIKE_LINK', level: 'HIGH', span: link.span });
    masks.push(link.span);
  }
  if (movesOffApp(own, ownCompact)) findings.push({ code: 'OFF_APP_CONTACT', level: 'MEDIUM' });

  findings.sort((a, b) => levelRank(b.level) - levelRank(a.level) || (a.span?.start ?? -1) - (b.span?.start ?? -1));
  return { deliveredText: masks.length ? mask(input.text, masks) : input.text, masked: masks.length > 0, findings };
}
