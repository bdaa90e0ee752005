// The gateway entity cache's dependencies (docs/caching.md, "Fields that depend on other entities"):
// a subgraph field whose answer depends on more than its own entity (Product.sellerSafety: the
// seller's score, the category's prices) records here the versions of those other entities as it
// read them BEFORE reading their data. The answer carries them in `extensions.entityCacheDependencies`;
// the gateway stores them with the entry and serves the entry only while every one is unchanged.
import type { ApolloServerPlugin } from '@apollo/server';

/** The extension's name; the gateway reads the same. */
export const ENTITY_DEPENDENCIES_EXTENSION = 'entityCacheDependencies';

/** `<Type>:<id>` → version key (unprefixed, `ec:v:…`) → its value as read ('' when there was none). */
export type EntityDependencyMap = Record<string, Record<string, string>>;

interface WithDependencies {
  entityCacheDependencies?: EntityDependencyMap;
}

/** Records that the answer for `type` `id` depends on these versions (read before the data they guard). */
export function recordEntityDependencies(context: object, type: string, id: string, versions: Record<string, string>): void {
  const holder = context as WithDependencies;
  holder.entityCacheDependencies ??= {};
  holder.entityCacheDependencies[`${type}:${id}`] = { ...holder.entityCacheDependencies[`${type}:${id}`], ...versions };
}

/** Puts the recorded dependencies into the answer's extensions (nothing when none were recorded). */
export function entityDependenciesPlugin<C extends object>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const recorded = (contextValue as WithDependencies).entityCacheDependencies;
          if (!recorded || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, [ENTITY_DEPENDENCIES_EXTENSION]: recorded };
        },
      };
    },
  };
}
