import { requireIdentity } from '@anshim/platform';
import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const createProductImageUpload: MutationResolvers['createProductImageUpload'] = (_parent, { contentType, size }, ctx) =>
  ctx.services.images.issue(requireIdentity(ctx).userId, contentType, size);
