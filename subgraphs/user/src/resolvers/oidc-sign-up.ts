// Sign-up with a provider (the nickname step) and unlinking a provider.
import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const completeOidcSignUp: MutationResolvers['completeOidcSignUp'] = (_parent, { code, nickname }, ctx) => ctx.services.oidcSignUps.complete(ctx, code, nickname);

export const unlinkOidcIdentity: MutationResolvers['unlinkOidcIdentity'] = (_parent, { provider }, ctx) => ctx.services.oidcSignUps.unlink(ctx, provider);
