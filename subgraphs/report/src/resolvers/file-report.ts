import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const fileReport: MutationResolvers['fileReport'] = (_parent, { input }, ctx) => ctx.services.reports.file(ctx, input);
