// Chat's copy of what other services decide about a member, beyond account status (copy-repository.ts):
// the verification REQUIRE_VERIFICATION demands (user), protected mode (user), the safety grade
// (safety), and the monitor's HOLD_TRANSACTIONS / WARN_COUNTERPARTS. Events may arrive out of order
// and twice: each part carries the time (or the grade's version) of the event that set it, and an
// older event never overwrites a newer one; repeating one writes the same values again.
import type { ChatPrisma, Tx } from '../database.ts';
import type { AccountStatus, SafetyGrade } from '../model.ts';
import { boolValue, intValue, textsValue, textValue, timeValue, writeUserCopy } from './user-copy-write.ts';

export interface MemberCopy {
  userId: string;
  status: AccountStatus;
  statusUntil: Date | null;
  restricted: boolean;
  verificationRequired: boolean;
  verificationMissing: Array<'SMS' | 'ID_CARD'>;
  protectedMode: boolean;
  minCounterpartGrade: SafetyGrade | null;
  protectChats: boolean;
  /** Null until safety scored the member (counts as NORMAL, as everywhere on the platform). */
  grade: SafetyGrade | null;
  held: boolean;
  heldUntil: Date | null;
  warned: boolean;
  warnedUntil: Date | null;
}

type Row = Awaited<ReturnType<ChatPrisma['userCopy']['findUniqueOrThrow']>>;

function toCopy(row: Row): MemberCopy {
  return {
    userId: row.userId,
    status: row.status as AccountStatus,
    statusUntil: row.statusUntil,
    restricted: row.restricted,
    verificationRequired: row.verificationRequired,
    verificationMissing: row.verificationMissing as MemberCopy['verificationMissing'],
    protectedMode: row.protectedMode,
    minCounterpartGrade: row.minCounterpartGrade as SafetyGrade | null,
    protectChats: row.protectChats,
    grade: row.grade as SafetyGrade | null,
    held: row.held,
    heldUntil: row.heldUntil,
    warned: row.warned,
    warnedUntil: row.warnedUntil,
  };
}

/** A member chat has heard nothing about: active, unrestricted, unscored, unprotected. */
export function unknownMember(userId: string): MemberCopy {
  return {
    userId,
    status: 'ACTIVE',
    statusUntil: null,
    restricted: false,
    verificationRequired: false,
    verificationMissing: [],
    protectedMode: false,
    minCounterpartGrade: null,
    protectChats: false,
    grade: null,
    held: false,
    heldUntil: null,
    warned: false,
    warnedUntil: null,
  };
}

export class MemberCopyRepository {
  constructor(private readonly prisma: ChatPrisma) {}

  async member(userId: string, db: Tx = this.prisma): Promise<MemberCopy> {
    const row = await db.userCopy.findUnique({ where: { userId } });
    return row ? toCopy(row) : unknownMember(userId);
  }

  /** Several members at once (a page of conversations' counterparts). */
  async members(userIds: readonly string[]): Promise<MemberCopy[]> {
    const rows = await this.prisma.userCopy.findMany({ where: { userId: { in: [...userIds] } } });
    const found = new Map(rows.map((row) => [row.userId, toCopy(row)]));
    return userIds.map((id) => found.get(id) ?? unknownMember(id));
  }

  async verificationChanged(tx: Tx, change: { userId: string; required: boolean; missing: Array<'SMS' | 'ID_CARD'>; at: Date }): Promise<void> {
    const { userId, required, missing, at } = change;
    await writeUserCopy(tx, userId, 'verification_at', [
      ['verification_required', boolValue(required)],
      ['verification_missing', textsValue(required ? missing : [])],
      ['verification_at', timeValue(at)],
    ]);
  }

  async profileUpdated(tx: Tx, change: { userId: string; protectedMode: boolean; minCounterpartGrade: SafetyGrade | null; protectChats: boolean; at: Date }): Promise<void> {
    const { userId, protectedMode, minCounterpartGrade, protectChats, at } = change;
    await writeUserCopy(tx, userId, 'profile_at', [
      ['protected_mode', boolValue(protectedMode)],
      ['min_counterpart_grade', textValue(minCounterpartGrade)],
      ['protect_chats', boolValue(protectChats)],
      ['profile_at', timeValue(at)],
    ]);
  }

  /** safety.score_changed: the highest version wins (a late recalculation never overwrites a newer one). */
  async gradeChanged(tx: Tx, change: { userId: string; grade: SafetyGrade; version: number }): Promise<void> {
    const { userId, grade, version } = change;
    await writeUserCopy(tx, userId, 'grade_version', [
      ['grade', textValue(grade)],
      ['grade_version', intValue(version)],
    ]);
  }

  /** monitor.action_taken HOLD_TRANSACTIONS (active) or CLEAR (lifted). */
  async holdChanged(tx: Tx, change: { userId: string; active: boolean; until: Date | null; at: Date }): Promise<void> {
    const { userId, active, until, at } = change;
    await writeUserCopy(tx, userId, 'held_at', [
      ['held', boolValue(active)],
      ['held_until', timeValue(active ? until : null)],
      ['held_at', timeValue(at)],
    ]);
  }

  /** monitor.action_taken WARN_COUNTERPARTS (active) or CLEAR (lifted). */
  async warningChanged(tx: Tx, change: { userId: string; active: boolean; until: Date | null; at: Date }): Promise<void> {
    const { userId, active, until, at } = change;
    await writeUserCopy(tx, userId, 'warned_at', [
      ['warned', boolValue(active)],
      ['warned_until', timeValue(active ? until : null)],
      ['warned_at', timeValue(at)],
    ]);
  }
}
