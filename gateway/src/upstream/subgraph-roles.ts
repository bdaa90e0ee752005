// The gateway names no subgraph in code: which subgraph serves the browser-facing /auth routes,
// which ones keep files behind /<name>/files, and which ones may see the caller's bearer token are
// settings (env.ts). A name the supergraph does not have would leave routes that can never answer
// or a token meant for nobody, so the gateway refuses to start with one, saying which setting
// named it.

export interface SubgraphRoles {
  /** Serves the /auth routes (OpenID Connect redirects, ID card upload and photo); null: none. */
  authPassThrough: string | null;
  /** Serves /payments/return, /payments/done and /payments/webhook (checkout returns, provider webhooks); null: none. */
  paymentPassThrough: string | null;
  /** Keep files reached at /<name>/files/<key> (the local storage driver's signed routes). */
  filePassThrough: readonly string[];
  /** Receive the caller's verified Authorization header (the token's issuer: logout revokes it). */
  forwardAuthorizationTo: readonly string[];
}

export interface ConfiguredSubgraphs {
  /** SUBGRAPH_URLS: subgraph name → the URL replacing the composed one. */
  subgraphUrls: Readonly<Record<string, string>>;
  subgraphRoles: SubgraphRoles;
}

/** One line per setting that names a subgraph the supergraph does not have (none: all is well). */
export function unknownSubgraphProblems(configured: ConfiguredSubgraphs, supergraphNames: Iterable<string>): string[] {
  const known = new Set(supergraphNames);
  const { subgraphRoles: roles } = configured;
  const named: Array<[setting: string, names: readonly string[]]> = [
    ['SUBGRAPH_URLS', Object.keys(configured.subgraphUrls)],
    ['AUTH_PASS_THROUGH_SUBGRAPH', roles.authPassThrough === null ? [] : [roles.authPassThrough]],
    ['PAYMENT_PASS_THROUGH_SUBGRAPH', roles.paymentPassThrough === null ? [] : [roles.paymentPassThrough]],
    ['FILE_PASS_THROUGH_SUBGRAPHS', roles.filePassThrough],
    ['FORWARD_AUTHORIZATION_TO', roles.forwardAuthorizationTo],
  ];
  return named.flatMap(([setting, names]) => {
    const unknown = names.filter((name) => !known.has(name));
    return unknown.length ? [`${setting} names unknown subgraph(s): ${unknown.join(', ')}`] : [];
  });
}

/** Throws with every problem and the names the supergraph does have (the process then exits 1). */
export function assertKnownSubgraphs(configured: ConfiguredSubgraphs, supergraphNames: Iterable<string>): void {
  const names = [...supergraphNames];
  const problems = unknownSubgraphProblems(configured, names);
  if (problems.length) throw new Error(`${problems.join('; ')} (the supergraph has ${names.join(', ')})`);
}
