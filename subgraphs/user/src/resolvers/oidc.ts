// OpenID Connect: the configured providers, starting a link, and the one-time sign-in code exchange.
import type { MutationResolvers, QueryResolvers } from '../generated/resolvers-types.ts';

export const oidcProviders: QueryResolvers['oidcProviders'] = (_parent, _args, ctx) => ctx.services.oidc.list();

export const startOidcLink: MutationResolvers['startOidcLink'] = (_parent, { provider }, ctx) => ctx.services.oidc.startLink(ctx, provider);

export const completeOidcSignIn: MutationResolvers['completeOidcSignIn'] = (_parent, { code }, ctx) => ctx.services.oidc.complete(ctx, code);
