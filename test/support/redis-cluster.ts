// A real three-node Redis Cluster for tests (redis-server in cluster mode, no replicas), on free
// ports in a temporary folder, so the event bus is proven on a cluster as well as on one Redis.
// `REDIS_CLUSTER_TEST=1` turns it on (scripts/test.ts sets it when redis-server is installed).
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePortBelowEphemeral } from './free-port.ts';
import { waitFor } from './wait-for.ts';

const run = promisify(execFile);

export interface RedisCluster {
  /** `redis+cluster://127.0.0.1:a,127.0.0.1:b,127.0.0.1:c`, as REDIS_URL takes it. */
  url: string;
  ports: number[];
  stop(): Promise<void>;
}

/** Starts three masters, assigns them the 16,384 slots and waits until every node says `cluster_state:ok`. */
export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'anshim-redis-cluster-'));
  const nodes: Array<{ port: number; child: ChildProcess }> = [];
  const stop = async () => {
    await Promise.all(
      nodes.map(({ child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return undefined;
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGKILL');
        return exited;
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < 3; i += 1) {
      // Both the client port and the cluster bus port (Redis 7's cluster-port) are chosen, so
      // neither lands on a port another test holds (the default bus port is port + 10000).
      const [port, busPort] = [await freePortBelowEphemeral(), await freePortBelowEphemeral()];
      const child = spawn(
        'redis-server',
        ['--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1', '--cluster-enabled', 'yes',
          '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '5000', '--dir', dir,
          '--save', '', '--appendonly', 'no', '--logfile', join(dir, `redis-${port}.log`)],
        { stdio: 'ignore' },
      );
      nodes.push({ port, child });
    }
    const ports = nodes.map((node) => node.port);
    await Promise.all(ports.map((port) => waitFor(`redis-server on ${port}`, () => ping(port), { timeoutMs: 15_000, intervalMs: 50 })));
    await run('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes']);
    await Promise.all(ports.map((port) => waitFor(`cluster_state:ok on ${port}`, () => clusterOk(port), { timeoutMs: 30_000, intervalMs: 100 })));
    return { url: `redis+cluster://${ports.map((port) => `127.0.0.1:${port}`).join(',')}`, ports, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function withNode<T>(port: number, fn: (redis: Redis) => Promise<T>): Promise<T | undefined> {
  const redis = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined); // a node not listening yet: the probe answers undefined
  try {
    await redis.connect();
    return await fn(redis);
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

const ping = (port: number) => withNode(port, async (redis) => (await redis.ping()) === 'PONG');
/** Every slot assigned and this node knows all three masters. */
const clusterOk = (port: number) =>
  withNode(port, async (redis) => {
    const info = String(await redis.call('CLUSTER', 'INFO'));
    return info.includes('cluster_state:ok') && info.includes('cluster_known_nodes:3');
  });

/** Where a suite's Redis lives: one server (always), and a fresh three-node cluster with REDIS_CLUSTER_TEST=1. */
export interface RedisTarget {
  name: string;
  /** Resolves to the REDIS_URL of the target (starting the cluster when it is one). */
  start(): Promise<string>;
  stop(): Promise<void>;
  cluster: boolean;
}

export function redisTargets(singleUrl: string): RedisTarget[] {
  const single: RedisTarget = { name: 'one Redis', cluster: false, start: async () => singleUrl, stop: async () => undefined };
  if (process.env.REDIS_CLUSTER_TEST !== '1') return [single];
  let cluster: RedisCluster | undefined;
  return [
    single,
    {
      name: 'a three-node Redis Cluster',
      cluster: true,
      start: async () => (cluster = await startRedisCluster()).url,
      stop: async () => cluster?.stop(),
    },
  ];
}
