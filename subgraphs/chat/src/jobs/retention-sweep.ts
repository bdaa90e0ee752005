// Chat keeps messages only as long as CHAT_RETENTION_DAYS (180) after a conversation's last
// activity. A BullMQ job scheduler (one repeatable job, however many replicas run) sweeps every
// CHAT_RETENTION_SWEEP_MINUTES: it deletes such conversations in batches, their messages, read
// states and blocks with them (ON DELETE CASCADE), then the ADMIN read links of pairs that no
// longer have a conversation. The ADMIN read audit log stays: it holds no content, and it is the
// record of who looked. A deleted conversation answers NOT_FOUND to everything afterwards.
import { JOB_CATALOGUE } from '@anshim/contracts';
import { DAY_MS, Sweep, type SweepDeps } from '@anshim/platform';
import type { AdminReadLinks } from '../conversations/admin-read-links.ts';
import type { ConversationRepository } from '../conversations/conversation-repository.ts';

export const RETENTION_SWEEP_SCHEDULER = 'chat-retention-sweep';
const BATCH = 500;

export interface RetentionSweepDeps extends SweepDeps {
  conversations: ConversationRepository;
  links: AdminReadLinks;
  retentionDays: number;
}

export interface RetentionResult {
  conversationsDeleted: number;
  linksDeleted: number;
}

export class RetentionSweep extends Sweep<RetentionResult> {
  constructor(private readonly deps: RetentionSweepDeps) {
    super(JOB_CATALOGUE['chat.retention-sweep'], RETENTION_SWEEP_SCHEDULER, deps);
  }

  /** One sweep as of `now` (tests pass a date past the retention). */
  override async sweep(now: Date): Promise<RetentionResult> {
    const cutoff = new Date(now.getTime() - this.deps.retentionDays * DAY_MS);
    let conversationsDeleted = 0;
    for (;;) {
      const deleted = await this.deps.conversations.deleteInactive(cutoff, BATCH);
      conversationsDeleted += deleted;
      if (deleted < BATCH) break;
    }
    const linksDeleted = await this.deps.links.deleteOrphansBefore(cutoff);
    if (conversationsDeleted || linksDeleted) this.logger.info({ conversationsDeleted, linksDeleted, cutoff }, 'chat retention sweep');
    return { conversationsDeleted, linksDeleted };
  }
}
