// Evidence files for reports, on the platform storage drivers (EVIDENCE_POLICY: JPEG/PNG/WebP/PDF,
// at most 10 MB, private). Upload tickets are signed PUT URLs under evidence/<reporter id>/…;
// before a key is attached its magic bytes are checked; reading is by signed GET URLs that expire
// in minutes, handed only to the reporter and ADMINs. Files stay when a report is dismissed.
// A reporter holds at most UPLOAD_OPEN_TICKETS_PER_KIND open tickets; files never attached to a
// report are deleted by the upload sweep after their ticket expired (server.ts).
import { BadInputError, UnauthenticatedError } from '@anshim/platform';
import { contentTypeOfKey, EVIDENCE_POLICY, type IssuedUpload, type Uploads } from '@anshim/platform/storage';
import { messages } from '../messages.ts';
import type { RequestScope } from '../scope.ts';

export const MAX_EVIDENCE_FILES = 10;

export type UploadTicketRecord = IssuedUpload;

export interface VerifiedEvidence {
  key: string;
  contentType: string;
  size: number;
}

export class EvidenceService {
  constructor(
    private readonly uploads: Uploads,
    private readonly urlTtlSeconds: number,
  ) {}

  async createUpload(scope: RequestScope, contentType: string, size: number): Promise<UploadTicketRecord> {
    if (!scope.identity) throw new UnauthenticatedError(messages.signInFirst);
    return this.uploads.issue(EVIDENCE_POLICY, scope.identity.userId, contentType, size);
  }

  /**
   * Checks keys before they are attached: at most 10, no repeats, minted for this reporter,
   * uploaded, within the limit, and bytes that match the type. BAD_USER_INPUT names the key.
   */
  async verify(reporterId: string, keys: readonly string[]): Promise<VerifiedEvidence[]> {
    if (keys.length > MAX_EVIDENCE_FILES) {
      throw new BadInputError(messages.tooManyEvidence, { fields: [{ field: 'evidenceKeys', reason: 'tooMany' }], max: MAX_EVIDENCE_FILES });
    }
    if (new Set(keys).size !== keys.length) throw new BadInputError(messages.duplicateEvidence, { fields: [{ field: 'evidenceKeys', reason: 'duplicate' }] });
    const out: VerifiedEvidence[] = [];
    for (const [i, key] of keys.entries()) {
      const field = `evidenceKeys.${i}`;
      const contentType = contentTypeOfKey(key);
      if (!this.uploads.belongsTo(EVIDENCE_POLICY, key, reporterId) || !contentType) {
        throw new BadInputError(messages.evidenceNotYours, { fields: [{ field, reason: 'notYours' }], key });
      }
      const stored = await this.uploads.verify(EVIDENCE_POLICY, key, contentType, field);
      out.push({ key, contentType, size: stored.size });
    }
    return out;
  }

  /** After the report committed: its files no longer count against the reporter's open tickets. */
  async attached(reporterId: string, keys: readonly string[]): Promise<void> {
    await this.uploads.attached(EVIDENCE_POLICY, reporterId, keys).catch(() => undefined);
  }

  /** A signed GET URL that expires soon; callers decide who may have it. */
  urlFor(key: string): Promise<string> {
    return this.uploads.urlFor(EVIDENCE_POLICY, key, this.urlTtlSeconds);
  }
}
