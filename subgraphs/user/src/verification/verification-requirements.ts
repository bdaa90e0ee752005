// REQUIRE_VERIFICATION takes effect here, in the service that owns verification: it decides when
// the requirement is in force and publishes user.verification_requirement_changed, from which
// transaction (listings, new trades) and chat (messages) enforce it.
// - The monitor's REQUIRE_VERIFICATION imposes it unless the member already holds both SMS and ID
//   card verification. Verification done BEFORE the requirement counts: this service refuses to
//   verify a method twice (requestVerification answers CONFLICT), so asking for a fresh one would
//   leave a fully verified member stopped for ever. What the requirement adds is that an account
//   NOT tied to a phone and an identity document cannot act until it is.
// - Each verification (SMS code confirmed, ID card approved by an ADMIN) re-evaluates it in the same
//   transaction: what is still missing is published again, and once nothing is, it is satisfied.
// - The monitor's CLEAR lifts it.
// Monitor actions are ordered by their takenAt (a late, older action is ignored); each published
// `at` is later than the previous one, so copies keeping the newest are always right.
import { pick, type Locale } from '@anshim/platform';
import type { Tx } from '../database.ts';
import { messages } from '../messages.ts';
import type { UserEvents } from '../outbound/user-events.ts';
import type { RequiredMethod, RequirementRepository, RequirementRow } from './requirement-repository.ts';

export interface RequirementView {
  missing: RequiredMethod[];
  since: Date;
  message: string;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((item, i) => item === b[i]);

export class VerificationRequirements {
  constructor(
    private readonly repository: RequirementRepository,
    private readonly events: UserEvents,
  ) {}

  /** monitor.action_taken REQUIRE_VERIFICATION or CLEAR (other actions are not this service's). Returns false when ignored. */
  async onMonitorAction(tx: Tx, userId: string, action: 'REQUIRE_VERIFICATION' | 'CLEAR', takenAt: Date, now: Date): Promise<boolean> {
    if (!(await this.repository.lockMember(tx, userId))) return false;
    const current = await this.repository.find(userId, tx);
    if (current && current.actionAt.getTime() > takenAt.getTime()) return false; // older than what we applied
    const missing = action === 'CLEAR' ? [] : await this.repository.missingOf(tx, userId);
    const required = missing.length > 0;
    const imposedAt = required ? (current?.required ? current.imposedAt : now) : null;
    await this.publishIfChanged(tx, userId, current, { required, missing, actionAt: takenAt, imposedAt }, now);
    return true;
  }

  /** Called in the transaction that recorded a verification: the requirement may now be met. */
  async onVerified(tx: Tx, userId: string, now: Date): Promise<void> {
    if (!(await this.repository.lockMember(tx, userId))) return;
    const current = await this.repository.find(userId, tx);
    if (!current?.required) return;
    const missing = await this.repository.missingOf(tx, userId);
    const required = missing.length > 0;
    await this.publishIfChanged(tx, userId, current, { required, missing, actionAt: current.actionAt, imposedAt: required ? current.imposedAt : null }, now);
  }

  /** User.verificationRequirement: the member's own view of what stops them, or null. */
  async viewOf(userId: string, locale: Locale): Promise<RequirementView | null> {
    const row = await this.repository.find(userId);
    if (!row?.required) return null;
    return { missing: row.missing, since: row.imposedAt ?? row.changedAt, message: pick(messages.verificationRequired(row.missing), locale) };
  }

  private async publishIfChanged(
    tx: Tx,
    userId: string,
    current: RequirementRow | null,
    next: { required: boolean; missing: RequiredMethod[]; actionAt: Date; imposedAt: Date | null },
    now: Date,
  ): Promise<void> {
    const changed = (current?.required ?? false) !== next.required || (next.required && !sameList(current?.missing ?? [], next.missing));
    // Strictly after the previous event, whatever the clock did, so "newest wins" copies stay right.
    const at = changed && current && current.changedAt.getTime() >= now.getTime() ? new Date(current.changedAt.getTime() + 1) : now;
    await this.repository.save(tx, userId, {
      required: next.required,
      missing: next.missing,
      actionAt: next.actionAt,
      imposedAt: next.imposedAt,
      satisfiedAt: next.required ? null : current?.required ? now : (current?.satisfiedAt ?? null),
      changedAt: changed ? at : (current?.changedAt ?? now),
    });
    if (changed) await this.events.verificationRequirementChanged(tx, { userId, required: next.required, missing: next.missing, at });
  }
}
