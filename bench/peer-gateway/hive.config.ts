// Hive Gateway's configuration for the benches: every subgraph request signed as our subgraphs
// demand (peer-identity.ts), in the fetch hook, where the exact body bytes are known. With
// ANSHIM_PEER_ROUTER_RUNTIME=true the gateway plans and executes with Hive Router's Rust query
// planner (@graphql-hive/router-runtime); set here rather than by --hive-router-runtime, which
// silently falls back to the JavaScript runtime when the package cannot be loaded.
import { peerSignerFromEnv } from './peer-identity.ts';

const signer = peerSignerFromEnv();
// By a name in a variable: the project's type check runs where bench/peer-gateway is not installed.
const routerRuntimeModule = '@graphql-hive/router-runtime';
const routerRuntime: unknown = process.env.ANSHIM_PEER_ROUTER_RUNTIME === 'true' ? ((await import(routerRuntimeModule)) as { unifiedGraphHandler: unknown }).unifiedGraphHandler : undefined;

interface FetchPayload {
  url: string;
  options: { body?: unknown; headers?: Record<string, string> };
  setOptions(options: FetchPayload['options']): void;
  context?: { request?: { headers: { get(name: string): string | null } } };
}

export const gatewayConfig = {
  ...(routerRuntime ? { unifiedGraphHandler: routerRuntime } : {}),
  plugins: () => [
    {
      async onFetch({ url, options, setOptions, context }: FetchPayload) {
        const identity = await signer.identityOf(context?.request?.headers.get('authorization'));
        const body = typeof options.body === 'string' ? options.body : '';
        setOptions({ ...options, headers: { ...options.headers, ...signer.headersFor(url, body, identity) } });
      },
    },
  ],
};
