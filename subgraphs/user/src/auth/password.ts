// Password hashing with argon2id (the library's default algorithm; ARCHITECTURE §8). OWASP's
// recommended minimum is 19 MiB memory, 2 passes, 1 lane, which is also the library default.
import { hash, verify } from '@node-rs/argon2';

const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    // A malformed stored hash is a failed login, never a 500 that tells an attacker something.
    return false;
  }
}

let dummy: Promise<string> | undefined;
/**
 * Spends the same time as a real check when the email is unknown, so response time does not
 * reveal which emails have accounts.
 */
export async function burnPasswordCheck(password: string): Promise<false> {
  dummy ??= hashPassword('anshim-timing-equaliser');
  await verifyPassword(await dummy, password);
  return false;
}
