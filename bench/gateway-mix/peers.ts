// The peer gateways of gateway-mix, each a real process on the same running subgraphs and the
// same committed supergraph: Hive Gateway (JavaScript runtime), Hive Gateway with Hive Router's
// Rust query planner (@graphql-hive/router-runtime) and stock @apollo/gateway on Apollo Server.
// All of them are installed only in bench/peer-gateway (its own package.json and lock, `npm ci`
// there on first use) and sign subgraph requests as our subgraphs require
// (bench/peer-gateway/peer-identity.ts, hive.config.ts, apollo-peer.ts).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForGraphQL } from '../support/bench-stack.ts';
import { freePort } from '../../test/support/free-port.ts';

/** `anshim-nocache`, `anshim-nomerge`, `anshim-merge`: our gateway again with one setting changed (bench/gateway-mix.ts; not in the default list). */
export type PeerName = 'anshim' | 'anshim-nocache' | 'anshim-nomerge' | 'anshim-merge' | 'hive' | 'hive-rust' | 'apollo';

export interface Peer {
  name: PeerName;
  label: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const peerDir = join(root, 'bench/peer-gateway');
const required = ['@graphql-hive/gateway', '@graphql-hive/router-runtime', '@apollo/gateway', '@apollo/server'];

function versionOf(name: string): string {
  return (JSON.parse(readFileSync(join(peerDir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Installs the peers from bench/peer-gateway's lock on first use (never into the project). */
export function ensurePeersInstalled(): void {
  if (required.every((name) => existsSync(join(peerDir, 'node_modules', name, 'package.json')))) return;
  console.log('installing the peer gateways into bench/peer-gateway (first run only; minutes on a slow registry)…');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: peerDir, stdio: 'inherit' });
  const missing = required.filter((name) => !existsSync(join(peerDir, 'node_modules', name, 'package.json')));
  if (result.status !== 0 || missing.length) throw new Error(`could not install ${missing.join(', ') || 'the peers'} into bench/peer-gateway`);
}

/** The committed supergraph with each subgraph's URL pointed at this run's processes. */
export function supergraphFor(urls: Record<string, string>): string {
  let sdl = readFileSync(join(root, 'gateway/supergraph.graphql'), 'utf8');
  for (const [name, url] of Object.entries(urls)) {
    sdl = sdl.replace(new RegExp(`(@join__graph\\(name: "${name}", url: ")[^"]*(")`), `$1${url}$2`);
  }
  return sdl;
}

interface PeerEnv {
  subgraphUrls: Record<string, string>;
  internalSecret: string;
  jwtSecret: string;
}

async function startPeerProcess(name: PeerName, label: string, args: (file: string, port: number) => string[], env: PeerEnv, extraEnv: Record<string, string>): Promise<Peer> {
  const file = join(tmpdir(), `anshim-gateway-mix-${name}-${process.pid}.graphql`);
  writeFileSync(file, supergraphFor(env.subgraphUrls));
  const port = await freePort();
  const output: string[] = [];
  // tsx: the signing code is TypeScript shared with packages/platform. cwd = the project, so tsx resolves.
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', ...args(file, port)], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      INTERNAL_SECRET: env.internalSecret,
      JWT_SECRET: env.jwtSecret,
      ANSHIM_PEER_SUBGRAPHS: JSON.stringify(env.subgraphUrls),
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 50) output.shift();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((done) => setTimeout(done, 5_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
  };
  const url = `http://127.0.0.1:${port}/graphql`;
  try {
    await Promise.race([
      waitForGraphQL(url, 120_000),
      exited.then(() => {
        throw new Error(`exited before answering`);
      }),
    ]);
  } catch (error) {
    await stop();
    throw new Error(`${label} did not start: ${(error as Error).message}\n${output.join('').slice(-3000)}`);
  }
  return { name, label, url, pid: child.pid!, stop };
}

export function hiveLabel(rust: boolean): string {
  return rust ? `Hive GW ${versionOf('@graphql-hive/gateway')} + Rust QP ${versionOf('@graphql-hive/router-runtime')}` : `Hive Gateway ${versionOf('@graphql-hive/gateway')}`;
}

/** Hive Gateway's CLI, as `hive-gateway supergraph <file>` runs it, with the signing config. */
export function startHive(env: PeerEnv, options: { rust: boolean }): Promise<Peer> {
  const bin = join(peerDir, 'node_modules/@graphql-hive/gateway/dist/bin.js');
  const config = resolve(peerDir, 'hive.config.ts');
  return startPeerProcess(
    options.rust ? 'hive-rust' : 'hive',
    hiveLabel(options.rust),
    (file, port) => [bin, 'supergraph', file, '--config-path', config, '--port', String(port), '--host', '127.0.0.1', '--disable-websockets'],
    env,
    { ANSHIM_PEER_ROUTER_RUNTIME: String(options.rust) },
  );
}

/** Stock @apollo/gateway on Apollo Server (bench/peer-gateway/apollo-peer.ts). */
export function startApollo(env: PeerEnv): Promise<Peer> {
  const label = `Apollo GW ${versionOf('@apollo/gateway')} + Server ${versionOf('@apollo/server')}`;
  return startPeerProcess('apollo', label, (file) => [join(peerDir, 'apollo-peer.ts'), file], env, {});
}
