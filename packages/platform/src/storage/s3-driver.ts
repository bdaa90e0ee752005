// Any S3-compatible store (AWS, MinIO, R2…) through @aws-sdk/client-s3. Clients upload with a
// presigned PUT that signs the content type, the exact length and `If-None-Match: *`, so the
// store itself refuses another type, another size, or overwriting a key once it holds a file.
// Every call to the store goes through a timeout, retries with backoff and a circuit breaker.
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { resilient } from '../resilience.ts';
import { namespaceOf, type PresignedPut, type PutRequest, type StorageDriver, type StoredObject } from './driver.ts';

export interface S3DriverOptions {
  bucket: string;
  region: string;
  /** For MinIO and other S3-compatible stores, e.g. http://127.0.0.1:9000. */
  endpoint?: string;
  forcePathStyle?: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Public base (CDN or bucket website) for public namespaces; without it they get signed GETs too. */
  publicBaseUrl?: string;
  publicNamespaces?: readonly string[];
  timeoutMs?: number;
}

const isNotFound = (error: unknown) => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
};

export class S3StorageDriver implements StorageDriver {
  readonly name = 's3' as const;
  readonly client: S3Client;
  private readonly publicNamespaces: Set<string>;
  private readonly call: <T>(work: () => Promise<T>) => Promise<T>;

  constructor(private readonly options: S3DriverOptions) {
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: options.accessKeyId && options.secretAccessKey
        ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
        : undefined,
      // Our own retry wrapper decides; the SDK's would multiply attempts.
      maxAttempts: 1,
    });
    this.publicNamespaces = new Set(options.publicNamespaces ?? []);
    const guarded = resilient(<T>(work: () => Promise<T>) => work(), {
      name: 's3',
      timeoutMs: options.timeoutMs ?? 5_000,
      attempts: 3,
      backoffMs: 200,
    });
    this.call = guarded as <T>(work: () => Promise<T>) => Promise<T>;
  }

  async presignPut(request: PutRequest): Promise<PresignedPut> {
    const command = new PutObjectCommand({
      Bucket: this.options.bucket,
      Key: request.key,
      ContentType: request.contentType,
      ContentLength: request.size,
      IfNoneMatch: '*',
    });
    const url = await getSignedUrl(this.client, command, {
      expiresIn: this.secondsUntil(request.expiresAt),
      signableHeaders: new Set(['content-type', 'content-length', 'if-none-match']),
    });
    return { url, headers: { 'content-type': request.contentType, 'if-none-match': '*' } };
  }

  async presignGet(key: string, expiresAt: Date): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.options.bucket, Key: key }), {
      expiresIn: this.secondsUntil(expiresAt),
    });
  }

  publicUrl(key: string): string | null {
    if (!this.options.publicBaseUrl || !this.publicNamespaces.has(namespaceOf(key))) return null;
    return `${this.options.publicBaseUrl.replace(/\/$/, '')}/${key}`;
  }

  async stat(key: string): Promise<StoredObject | null> {
    // A missing object is an answer, not a failure: it must not trip the breaker or be retried.
    return this.call(async () => {
      try {
        const head = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }));
        return { size: head.ContentLength ?? 0 };
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    });
  }

  async readHead(key: string, length: number): Promise<Uint8Array> {
    return this.call(async () => {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key, Range: `bytes=0-${length - 1}` }));
      return (await object.Body!.transformToByteArray()).subarray(0, length);
    });
  }

  async read(key: string): Promise<Uint8Array> {
    return this.call(async () => {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return object.Body!.transformToByteArray();
    });
  }

  async write(key: string, body: Uint8Array, contentType: string): Promise<void> {
    await this.call(() => this.client.send(new PutObjectCommand({ Bucket: this.options.bucket, Key: key, Body: body, ContentType: contentType })));
  }

  async remove(key: string): Promise<void> {
    await this.call(() => this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: key })));
  }

  private secondsUntil(at: Date): number {
    return Math.max(1, Math.ceil((at.getTime() - Date.now()) / 1000));
  }
}
