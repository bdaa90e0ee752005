// The device ids each account signed in from (known_devices): the only code that touches them.
import type { Tx } from '../database.ts';

export class KnownDeviceRepository {
  /**
   * Marks `deviceId` as seen for `userId` at `at`, inside the sign-in's transaction. True when
   * the account had never used it before (the row was inserted rather than touched).
   */
  async touch(tx: Tx, userId: string, deviceId: string, at: Date): Promise<boolean> {
    // xmax is 0 only on a freshly inserted row: one statement answers "new?" without a race.
    const rows = await tx.$queryRaw<Array<{ inserted: boolean }>>`
      INSERT INTO known_devices (user_id, device_id, first_seen_at, last_seen_at)
      VALUES (${userId}::uuid, ${deviceId}, ${at}, ${at})
      ON CONFLICT (user_id, device_id) DO UPDATE SET last_seen_at = GREATEST(known_devices.last_seen_at, EXCLUDED.last_seen_at)
      RETURNING (xmax = 0) AS inserted`;
    return rows[0]?.inserted === true;
  }

  /** Whether the account signed in (or up) from this device before; read before a sign-in decides on a second factor. */
  async isKnown(db: Tx, userId: string, deviceId: string): Promise<boolean> {
    const row = await db.knownDevice.findUnique({ where: { userId_deviceId: { userId, deviceId } }, select: { deviceId: true } });
    return row !== null;
  }
}
