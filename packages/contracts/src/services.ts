/** The subgraphs of the supergraph, in composition order, with their local default ports. */
export const SUBGRAPHS = [
  { name: 'user', port: 4001 },
  { name: 'transaction', port: 4002 },
  { name: 'safety', port: 4003 },
  { name: 'report', port: 4004 },
  { name: 'monitor', port: 4005 },
  { name: 'chat', port: 4006 },
  { name: 'payment', port: 4007 },
] as const;

export type SubgraphName = (typeof SUBGRAPHS)[number]['name'];

export const GATEWAY_DEFAULT_PORT = 4000;

export function defaultSubgraphUrl(name: SubgraphName): string {
  const entry = SUBGRAPHS.find((s) => s.name === name)!;
  return `http://127.0.0.1:${entry.port}/graphql`;
}
