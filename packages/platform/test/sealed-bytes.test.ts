// FieldCipher's file encryption (ID card photos at rest): round trip, bound to its context, tamper-evident.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FieldCipher } from '../src/crypto.ts';

const cipher = new FieldCipher(randomBytes(32).toString('hex'));
const photo = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(2048)]);

describe('FieldCipher.encryptBytes', () => {
  it('round-trips, and the sealed bytes show nothing of the file', () => {
    const sealed = cipher.encryptBytes(photo, 'id-cards/u/c.sealed');
    expect(sealed.subarray(0, 4).toString()).toBe('ANS1');
    expect(sealed.includes(photo.subarray(0, 8))).toBe(false);
    expect(cipher.decryptBytes(sealed, 'id-cards/u/c.sealed').equals(photo)).toBe(true);
    expect(cipher.encryptBytes(photo, 'k').equals(cipher.encryptBytes(photo, 'k'))).toBe(false);
  });

  it('refuses another context, a flipped bit and another key', () => {
    const sealed = cipher.encryptBytes(photo, 'a');
    expect(() => cipher.decryptBytes(sealed, 'b')).toThrow();
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 1]! ^= 1;
    expect(() => cipher.decryptBytes(flipped, 'a')).toThrow();
    expect(() => new FieldCipher(randomBytes(32).toString('hex')).decryptBytes(sealed, 'a')).toThrow();
    expect(() => cipher.decryptBytes(photo, 'a')).toThrow(/unknown sealed file format/);
  });
});
