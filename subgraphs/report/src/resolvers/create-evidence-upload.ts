import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const createEvidenceUpload: MutationResolvers['createEvidenceUpload'] = (_parent, { contentType, size }, ctx) =>
  ctx.services.evidence.createUpload(ctx, contentType, size);
