// Conversations as members and ADMINs see them: opening one about a listing (once per buyer and
// listing), who may read which (the two parties; an ADMIN, audited), the list, read positions and
// unread counts. Someone else's conversation answers exactly as one that does not exist.
import { BadInputError, ConflictError, NotFoundError, pick, requireIdentity } from '@anshim/platform';
import type { CopyRepository } from '../copies/copy-repository.ts';
import type { Tx } from '../database.ts';
import { messages, safetyNotices } from '../messages.ts';
import { checkId, isParty, type ConversationRecord } from '../model.ts';
import type { ChatScope } from '../scope.ts';
import type { ConversationRepository } from './conversation-repository.ts';

const MAX_CONVERSATIONS_PAGE = 100;

export interface ConversationServiceDeps {
  conversations: ConversationRepository;
  copies: CopyRepository;
  now?: () => Date;
}

export class ConversationService {
  private readonly now: () => Date;

  constructor(private readonly deps: ConversationServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** The signed-in member (buyer) with the listing's seller; the same conversation on every repeat. */
  async start(scope: ChatScope, productId: string): Promise<ConversationRecord> {
    const me = requireIdentity(scope);
    const id = checkId(productId);
    const existing = await this.deps.conversations.findByProductAndBuyer(id, me.userId);
    if (existing) return existing;
    const product = await this.deps.copies.product(id);
    // A hidden listing is answered as a missing one: its seller took it out of sight.
    if (!product || product.status === 'HIDDEN') throw new NotFoundError(messages.productNotFound);
    if (product.sellerId === me.userId) throw new BadInputError(messages.ownListing, { reason: 'OWN_LISTING' });
    if (product.status === 'SOLD') throw new ConflictError(messages.productSold, { reason: 'PRODUCT_SOLD' });
    return this.deps.conversations.openOnce({ productId: id, buyerId: me.userId, sellerId: product.sellerId });
  }

  async list(scope: ChatScope, first: number | null | undefined): Promise<ConversationRecord[]> {
    const me = requireIdentity(scope);
    const take = first ?? 20;
    if (!Number.isInteger(take) || take < 1 || take > MAX_CONVERSATIONS_PAGE) throw new BadInputError(messages.firstRange(MAX_CONVERSATIONS_PAGE));
    return this.deps.conversations.listForUser(me.userId, take);
  }

  /**
   * A party's conversation, or an ADMIN's read of any (each ADMIN read is audited). Anyone else, or
   * an id that does not exist: NOT_FOUND, the same answer, so existence never leaks.
   */
  async readable(scope: ChatScope, conversationId: string): Promise<ConversationRecord> {
    const me = requireIdentity(scope);
    const conversation = await this.find(conversationId);
    if (conversation && isParty(conversation, me.userId)) return conversation;
    if (conversation && me.role === 'ADMIN') {
      await this.deps.conversations.auditAdminRead(me.userId, conversation.id, this.now());
      return conversation;
    }
    throw new NotFoundError(messages.conversationNotFound);
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

  /** A plain sentence when something in the conversation was masked; null otherwise. */
  async safetyNotice(scope: ChatScope, conversation: ConversationRecord): Promise<string | null> {
    return (await scope.loaders.hasMasked.load(conversation.id)) ? pick(safetyNotices.somethingMasked, scope.locale) : null;
  }

  /** Inside a send's transaction: locks the conversation's row and moves its activity time. */
  touchInTransaction(tx: Tx, conversationId: string, at: Date): Promise<void> {
    return this.deps.conversations.touch(tx, conversationId, at);
  }

  private find(conversationId: string): Promise<ConversationRecord | null> {
    return this.deps.conversations.findById(checkId(conversationId));
  }
}
