// Every successful sign-in, as this service observed it: the device id and client address the
// gateway signed (scope.client), never anything the member reports. Written in the sign-in's own
// transaction, so user.signed_in exists exactly when the session does; the monitor learns
// sign-ins (and shared devices) from it.
import type { ClientInfo } from '@anshim/platform';
import type { Tx } from '../database.ts';
import type { UserEvents } from '../outbound/user-events.ts';
import type { KnownDeviceRepository } from './known-device-repository.ts';

export type SignInMethod = 'PASSWORD' | 'SECOND_FACTOR' | 'OAUTH' | 'REFRESH';

export class SignInRecorder {
  constructor(private readonly deps: { devices: KnownDeviceRepository; events: UserEvents }) {}

  /** Remembers the device and publishes user.signed_in; true when the account never used this device before. */
  async record(tx: Tx, userId: string, method: SignInMethod, client: ClientInfo, at = new Date()): Promise<boolean> {
    const newDevice = client.deviceId !== null ? await this.deps.devices.touch(tx, userId, client.deviceId, at) : false;
    await this.deps.events.signedIn(tx, { userId, method, deviceId: client.deviceId, clientAddress: client.address, newDevice, at });
    return newDevice;
  }

  /** A sign-up's device: known from now on (a later sign-in from it is not a new device). */
  async rememberSignUpDevice(tx: Tx, userId: string, client: ClientInfo, at: Date): Promise<void> {
    if (client.deviceId !== null) await this.deps.devices.touch(tx, userId, client.deviceId, at);
  }
}
