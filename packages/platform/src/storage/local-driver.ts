// Files on local disk (default: <repo>/.data/uploads) behind a small signed-URL route, so a
// laptop needs no S3 to run the whole upload flow. URLs are signed with HMAC-SHA256 over the
// method, key, content type, size limit and expiry; the route re-checks all of them.
import { createHmac } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { safeEqual } from '../crypto.ts';
import { isValidKey, namespaceOf, type PresignedPut, type PutRequest, type StorageDriver, type StoredObject } from './driver.ts';

export interface LocalDriverOptions {
  /** Folder the files live in. */
  root: string;
  /** Base URL clients reach the route at (`http://localhost:4002`); read late because tests listen on port 0. */
  publicBaseUrl: () => string;
  /** Key of the URL signatures; derive it from INTERNAL_SECRET so every replica agrees. */
  signingSecret: string;
  /** Namespaces (first key segment) anyone may GET without a signature, e.g. product images. */
  publicNamespaces?: readonly string[];
  /** Where the route is mounted. */
  routePrefix?: string;
}

export type SignedPutParams = { key: string; contentType: string; maxBytes: number; expires: number };

export class LocalStorageDriver implements StorageDriver {
  readonly name = 'local' as const;
  readonly root: string;
  readonly routePrefix: string;
  private readonly publicNamespaces: Set<string>;

  constructor(private readonly options: LocalDriverOptions) {
    this.root = resolve(options.root);
    this.routePrefix = options.routePrefix ?? '/files';
    this.publicNamespaces = new Set(options.publicNamespaces ?? []);
  }

  async presignPut(request: PutRequest): Promise<PresignedPut> {
    const expires = Math.floor(request.expiresAt.getTime() / 1000);
    const sig = this.sign(['PUT', request.key, request.contentType, String(request.maxBytes), String(expires)]);
    const query = new URLSearchParams({ ct: request.contentType, max: String(request.maxBytes), exp: String(expires), sig });
    return { url: `${this.urlOf(request.key)}?${query}`, headers: { 'content-type': request.contentType } };
  }

  async presignGet(key: string, expiresAt: Date): Promise<string> {
    const expires = Math.floor(expiresAt.getTime() / 1000);
    const query = new URLSearchParams({ exp: String(expires), sig: this.sign(['GET', key, String(expires)]) });
    return `${this.urlOf(key)}?${query}`;
  }

  publicUrl(key: string): string | null {
    return this.isPublic(key) ? this.urlOf(key) : null;
  }

  isPublic(key: string): boolean {
    return this.publicNamespaces.has(namespaceOf(key));
  }

  /** Checks a PUT URL's signature and expiry; the route checks the body against the result. */
  verifyPut(key: string, query: Record<string, unknown>, now = Date.now()): { ok: true; params: SignedPutParams } | { ok: false; reason: 'tampered' | 'expired' } {
    const [ct, max, exp, sig] = [query.ct, query.max, query.exp, query.sig].map((v) => (typeof v === 'string' ? v : ''));
    if (!ct || !max || !exp || !sig || !isValidKey(key)) return { ok: false, reason: 'tampered' };
    if (!safeEqual(sig, this.sign(['PUT', key, ct!, max!, exp!]))) return { ok: false, reason: 'tampered' };
    if (Number(exp) * 1000 < now) return { ok: false, reason: 'expired' };
    return { ok: true, params: { key, contentType: ct!, maxBytes: Number(max), expires: Number(exp) } };
  }

  verifyGet(key: string, query: Record<string, unknown>, now = Date.now()): { ok: true } | { ok: false; reason: 'tampered' | 'expired' } {
    if (!isValidKey(key)) return { ok: false, reason: 'tampered' };
    if (this.isPublic(key)) return { ok: true };
    const exp = typeof query.exp === 'string' ? query.exp : '';
    const sig = typeof query.sig === 'string' ? query.sig : '';
    if (!exp || !sig || !safeEqual(sig, this.sign(['GET', key, exp]))) return { ok: false, reason: 'tampered' };
    if (Number(exp) * 1000 < now) return { ok: false, reason: 'expired' };
    return { ok: true };
  }

  async stat(key: string): Promise<StoredObject | null> {
    try {
      const info = await stat(this.pathOf(key));
      return info.isFile() ? { size: info.size } : null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async readHead(key: string, length: number): Promise<Uint8Array> {
    const handle = await open(this.pathOf(key), 'r');
    try {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  async read(key: string): Promise<Uint8Array> {
    return readFile(this.pathOf(key));
  }

  async write(key: string, body: Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  openRead(key: string) {
    return createReadStream(this.pathOf(key));
  }

  /** Moves a fully received temp file into place; false if something is there already. */
  async commit(tempPath: string, key: string): Promise<boolean> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    // Exclusive create of a marker first: a second PUT of the same key must never replace a
    // file that may already be attached (and verified) somewhere.
    try {
      const marker = await open(path, 'wx');
      await marker.close();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
    await rename(tempPath, path);
    return true;
  }

  tempPathFor(key: string): string {
    return resolve(this.root, '.incoming', `${key.replaceAll('/', '__')}.${process.pid}.${Date.now()}.part`);
  }

  /** The file of a key; refuses anything that would land outside the root. */
  pathOf(key: string): string {
    if (!isValidKey(key)) throw new Error(`invalid storage key "${key}"`);
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new Error(`storage key "${key}" escapes the root`);
    return path;
  }

  private urlOf(key: string): string {
    return `${this.options.publicBaseUrl().replace(/\/$/, '')}${this.routePrefix}/${key}`;
  }

  private sign(parts: string[]): string {
    return createHmac('sha256', this.options.signingSecret).update(parts.join('\n')).digest('base64url');
  }
}
