// What a file really is, from its first bytes: a client can claim any Content-Type, so nothing
// is attached, shown or thumbnailed until its bytes say the same thing.

/** The content types the platform accepts for uploads, and their file extensions. */
export const KNOWN_CONTENT_TYPES = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
} as const;
export type KnownContentType = keyof typeof KNOWN_CONTENT_TYPES;

/** How many leading bytes `detectContentType` needs. */
export const MAGIC_BYTES_NEEDED = 12;

const startsWith = (bytes: Uint8Array, signature: number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);

/** The type the bytes prove, or null when they match none we accept. */
export function detectContentType(bytes: Uint8Array): KnownContentType | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  // RIFF....WEBP: bytes 4-7 are the chunk size.
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  return null;
}

export function isKnownContentType(value: string): value is KnownContentType {
  return Object.hasOwn(KNOWN_CONTENT_TYPES, value);
}

/** `image/JPEG; charset=x` → `image/jpeg`: how a header value compares with a declared type. */
export function normalizeContentType(value: string | undefined | null): string {
  return (value ?? '').split(';')[0]!.trim().toLowerCase();
}

export function extensionOf(contentType: KnownContentType): string {
  return KNOWN_CONTENT_TYPES[contentType];
}

/** The content type a key's extension stands for (keys are always minted with one). */
export function contentTypeOfKey(key: string): KnownContentType | null {
  const ext = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
  const found = Object.entries(KNOWN_CONTENT_TYPES).find(([, e]) => e === ext);
  return found ? (found[0] as KnownContentType) : null;
}
