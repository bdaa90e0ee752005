// The system bench/subscription-city.ts measures: a throw-away database (every service's schema)
// and Redis prefix, user, monitor and chat as real processes, and gateways started and stopped per
// measurement on those same subgraphs (each measurement's gateway memory starts clean). Ports: free
// ones, or from CITY_BENCH_PORT_BASE (a helper's own range on a shared machine): subgraphs at
// base+1…3, gateways at base+10…, operations ports 100 above.
import { deployMigrations, ensureDatabase } from '../../scripts/lib/migrations.ts';
import { listServices } from '../../scripts/lib/services.ts';
import { ownerUrls } from '../../test/support/owners.ts';
import { startProcess, type StartedProcess } from '../../test/support/processes.ts';
import { bundleEntry } from '../../scripts/lib/server-build.ts';
import { benchPlace } from './bench-stack.ts';
import { dropBenchData } from './chat-measures.ts';

export interface CityStack {
  env: Record<string, string>;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  user: StartedProcess;
  monitor: StartedProcess;
  chat: StartedProcess;
  /** A gateway over the three subgraphs, sized for `capacity` subscriptions (WS_SUBSCRIPTION_CAPACITY). */
  startGateway(capacity: number): Promise<StartedProcess>;
  stop(): Promise<void>;
}

const SUBGRAPH_PORTS = { user: 1, monitor: 2, chat: 3 } as const;

export async function startCityStack(options: { portBase?: number; heapSnapshotDir?: string; cpuProfileDir?: string; gatewayEntry?: string; gatewayHeapMb?: number } = {}): Promise<CityStack> {
  const { admin, databaseUrl, redisUrl, redisPrefix, env: placeEnv } = benchPlace();
  const env: Record<string, string> = {
    ...placeEnv,
    // Not what this measures: a member here sends many messages a minute, an alert sender hundreds.
    CHAT_MEMBER_RATE_LIMIT: '10000',
    CHAT_CONVERSATION_RATE_LIMIT: '10000',
    WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '20',
    // The members share the machine with the gateway: under load their connection_init can be late.
    WS_CONNECTION_INIT_TIMEOUT_MS: '60000',
  };
  const port = (offset: number) => String(options.portBase ? options.portBase + offset : 0);
  const processes: StartedProcess[] = [];
  const stop = async () => {
    await Promise.all([...processes].reverse().map((p) => p.stop()));
    await dropBenchData(admin, databaseUrl, redisUrl, redisPrefix).catch(() => undefined);
  };
  const profiled = (dir: string | undefined, flags: (dir: string) => string[]) => (dir ? flags(dir) : []);
  try {
    await ensureDatabase(databaseUrl);
    for (const service of listServices()) await deployMigrations({ databaseUrl, service, log: () => undefined });
    const urls: Record<string, string> = {};
    const start = async (service: keyof typeof SUBGRAPH_PORTS) => {
      const upper = service.toUpperCase();
      const started = await startProcess(service, `subgraphs/${service}/src/index.ts`, {
        ...ownerUrls(service, urls),
        ...env,
        [`${upper}_PORT`]: port(SUBGRAPH_PORTS[service]),
        [`${upper}_OPS_PORT`]: port(100 + SUBGRAPH_PORTS[service]),
      }, { timeoutMs: 300_000, nodeArgs: service === 'monitor' || service === 'chat' ? profiled(options.cpuProfileDir, (d) => ['--cpu-prof', `--cpu-prof-dir=${d}`]) : [] });
      processes.push(started);
      urls[service] = `http://127.0.0.1:${started.port}/graphql`;
      return started;
    };
    // user first: chat and monitor are told where the owners they read from listen.
    const user = await start('user');
    const [monitor, chat] = await Promise.all([start('monitor'), start('chat')]);
    let gateways = 0;
    // Another gateway's code (a snapshot of an older tree) bundled like the processes are, for before/after runs.
    const gatewayEntry = options.gatewayEntry && !options.gatewayEntry.endsWith('.mjs') ? await bundleEntry(options.gatewayEntry, 'bench/out/city-gateway.mjs').then(() => 'bench/out/city-gateway.mjs') : options.gatewayEntry;
    const startGateway = async (capacity: number) => {
      const offset = 10 + gateways++;
      const nodeArgs = [
        ...(options.gatewayHeapMb ? [`--max-old-space-size=${options.gatewayHeapMb}`] : []),
        ...profiled(options.heapSnapshotDir, (d) => ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${d}`]),
        ...profiled(options.cpuProfileDir, (d) => ['--cpu-prof', `--cpu-prof-dir=${d}`]),
      ];
      const gateway = await startProcess('gateway', gatewayEntry ?? 'gateway/src/index.ts', {
        ...env,
        GATEWAY_PORT: port(offset),
        GATEWAY_OPS_PORT: port(100 + offset),
        SUBGRAPH_URLS: JSON.stringify(urls),
        // Set explicitly: the default (5,000) is below what one city gateway holds here.
        WS_SUBSCRIPTION_CAPACITY: String(capacity),
      }, { timeoutMs: 300_000, nodeArgs });
      processes.push(gateway);
      return gateway;
    };
    return { env, databaseUrl, redisUrl, redisPrefix, user, monitor, chat, startGateway, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
