// What each kind of upload may be. A policy is data, so the report subgraph's evidence and the
// transaction subgraph's product images share one implementation (uploads.ts).
import type { KnownContentType } from './magic-bytes.ts';

export interface UploadPolicy {
  /** First key segment of uploaded files; the drivers decide public vs private by it. */
  namespace: string;
  /**
   * Public kinds only: where attached files are published, re-encoded without metadata
   * (uploads.ts `publish`). The upload namespace itself is then private: an upload is never
   * served as it arrived, and nothing is served before it is attached.
   */
  publishedNamespace?: string;
  contentTypes: readonly KnownContentType[];
  maxBytes: number;
  /** Public files get permanent URLs; private ones only short-lived signed GETs. */
  visibility: 'public' | 'private';
  /** How long the PUT URL works. */
  uploadTtlSeconds: number;
  /** Make a small WebP next to each image (`<key>.thumb.webp`). */
  thumbnail?: { width: number; height: number };
  /** Publishing kinds: scale the published copy down to fit this box (never up). */
  resize?: { width: number; height: number };
}

const MB = 1024 * 1024;

const PICTURES: readonly KnownContentType[] = ['image/jpeg', 'image/png', 'image/webp'];

/** A picture members upload privately and the service publishes once attached (listing photos, profile photos). */
function publishedPicturePolicy(policy: Pick<UploadPolicy, 'namespace' | 'publishedNamespace' | 'maxBytes' | 'thumbnail' | 'resize'>): UploadPolicy {
  return { ...policy, contentTypes: PICTURES, visibility: 'public', uploadTtlSeconds: 10 * 60 };
}

export const PRODUCT_IMAGE_POLICY = publishedPicturePolicy({
  namespace: 'product-uploads',
  publishedNamespace: 'products',
  maxBytes: 10 * MB,
  thumbnail: { width: 320, height: 320 },
});

/** Report evidence (issue 5): never public, read through signed GET URLs that expire quickly. */
export const EVIDENCE_POLICY: UploadPolicy = {
  namespace: 'evidence',
  contentTypes: [...PICTURES, 'application/pdf'],
  maxBytes: 10 * MB,
  visibility: 'private',
  uploadTtlSeconds: 10 * 60,
};

/**
 * ID card photos (issue 9): JPEG/PNG only, never public, stored encrypted by the user service
 * (which receives the bytes itself) and deleted after the review's retention period.
 */
export const ID_CARD_POLICY: UploadPolicy = {
  namespace: 'id-cards',
  contentTypes: ['image/jpeg', 'image/png'],
  maxBytes: 10 * MB,
  visibility: 'private',
  uploadTtlSeconds: 30 * 60,
};

/**
 * Profile photos (user service): public once set, published re-encoded at most 512×512 without
 * metadata; the upload itself is private and swept when never attached.
 */
export const PROFILE_PHOTO_POLICY = publishedPicturePolicy({
  namespace: 'profile-photo-uploads',
  publishedNamespace: 'profile-photos',
  maxBytes: 5 * MB,
  resize: { width: 512, height: 512 },
});

/** Namespaces the drivers serve without signatures: only where attached public files are published. */
export function publicNamespaces(policies: readonly UploadPolicy[]): string[] {
  return policies.flatMap((p) => (p.visibility === 'public' && p.publishedNamespace ? [p.publishedNamespace] : []));
}
