// `npm start`: checks PostgreSQL and Redis, prepares the database and generated code, then runs
// every service as a child process with prefixed logs until Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { baseEnvShape, parseEnv } from '../packages/platform/src/env.ts';
import { SUBGRAPHS } from '../packages/contracts/src/services.ts';
import { root, processSpecs, type ProcessSpec } from './lib/processes.ts';
import { checkDependencies } from './lib/dependencies.ts';
import { prepare } from './lib/prepare.ts';
import { builtEntryOf } from './lib/server-build-paths.ts';

const env = parseEnv(z.object(baseEnvShape), process.env, 'npm start');

const COLORS = [36, 35, 33, 32, 34, 31, 96, 95, 93];
const children = new Map<string, ChildProcess>();
let stopping = false;

/** Outside production with the default sandbox provider, the sandbox runs beside the services. */
function startedSpecs(): ProcessSpec[] {
  const development = env.NODE_ENV !== 'production' && (process.env.PAYMENT_PROVIDER ?? 'sandbox') === 'sandbox';
  return processSpecs({ development });
}

function portOf(spec: ProcessSpec): number | undefined {
  if (spec.port === undefined) return undefined;
  const override = process.env[`${spec.name.toUpperCase().replace(/-/g, '_')}_PORT`];
  return override ? Number(override) : spec.port;
}

/**
 * Browsers reach the services' own routes (OIDC, ID card and file links) only through the
 * gateway's signed pass-through, so the links the services sign point there unless set. A
 * subgraph moved to another port (`USER_PORT=…`) is where the gateway looks for it, unless
 * SUBGRAPH_URLS says otherwise.
 */
function childEnv(): NodeJS.ProcessEnv {
  const specs = startedSpecs();
  const gateway = `http://localhost:${portOf(specs.find((s) => s.name === 'gateway')!) ?? 4000}`;
  const moved = specs.filter((s) => SUBGRAPHS.some(({ name }) => name === s.name) && s.port !== undefined && portOf(s) !== s.port);
  const subgraphUrls = moved.length ? { SUBGRAPH_URLS: JSON.stringify(Object.fromEntries(moved.map((s) => [s.name, `http://127.0.0.1:${portOf(s)}/graphql`]))) } : {};
  const sandbox = specs.find((s) => s.name === 'payment-sandbox');
  const provider = sandbox ? { PAYMENT_PROVIDER_URL: `http://127.0.0.1:${portOf(sandbox)}` } : {};
  return {
    USER_PUBLIC_URL: gateway,
    TRANSACTION_PUBLIC_URL: `${gateway}/transaction`,
    REPORT_PUBLIC_URL: `${gateway}/report`,
    PAYMENT_PUBLIC_URL: gateway,
    GUARDIAN_APPROVAL_URL: `${gateway}/guardian-approval`,
    PAYMENT_APP_RETURN_URL: `${gateway}/payments/done`,
    ...provider,
    ...subgraphUrls,
    ...ownerUrls(specs),
    ...process.env,
  };
}

/**
 * Where the services that read from an owner (signed /internal/ reads: transaction → user for
 * protection when a trade starts, report → user and transaction and chat → transaction before
 * NOT_FOUND) find it: the owner's port, moved or not.
 */
function ownerUrls(specs: ProcessSpec[]): Record<string, string> {
  const urlOf = (name: string) => {
    const spec = specs.find((s) => s.name === name);
    return spec && portOf(spec) !== undefined ? `http://127.0.0.1:${portOf(spec)}/graphql` : undefined;
  };
  const reads: Array<[string, string]> = [['TRANSACTION_USER_SUBGRAPH_URL', 'user'], ['REPORT_USER_SUBGRAPH_URL', 'user'], ['REPORT_TRANSACTION_SUBGRAPH_URL', 'transaction'], ['CHAT_TRANSACTION_SUBGRAPH_URL', 'transaction'], ['PAYMENT_USER_SUBGRAPH_URL', 'user']];
  return Object.fromEntries(reads.flatMap(([name, owner]) => (urlOf(owner) ? [[name, urlOf(owner)!]] : [])));
}

function run(spec: ProcessSpec, index: number): ChildProcess {
  const prefix = `\x1b[${COLORS[index % COLORS.length]}m${spec.name.padEnd(18)}\x1b[0m|`;
  // The bundles production runs (prepare() has just built them); outside production, stack
  // traces point at the TypeScript sources.
  const sourceMaps = env.NODE_ENV === 'production' ? [] : ['--enable-source-maps'];
  const child = spawn(process.execPath, [...sourceMaps, builtEntryOf(spec.entry)], {
    cwd: root,
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => console.log(`${prefix} ${line}`));
  }
  child.on('exit', (code, signal) => {
    children.delete(spec.name);
    if (!stopping) {
      console.error(`${prefix} exited (${signal ?? code}); stopping everything`);
      void stopAll(1);
    }
  });
  return child;
}

// Generous: seven processes starting at once on a busy 2-core machine; one that crashes stops
// everything at once anyway, so the deadline only matters for one that hangs.
async function waitReady(name: string, port: number, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) return;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} was not ready on port ${port} within ${timeoutMs / 1000} s`);
}

async function stopAll(code: number): Promise<never> {
  stopping = true;
  const exits = [...children.values()].map(
    (child) => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }),
  );
  await Promise.all(exits);
  process.exit(code);
}

async function main() {
  await checkDependencies(env);
  await prepare(env, (line) => console.log(line));
  const specs = startedSpecs();
  specs.forEach((spec, i) => children.set(spec.name, run(spec, i)));
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  await Promise.all(specs.flatMap((spec) => {
    const port = portOf(spec);
    return port === undefined ? [] : [waitReady(spec.name, port)];
  }));
  const gatewayPort = portOf(specs.find((s) => s.name === 'gateway')!)!;
  console.log(`
  Anshim is running.
    GraphQL endpoint : http://localhost:${gatewayPort}/graphql   (graphql-ws on the same path)
    Explorer         : http://localhost:${gatewayPort}/graphql   (open it in a browser; also /explorer)
    Moderator console: http://localhost:${gatewayPort}/admin     (ADMIN accounts; docs/admin-console.md)
    Dev messages     : http://127.0.0.1:${process.env.USER_OPS_PORT ?? 9101}/dev/messages?to=<email or phone>   (user service operations port)
  Press Ctrl-C to stop.
`);
}

main().catch((error: Error) => {
  console.error(`npm start: ${error.message}`);
  void stopAll(1);
});
