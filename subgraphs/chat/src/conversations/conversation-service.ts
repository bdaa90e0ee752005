// Conversations as members and ADMINs see them: opening one about a listing (once per buyer and
// listing, within a ration of new ones, not while verification is required, not with a protected
// seller above the buyer's grade), who may read which (the two parties; an ADMIN only when a report
// or a risk alert links it, audited), the list, read positions, unread counts, blocking and the
// safety notice. Someone else's conversation, and a deleted one, answer exactly as one that does
// not exist.
import { BadInputError, ConflictError, ForbiddenError, isUuid, NotFoundError, pick, requireAdmin, requireIdentity, systemClock, type Clock } from '@anshim/platform';
import type { MemberCopyRepository } from '../copies/member-copy-repository.ts';
import type { ReadThroughListings } from '../copies/read-through-listings.ts';
import { messages } from '../messages.ts';
import { checkId, counterpartOf, isParty, type ConversationRecord } from '../model.ts';
import type { ChatScope } from '../scope.ts';
import type { AdminReadLimit } from './admin-read-limit.ts';
import type { AdminReadLinks } from './admin-read-links.ts';
import type { ConversationRepository } from './conversation-repository.ts';
import { assertMayStart, assertVerified } from './member-gates.ts';
import { safetyNoticeFor } from './safety-notice.ts';
import type { StartRateLimit } from './start-rate-limit.ts';

const MAX_CONVERSATIONS_PAGE = 100;
/** A report links one pair of members: a handful of conversations at most (one per listing). */
const MAX_LINKED_PAGE = 10;

export interface ConversationServiceDeps {
  conversations: ConversationRepository;
  /** The listing copy, asking transaction about a listing it does not know yet. */
  listings: Pick<ReadThroughListings, 'product'>;
  members: MemberCopyRepository;
  links: AdminReadLinks;
  startLimit: StartRateLimit;
  /** An ADMIN's ration of audited reads (admin-read-limit.ts), taken before the audit row is written. */
  adminReadLimit: AdminReadLimit;
}

export class ConversationService {
  constructor(private readonly deps: ConversationServiceDeps, private readonly now: Clock = systemClock) {}

  /**
   * The signed-in member (buyer) with the listing's seller; the same conversation on every repeat
   * (free of charge). A new one must pass the gates (member-gates.ts) and costs one of the buyer's
   * ration (start-rate-limit.ts); a refused start writes nothing.
   */
  async start(scope: ChatScope, productId: string): Promise<ConversationRecord> {
    const me = requireIdentity(scope);
    const id = checkId(productId);
    const now = this.now();
    const buyer = await this.deps.members.member(me.userId);
    const existing = await this.deps.conversations.findByProductAndBuyer(id, me.userId);
    if (existing) {
      // Returning it opens nothing new: only REQUIRE_VERIFICATION (which stops all chatting) applies.
      assertVerified(buyer);
      return existing;
    }
    const product = await this.deps.listings.product(id);
    // A hidden listing is answered as a missing one: its seller took it out of sight.
    if (!product || product.status === 'HIDDEN') throw new NotFoundError(messages.productNotFound);
    if (product.sellerId === me.userId) throw new BadInputError(messages.ownListing, { reason: 'OWN_LISTING' });
    if (product.status === 'SOLD') throw new ConflictError(messages.productSold, { reason: 'PRODUCT_SOLD' });
    assertMayStart(buyer, await this.deps.members.member(product.sellerId), now);
    // The ration is taken only for an insert about to happen (a concurrent start of the same
    // conversation that got there first is returned free); an insert that then fails gives it back.
    let taken = false;
    const opened = await this.deps.conversations
      .openOnce({ productId: id, buyerId: me.userId, sellerId: product.sellerId }, async () => {
        await this.deps.startLimit.take(me.userId);
        taken = true;
      })
      .catch(async (error: unknown) => {
        if (taken) await this.deps.startLimit.giveBack(me.userId);
        throw error;
      });
    return opened.conversation;
  }

  async list(scope: ChatScope, first: number | null | undefined): Promise<ConversationRecord[]> {
    const me = requireIdentity(scope);
    const take = first ?? 20;
    if (!Number.isInteger(take) || take < 1 || take > MAX_CONVERSATIONS_PAGE) throw new BadInputError(messages.firstRange(MAX_CONVERSATIONS_PAGE));
    return this.deps.conversations.listForUser(me.userId, take);
  }

  /**
   * A party's conversation, or an ADMIN's read of one a report or a risk alert links (each ADMIN
   * read is audited; an unlinked one is FORBIDDEN with reason NOT_LINKED). Anyone else, or an id
   * that does not exist (or no longer does): NOT_FOUND, the same answer, so existence never leaks.
   */
  async readable(scope: ChatScope, conversationId: string): Promise<ConversationRecord> {
    const me = requireIdentity(scope);
    const conversation = await this.find(conversationId);
    if (conversation && isParty(conversation, me.userId)) return conversation;
    if (conversation && me.role === 'ADMIN') {
      if (!(await this.deps.links.isLinked(conversation))) throw new ForbiddenError(messages.adminNotLinked, { reason: 'NOT_LINKED' });
      await this.deps.adminReadLimit.take(me.userId, 1);
      await this.deps.conversations.auditAdminRead(me.userId, conversation.id, this.now());
      return conversation;
    }
    throw new NotFoundError(messages.conversationNotFound);
  }

  /**
   * Report.conversations: ADMIN only (FORBIDDEN otherwise). The conversations the report links;
   * each one returned is an ADMIN read like `conversation(id)`, audited (chat.conversation_read).
   * A reference id that is not a UUID links nothing. The page counts against the ADMIN's ration
   * of reads whole (RATE_LIMITED past it, nothing audited, nothing returned).
   */
  async linkedToReport(scope: ChatScope, reportId: string, first: number | null | undefined): Promise<ConversationRecord[]> {
    const me = requireAdmin(scope);
    const take = first ?? 5;
    if (!Number.isInteger(take) || take < 1 || take > MAX_LINKED_PAGE) throw new BadInputError(messages.firstRange(MAX_LINKED_PAGE));
    if (!isUuid(reportId)) return [];
    const linked = await this.deps.links.conversationsOfReport(reportId.toLowerCase(), take);
    await this.deps.adminReadLimit.take(me.userId, linked.length);
    const at = this.now();
    for (const conversation of linked) await this.deps.conversations.auditAdminRead(me.userId, conversation.id, at);
    return linked;
  }

  /** Only the two parties write to a conversation (an ADMIN reads, never sends or marks read). */
  async ofParty(scope: ChatScope, conversationId: string): Promise<ConversationRecord> {
    const me = requireIdentity(scope);
    const conversation = await this.find(conversationId);
    if (!conversation || !isParty(conversation, me.userId)) throw new NotFoundError(messages.conversationNotFound);
    return conversation;
  }

  async markRead(scope: ChatScope, conversationId: string): Promise<ConversationRecord> {
    const conversation = await this.ofParty(scope, conversationId);
    await this.deps.conversations.markRead(conversation.id, scope.identity!.userId, this.now());
    scope.loaders.unreadCounts.clear(conversation.id);
    scope.loaders.readStates.clear(conversation.id);
    return conversation;
  }

  /** Messages from the counterpart the viewer has not read yet (0 for an ADMIN reading someone else's). */
  async unreadCount(scope: ChatScope, conversation: ConversationRecord): Promise<number> {
    if (!scope.identity || !isParty(conversation, scope.identity.userId)) return 0;
    return (await scope.loaders.unreadCounts.load(conversation.id)) ?? 0;
  }

  /**
   * A plain sentence about the counterpart (on hold, DANGER, warned about, CAUTION) or about what
   * was held back from the viewer, the most serious one; null otherwise (safety-notice.ts). An
   * ADMIN reading someone else's conversation sees only whether something was masked.
   */
  async safetyNotice(scope: ChatScope, conversation: ConversationRecord): Promise<string | null> {
    const viewer = scope.identity?.userId;
    const party = viewer !== undefined && isParty(conversation, viewer);
    const [counterpart, masked] = await Promise.all([
      party ? scope.loaders.members.load(counterpartOf(conversation, viewer)) : null,
      scope.loaders.hasMasked.load(conversation.id),
    ]);
    const notice = safetyNoticeFor(counterpart, masked, this.now());
    return notice ? pick(notice, scope.locale) : null;
  }

  /** A party stops the counterpart from sending here; idempotent. A stranger gets NOT_FOUND. */
  async block(scope: ChatScope, conversationId: string): Promise<ConversationRecord> {
    const conversation = await this.ofParty(scope, conversationId);
    await this.deps.conversations.block(conversation.id, scope.identity!.userId, this.now());
    scope.loaders.blockedByViewer.clear(conversation.id);
    return conversation;
  }

  async unblock(scope: ChatScope, conversationId: string): Promise<ConversationRecord> {
    const conversation = await this.ofParty(scope, conversationId);
    await this.deps.conversations.unblock(conversation.id, scope.identity!.userId);
    scope.loaders.blockedByViewer.clear(conversation.id);
    return conversation;
  }

  blockedByViewer(scope: ChatScope, conversation: ConversationRecord): Promise<boolean> {
    return scope.loaders.blockedByViewer.load(conversation.id);
  }

  private find(conversationId: string): Promise<ConversationRecord | null> {
    return this.deps.conversations.findById(checkId(conversationId));
  }
}
