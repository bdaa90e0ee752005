// Which services read from which (signed /internal/ reads: transaction → user for protection when a
// trade starts, report → user and transaction and chat → transaction before NOT_FOUND), so every
// stack that starts real processes (e2e, faults, benchmarks) starts the owners first on port 0 and
// hands their real URLs to the readers. No vitest here: benchmarks import it too.

/** The services others read from (signed /internal/ reads), in the order they must start. */
export const OWNER_ORDER = ['user', 'transaction'];
/** Port 9 (discard): an owner this stack does not run is unreachable, never a stray local process. */
const NOWHERE = 'http://127.0.0.1:9/graphql';

/** The subgraphs in start order: each owner alone (user, then transaction), then the rest together. */
export function startTiers(subgraphs: string[]): string[][] {
  const owners = OWNER_ORDER.filter((name) => subgraphs.includes(name)).map((name) => [name]);
  return [...owners, subgraphs.filter((name) => !OWNER_ORDER.includes(name))].filter((tier) => tier.length > 0);
}

/** `<SERVICE>_<OWNER>_SUBGRAPH_URL` for every owner a service may read from: the started one's real URL, or nowhere. */
export function ownerUrls(service: string, started: Record<string, string>): Record<string, string> {
  return Object.fromEntries(OWNER_ORDER.filter((owner) => owner !== service).map((owner) => [`${service.toUpperCase()}_${owner.toUpperCase()}_SUBGRAPH_URL`, started[owner] ?? NOWHERE]));
}

