// The one interface both storage drivers implement. Services never talk to the file system or
// to S3 directly: they issue tickets and check uploads through `Uploads` (uploads.ts).

export interface PresignedPut {
  url: string;
  /** Headers the client must send with the PUT (they are part of the signature). */
  headers: Record<string, string>;
}

export interface PutRequest {
  key: string;
  contentType: string;
  /** The size the client announced; S3 signs it, the local route enforces `maxBytes`. */
  size: number;
  maxBytes: number;
  expiresAt: Date;
}

export interface StoredObject {
  size: number;
}

export interface StorageDriver {
  readonly name: 'local' | 's3';
  presignPut(request: PutRequest): Promise<PresignedPut>;
  /** A GET URL that stops working at `expiresAt` (private files: evidence). */
  presignGet(key: string, expiresAt: Date): Promise<string>;
  /** A permanent URL for keys under a public namespace, or null if the store has none. */
  publicUrl(key: string): string | null;
  /** Size of a stored object, or null when nothing was uploaded under the key. */
  stat(key: string): Promise<StoredObject | null>;
  /** The first `length` bytes (fewer if the object is shorter). */
  readHead(key: string, length: number): Promise<Uint8Array>;
  read(key: string): Promise<Uint8Array>;
  write(key: string, body: Uint8Array, contentType: string): Promise<void>;
  remove(key: string): Promise<void>;
}

/** Keys are minted by the platform (`<namespace>/<owner>/<uuid>.<ext>`); anything else is refused. */
const KEY = /^[a-z][a-z0-9-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)+$/;

export function isValidKey(key: string): boolean {
  return key.length <= 512 && KEY.test(key) && !key.split('/').some((part) => part === '..' || part === '.');
}

export function namespaceOf(key: string): string {
  return key.slice(0, key.indexOf('/'));
}
