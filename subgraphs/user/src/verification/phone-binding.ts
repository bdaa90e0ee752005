// Binding a phone number to an account, the one way it happens: the member confirmed the SMS code
// sent to their pending number. Until then nothing looked up who else may hold the number, so no
// answer could tell. Here the code proved the caller holds it now; if another account already
// proved the same number, that earlier holder keeps it (a takeover would let whoever briefly
// controls a number, e.g. after a SIM swap, strip a member's verification) and the caller is
// refused with a sentence that names no one. Rows bound before this rule without a code were moved
// back to pending by the migration, so every bound number here was proven by a code.
import type { FieldCipher } from '@anshim/platform';
import type { Tx } from '../database.ts';
import type { UserRecord } from '../model.ts';
import type { UserEvents } from '../outbound/user-events.ts';
import { phoneRetired } from '../users/account-deletion-repository.ts';
import { completenessOf } from '../users/profile-completeness.ts';
import { UniqueViolation, type UserRepository } from '../users/user-repository.ts';

/** The number is bound to another account (the caller gets a generic CONFLICT). */
export class PhoneHeldElsewhere extends Error {
  constructor() {
    super('phone number bound to another account');
    this.name = 'PhoneHeldElsewhere';
  }
}

export class PhoneBinder {
  constructor(private readonly deps: { users: UserRepository; events: UserEvents; cipher: FieldCipher }) {}

  /**
   * Inside the confirmation's transaction: the pending number becomes the bound one (the unique
   * lookup hash settles two accounts confirming at once), and user.profile_updated says the phone
   * changed. The caller records the SMS verification and user.verified at `now` afterwards.
   */
  async bind(tx: Tx, user: UserRecord, now: Date): Promise<UserRecord> {
    const phone = this.deps.cipher.decrypt(user.pendingPhoneEncrypted!);
    const phoneHash = this.deps.cipher.lookupHash(phone);
    if (await this.deps.users.phoneHashTaken(phoneHash, user.id)) throw new PhoneHeldElsewhere();
    // A deleted account that had been sanctioned keeps its number out of reach (account-deletion.ts).
    if (await phoneRetired(tx, phoneHash, now)) throw new PhoneHeldElsewhere();
    let row: UserRecord;
    try {
      row = await this.deps.users.update(tx, user.id, { phoneEncrypted: user.pendingPhoneEncrypted, phoneHash, pendingPhoneEncrypted: null });
    } catch (error) {
      if (error instanceof UniqueViolation && error.field === 'phone') throw new PhoneHeldElsewhere();
      throw error;
    }
    const verifications = await this.deps.users.verificationsOf([user.id]);
    const withSms = [...verifications.filter((v) => v.method !== 'SMS'), { method: 'SMS' as const }];
    // Consumers drop an SMS verification older than a phone change: the change must be dated just
    // before the verification it comes with, or the new verification would be dropped too.
    await this.deps.events.profileUpdated(
      tx,
      user.id,
      { fields: ['phone', 'verifications'], profileCompleteness: completenessOf(row, withSms), protectedMode: row.protectedMode, minCounterpartGrade: row.minCounterpartGrade, protectChats: row.protectChats },
      new Date(now.getTime() - 1),
    );
    return row;
  }
}
