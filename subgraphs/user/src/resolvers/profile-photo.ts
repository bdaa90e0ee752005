// Profile photo: an upload ticket, then set (or remove) the photo.
import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const createProfilePhotoUpload: MutationResolvers['createProfilePhotoUpload'] = (_parent, { contentType, size }, ctx) =>
  ctx.services.photos.createUpload(ctx, contentType, size);

export const setProfilePhoto: MutationResolvers['setProfilePhoto'] = (_parent, { key }, ctx) => ctx.services.photos.set(ctx, key);
