import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

const SEALED_BYTES_MAGIC = Buffer.from('ANS1', 'ascii');

/** AES-256-GCM for PII at rest: `v1.<iv>.<tag>.<ciphertext>` in base64url. */
export class FieldCipher {
  private readonly key: Buffer;
  constructor(hexKey: string) {
    this.key = Buffer.from(hexKey, 'hex');
    if (this.key.length !== 32) throw new Error('FieldCipher needs a 32-byte key');
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('unknown ciphertext format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  /**
   * AES-256-GCM for files at rest (ID card photos): `ANS1` | iv (12) | tag (16) | ciphertext.
   * `context` (e.g. the storage key) is bound as associated data, so a sealed file moved to
   * another record does not open.
   */
  encryptBytes(plain: Uint8Array, context = ''): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([SEALED_BYTES_MAGIC, iv, cipher.getAuthTag(), body]);
  }

  decryptBytes(sealed: Uint8Array, context = ''): Buffer {
    const data = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    if (data.length < 32 || !data.subarray(0, 4).equals(SEALED_BYTES_MAGIC)) throw new Error('unknown sealed file format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, data.subarray(4, 16));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(data.subarray(16, 32));
    return Buffer.concat([decipher.update(data.subarray(32)), decipher.final()]);
  }

  /** Deterministic keyed hash for equality lookups (unique phone numbers) without storing the value. */
  lookupHash(value: string): string {
    return createHmac('sha256', this.key).update(`lookup:${value}`).digest('hex');
  }
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function randomDigits(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += String(randomInt(0, 10));
  return out;
}
