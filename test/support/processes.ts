import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { buildServers } from '../../scripts/lib/server-build.ts';
import { builtEntryOf } from '../../scripts/lib/server-build-paths.ts';
import { SUBGRAPHS } from '@anshim/contracts';

const root = resolve(import.meta.dirname, '../..');

let serverBuild: Promise<void> | undefined;
/**
 * Processes run from their bundles, as in production. They are rebuilt once per test or bench
 * process (under a second), so an edited source is never tested stale; `npm test` builds before
 * vitest starts and says so with ANSHIM_SERVER_BUILD=fresh, which child processes inherit.
 */
export function ensureServerBuild(): Promise<void> {
  if (process.env.ANSHIM_SERVER_BUILD === 'fresh') return Promise.resolve();
  serverBuild ??= buildServers().then(() => {
    process.env.ANSHIM_SERVER_BUILD = 'fresh';
  });
  return serverBuild;
}

export interface StartedProcess {
  name: string;
  child: ChildProcess;
  /** The port the process reported in its `listening` log line (absent for workers). */
  port?: number;
  /** The operations port's origin (/metrics, detailed /readyz, /dev/messages) from the same line. */
  operationsUrl?: string;
  logs: string[];
  /** Signals the process's group (it and anything it spawned); SIGKILL after 10 s; resolves with its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Each process' last warnings and errors (and any line that is not JSON, such as a crash's stack), for a
 * test's failure message: a wait that timed out on a busy CI machine then says what the services saw.
 */
export function recentWarnings(processes: Iterable<StartedProcess>, lines = 15): string {
  const notable = (line: string) => !line.startsWith('{') || /"level":(40|50|60)/.test(line);
  return [...processes].map((p) => `--- ${p.name}\n${p.logs.filter(notable).slice(-lines).map((line) => line.slice(0, 400)).join('\n')}`).join('\n');
}

// Every child runs in its own process group (spawned detached), so a stop reaches whatever it
// spawned in turn, and the group of a child that has not stopped yet is killed when this process
// exits or is interrupted: a test whose hook timed out, a run stopped with Ctrl-C (the children are
// no longer in the terminal's group, so the terminal's SIGINT no longer reaches them by itself).
const live = new Set<ChildProcess>();

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

function killEveryLiveGroup(): void {
  for (const child of live) signalGroup(child, 'SIGKILL');
}

let guarded = false;
function guardAgainstOrphans(): void {
  if (guarded) return;
  guarded = true;
  process.once('exit', killEveryLiveGroup);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      // A program with its own handler stops its processes itself (and then exits, which kills the rest).
      if (process.listenerCount(signal) > 1) return;
      killEveryLiveGroup();
      // Then end as the signal would have without this handler.
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/**
 * Starts a process entry (`subgraphs/user/src/index.ts`) from its bundle with plain `node` (or from
 * source with `fromSource`), or a given `.mjs` bundle as it is, and resolves once it logs `{"msg":"listening","port":N}` (or
 * `{"msg":"ready"}` for workers). When it exits first, does not get ready within `timeoutMs` or
 * `signal` aborts the start, its whole process group is killed and awaited before the promise
 * rejects (with its logs): a failed start leaves nothing running.
 */
export async function startProcess(
  name: string,
  entry: string,
  env: Record<string, string>,
  options: {
    timeoutMs?: number;
    readyMessage?: string;
    /** Extra node flags, e.g. --cpu-prof (not allowed in NODE_OPTIONS). */
    nodeArgs?: string[];
    /** Run the TypeScript entry with `node --import tsx` instead of its bundle (benchmarks compare the two). */
    fromSource?: boolean;
    /** Abandons the start (a sibling of a stack failed): the process is killed and the promise rejects. */
    signal?: AbortSignal;
  } = {},
): Promise<StartedProcess> {
  const asGiven = entry.endsWith('.mjs') || options.fromSource;
  if (!asGiven) await ensureServerBuild();
  if (options.signal?.aborted) throw new Error(`${name} was not started: the start was abandoned`);
  const script = asGiven ? entry : builtEntryOf(entry);
  const loader = options.fromSource ? ['--import', 'tsx'] : [];
  guardAgainstOrphans();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...loader, script], {
    cwd: root,
    detached: true,
    // RATE_LIMITS off: suites and benches sign up many users from 127.0.0.1 in seconds; the
    // limits' own e2e test (limits.e2e.test.ts) turns them on with small windows. Likewise the
    // user service's per-domain sign-up ration and per-email sign-in back-off, and the gateway's
    // graphql-ws connection caps (the fan-out bench opens thousands of sockets from 127.0.0.1 with
    // one token); sessions.e2e.test.ts and connection-limits.integration.test.ts set them small.
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      RATE_LIMITS: 'false',
      REGISTER_PER_DOMAIN_MAX: '1000000',
      LOGIN_BACKOFF_FREE_ATTEMPTS: '100',
      WS_MAX_CONNECTIONS_PER_ADDRESS: '1000000',
      WS_MAX_CONNECTIONS_PER_MEMBER: '1000000',
      // Every process's operations port on a free port, so stacks and benches that run two gateways
      // (or a developer's `npm start` on the defaults) never collide; the port is read from the log.
      ...Object.fromEntries(['GATEWAY', ...SUBGRAPHS.map(({ name }) => name.toUpperCase())].map((name) => [`${name}_OPS_PORT`, '0'])),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const logs: string[] = [];
  const exited = new Promise<number | null>((done) =>
    child.once('exit', (code) => {
      live.delete(child);
      // Whatever it spawned and left behind goes with it.
      signalGroup(child, 'SIGKILL');
      done(code);
    }),
  );
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    signalGroup(child, signal);
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return new Promise<StartedProcess>((resolveStart, rejectStart) => {
    const readyMessage = options.readyMessage ?? 'listening';
    const timeoutMs = options.timeoutMs ?? 30_000;
    let settled = false;
    const fail = async (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      await stop('SIGKILL');
      rejectStart(new Error(`${name} ${why}:\n${logs.slice(-30).join('\n')}`));
    };
    const timer = setTimeout(() => void fail(`did not start within ${timeoutMs} ms`), timeoutMs);
    const onAbort = () => void fail('was stopped before it was ready: the start was abandoned');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const onLine = (line: string) => {
      logs.push(line);
      if (logs.length > 2_000) logs.shift();
      if (settled) return;
      let parsed: { msg?: string; port?: number; operationsUrl?: string } | undefined;
      try {
        parsed = JSON.parse(line) as { msg?: string; port?: number; operationsUrl?: string };
      } catch {
        return;
      }
      if (parsed.msg === readyMessage) {
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        resolveStart({ name, child, port: parsed.port, operationsUrl: parsed.operationsUrl, logs, stop });
      }
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    void exited.then((code) => fail(`exited with ${code} before it was ready`));
  });
}
