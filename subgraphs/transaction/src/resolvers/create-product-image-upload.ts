import type { MutationResolvers } from '../generated/resolvers-types.ts';
import { requireIdentity } from '../product-service.ts';

export const createProductImageUpload: MutationResolvers['createProductImageUpload'] = (_parent, { contentType, size }, ctx) =>
  ctx.services.images.issue(requireIdentity(ctx).userId, contentType, size);
