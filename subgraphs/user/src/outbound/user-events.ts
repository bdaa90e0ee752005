// What the user service publishes (topic user.events). Each call writes one outbox row inside the
// caller's transaction, so an event exists exactly when its change was committed. No PII goes
// out: consumers that need more ask the user subgraph.
import { outboxWriter } from '@anshim/platform';
import type { Tx } from '../database.ts';
import type { AccountStatus, SafetyGrade, VerificationMethod } from '../model.ts';

const write = outboxWriter('user');

export class UserEvents {
  async registered(tx: Tx, user: { id: string; nickname: string; createdAt: Date }, deviceId: string | null = null): Promise<void> {
    await write(tx, {
      type: 'user.registered',
      subjectUserId: user.id,
      data: { userId: user.id, nickname: user.nickname, createdAt: user.createdAt.toISOString(), deviceId },
    });
  }

  /** `phoneLookupHash`: SMS only, the bound phone's keyed lookup hash (links accounts sharing a phone; never the number). */
  async verified(tx: Tx, userId: string, method: VerificationMethod, verifiedAt: Date, phoneLookupHash: string | null = null): Promise<void> {
    await write(tx, {
      type: 'user.verified',
      subjectUserId: userId,
      data: { userId, method, verifiedAt: verifiedAt.toISOString(), ...(method === 'SMS' ? { phoneLookupHash } : {}) },
    });
  }

  async signedIn(
    tx: Tx,
    signIn: { userId: string; method: 'PASSWORD' | 'SECOND_FACTOR' | 'OAUTH' | 'REFRESH'; deviceId: string | null; clientAddress: string | null; newDevice: boolean; at: Date },
  ): Promise<void> {
    await write(tx, {
      type: 'user.signed_in',
      subjectUserId: signIn.userId,
      data: { ...signIn, at: signIn.at.toISOString() },
      occurredAt: signIn.at,
    });
  }

  async profileUpdated(
    tx: Tx,
    userId: string,
    change: { fields: string[]; profileCompleteness: number; protectedMode: boolean; minCounterpartGrade: SafetyGrade | null; protectChats?: boolean },
    occurredAt?: Date,
  ): Promise<void> {
    await write(tx, { type: 'user.profile_updated', subjectUserId: userId, data: { userId, ...change }, occurredAt });
  }

  /** REQUIRE_VERIFICATION in force (required) or satisfied/cleared; `at` orders the consumers' copies. */
  async verificationRequirementChanged(tx: Tx, change: { userId: string; required: boolean; missing: Array<'SMS' | 'ID_CARD'>; at: Date }): Promise<void> {
    await write(tx, {
      type: 'user.verification_requirement_changed',
      subjectUserId: change.userId,
      data: { userId: change.userId, required: change.required, missing: change.missing, at: change.at.toISOString() },
    });
  }

  async statusChanged(tx: Tx, userId: string, status: AccountStatus, until: Date | null): Promise<void> {
    await write(tx, {
      type: 'user.status_changed',
      subjectUserId: userId,
      data: { userId, status, until: until ? until.toISOString() : null },
    });
  }

  /** deleteAccount committed: others anonymise their copies; no personal data goes out. */
  async deleted(tx: Tx, userId: string, displayName: string, at: Date): Promise<void> {
    await write(tx, { type: 'user.deleted', subjectUserId: userId, data: { userId, displayName, deletedAt: at.toISOString() }, occurredAt: at });
  }
}
