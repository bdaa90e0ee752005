// The copy of what the user service knows about each member (registration, verifications, profile
// completeness, account status), fed by user.* events and refilled by the rebuild: the only code that
// writes those columns of user_inputs. A state carries the time of the event that set it and only a
// newer event replaces it, so events may arrive late, twice or out of order.
import type { SqlExecutor } from '@anshim/platform';
import type { AccountStatus, VerificationMethod } from '../model.ts';
import { moveUserTime, ts, type UserTimeColumn } from './copy-sql.ts';

const VERIFIED_COLUMN: Record<VerificationMethod, UserTimeColumn> = {
  EMAIL: 'email_verified_at',
  SMS: 'phone_verified_at',
  ID_CARD: 'id_card_verified_at',
  OAUTH: 'oauth_verified_at',
};

/** A member as the user service answers the rebuild (public User fields through `_entities`). */
export interface UserSnapshot {
  id: string;
  createdAt: string;
  status: 'ACTIVE' | 'SUSPENDED' | 'BANNED';
  statusUntil: string | null;
  profileCompleteness: number;
  verifications: Array<{ method: VerificationMethod; verifiedAt: string }>;
}

export class UserInputsRepository {
  /** The earliest registration time seen stands. */
  async registered(tx: SqlExecutor, userId: string, registeredAt: Date): Promise<void> {
    await moveUserTime(tx, userId, 'registered_at', 'LEAST', registeredAt);
  }

  /** A verification; an SMS verification older than the last phone change no longer counts. */
  async verified(tx: SqlExecutor, userId: string, method: VerificationMethod, verifiedAt: Date): Promise<void> {
    const afterPhoneChange = 'user_inputs.phone_changed_at IS NULL OR user_inputs.phone_changed_at < EXCLUDED.phone_verified_at';
    await moveUserTime(tx, userId, VERIFIED_COLUMN[method], 'GREATEST', verifiedAt, method === 'SMS' ? afterPhoneChange : undefined);
  }

  async profileUpdated(tx: SqlExecutor, userId: string, change: { completeness: number; phoneChanged: boolean; at: Date }): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO user_inputs (user_id, profile_completeness, profile_at, phone_changed_at, updated_at)
       VALUES ($1::uuid, $2, $3::timestamp, CASE WHEN $4 THEN $3::timestamp END, now())
       ON CONFLICT (user_id) DO UPDATE SET
         profile_completeness = CASE WHEN user_inputs.profile_at IS NULL OR user_inputs.profile_at <= EXCLUDED.profile_at
                                     THEN EXCLUDED.profile_completeness ELSE user_inputs.profile_completeness END,
         profile_at = GREATEST(COALESCE(user_inputs.profile_at, EXCLUDED.profile_at), EXCLUDED.profile_at),
         phone_changed_at = CASE WHEN $4 THEN GREATEST(COALESCE(user_inputs.phone_changed_at, EXCLUDED.phone_changed_at), EXCLUDED.phone_changed_at)
                                 ELSE user_inputs.phone_changed_at END,
         phone_verified_at = CASE WHEN $4 AND user_inputs.phone_verified_at < EXCLUDED.profile_at THEN NULL ELSE user_inputs.phone_verified_at END,
         updated_at = now()`,
      userId,
      Math.max(0, Math.min(100, Math.round(change.completeness))),
      ts(change.at),
      change.phoneChanged,
    );
  }

  async statusChanged(tx: SqlExecutor, userId: string, status: AccountStatus, until: Date | null, at: Date): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO user_inputs (user_id, status, status_until, status_at, updated_at) VALUES ($1::uuid, $2::"AccountStatus", $3::timestamp, $4::timestamp, now())
       ON CONFLICT (user_id) DO UPDATE SET status = EXCLUDED.status, status_until = EXCLUDED.status_until, status_at = EXCLUDED.status_at, updated_at = now()
       WHERE user_inputs.status_at IS NULL OR user_inputs.status_at <= EXCLUDED.status_at`,
      userId,
      status,
      until ? ts(until) : null,
      ts(at),
    );
  }

  /** The rebuild: the user service's answer replaces whatever events brought, stamped `at`. */
  async replace(tx: SqlExecutor, user: UserSnapshot, at: Date): Promise<void> {
    const verified = (method: VerificationMethod) => user.verifications.find((v) => v.method === method)?.verifiedAt ?? null;
    await tx.$executeRawUnsafe(
      `INSERT INTO user_inputs (user_id, registered_at, email_verified_at, phone_verified_at, id_card_verified_at, oauth_verified_at,
                                profile_completeness, profile_at, status, status_until, status_at, updated_at)
       VALUES ($1::uuid, $2::timestamp, $3::timestamp, $4::timestamp, $5::timestamp, $6::timestamp, $7, $8::timestamp, $9::"AccountStatus", $10::timestamp, $8::timestamp, now())
       ON CONFLICT (user_id) DO UPDATE SET registered_at = EXCLUDED.registered_at,
         email_verified_at = EXCLUDED.email_verified_at, phone_verified_at = EXCLUDED.phone_verified_at,
         id_card_verified_at = EXCLUDED.id_card_verified_at, oauth_verified_at = EXCLUDED.oauth_verified_at,
         profile_completeness = EXCLUDED.profile_completeness, profile_at = EXCLUDED.profile_at,
         status = EXCLUDED.status, status_until = EXCLUDED.status_until, status_at = EXCLUDED.status_at, updated_at = now()`,
      user.id,
      user.createdAt,
      verified('EMAIL'),
      verified('SMS'),
      verified('ID_CARD'),
      verified('OAUTH'),
      user.profileCompleteness,
      at.toISOString(),
      user.status,
      user.statusUntil,
    );
  }
}
