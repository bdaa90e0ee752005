// Who talks to whom in the app's chat, and what they write: buyers asking honest sellers about
// listings nobody traded yet (small talk that screening leaves alone), and the fraudsters' victims,
// whom the fraudster invites to a messenger and then sends an account in Hangul numerals with a
// prepayment request or a lookalike payment link; later the ring passes around the account an
// accepted report exposed, which chat then masks. Deterministic without drawing random numbers, so adding
// conversations left every other part of the plan as it was.
import { ACCOUNT_HOLDERS, BUYER_OPENERS, FRAUD_CHAT, MESSENGER_IDS, SMALL_TALK } from './seed-catalogue.ts';
import { membersWith, scaledCount as count, type PlannedConversation, type PlannedProduct, type PlannedUser } from './seed-plan-model.ts';
import type { Trades } from './seed-plan-trades.ts';

/** Members who never end up sanctioned and never ask for protected mode: both sides of the small talk. */
const talkative = (u: PlannedUser) => (u.role === 'SAFE' || u.role === 'VERY_SAFE') && !u.protectedMode;

export function planConversations(users: PlannedUser[], products: PlannedProduct[], { trades, fraudTrades }: Trades): PlannedConversation[] {
  const conversations: PlannedConversation[] = [];
  const add = (c: Omit<PlannedConversation, 'index'>) => conversations.push({ index: conversations.length, ...c });

  // Small talk about listings no trade uses (a sold listing takes no new conversation), spread over
  // sellers: SAFE and VERY_SAFE ones first, then NORMAL members (at a small scale every SAFE listing is traded).
  const traded = new Set(trades.map((t) => t.product));
  const people = users.filter(talkative);
  const sellerRank = (u: PlannedUser) => (talkative(u) ? 0 : u.role === 'NORMAL' && !u.protectedMode ? 1 : null);
  const free = products
    .filter((p) => !traded.has(p.index) && sellerRank(users[p.seller]!) !== null)
    .sort((a, b) => sellerRank(users[a.seller]!)! - sellerRank(users[b.seller]!)! || a.index - b.index);
  const wanted = count(users.length, 0.15, 3);
  const talkedTo = new Map<number, number>();
  for (const round of [1, 2]) {
    for (const product of free) {
      if (conversations.length >= wanted) break;
      if ((talkedTo.get(product.seller) ?? 0) >= round || conversations.some((c) => c.product === product.index)) continue;
      const buyer = people.find((u, k) => k >= (product.index * 7) % people.length && u.index !== product.seller) ?? people.find((u) => u.index !== product.seller)!;
      talkedTo.set(product.seller, (talkedTo.get(product.seller) ?? 0) + 1);
      const script = SMALL_TALK[conversations.length % SMALL_TALK.length]!;
      add({ buyer: buyer.index, seller: product.seller, product: product.index, messages: script.map((m) => ({ ...m })), findings: [], phase: 1 });
    }
  }

  const fraudsters = membersWith(users, 'FRAUD');
  const bannedAccount = fraudsters[0]!.account!;
  fraudsters.forEach((fraudster, i) => {
    const { asked, disputed } = fraudTrades.get(fraudster.index)!;
    // The platform stops a member at HIGH risk from sending more until they verify (REQUIRE_VERIFICATION),
    // so each fraudster gets one strong message after the off-app invitation (MEDIUM, nothing stops them):
    // an account in Hangul numerals or a lookalike link in turn. The ring members (odd) keep quiet in
    // phase 1 beyond the invitation, so they are still free to pass the exposed account around in phase 2.
    const ring = i % 2 === 1;
    const strong = (i / 2) % 2 === 0
      ? { text: FRAUD_CHAT.advancePayment(fraudster.account!, ACCOUNT_HOLDERS[i % ACCOUNT_HOLDERS.length]!), finding: 'PAYMENT_IDENTIFIER' as const }
      : { text: FRAUD_CHAT.phishingLink(`order${7731 + i}`), finding: 'LOOKALIKE_LINK' as const };
    // The buyer who only asked: opens the conversation about that listing, and the fraudster answers.
    add({
      buyer: trades[asked]!.buyer,
      seller: fraudster.index,
      product: trades[asked]!.product,
      messages: [
        { by: 'BUYER', text: BUYER_OPENERS[i % BUYER_OPENERS.length]! },
        { by: 'SELLER', text: FRAUD_CHAT.offApp(MESSENGER_IDS[i % MESSENGER_IDS.length]!) },
        ...(ring ? [] : [{ by: 'SELLER' as const, text: strong.text }]),
      ],
      findings: ring ? ['OFF_APP_CONTACT'] : ['OFF_APP_CONTACT', strong.finding],
      phase: 1,
    });
    // A ring: the fraudsters still free pass around the account an accepted report exposed, here
    // to the buyer who paid them before, about their last listing (no trade uses it).
    if (ring) {
      const [, , last] = products.filter((p) => p.seller === fraudster.index).map((p) => p.index);
      if (last === undefined) return;
      add({
        buyer: trades[disputed]!.buyer,
        seller: fraudster.index,
        product: last,
        messages: [
          { by: 'BUYER', text: BUYER_OPENERS[(i + 1) % BUYER_OPENERS.length]! },
          { by: 'SELLER', text: FRAUD_CHAT.knownAccount(bannedAccount) },
        ],
        findings: ['KNOWN_FRAUD_IDENTIFIER'],
        phase: 2,
      });
    }
  });
  return conversations;
}
