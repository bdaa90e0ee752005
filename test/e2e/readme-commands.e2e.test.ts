// README's commands as a newcomer runs them, with default settings: the "Demo data" lines, read out
// of README and run by bash — `npm start` (on a database, a Redis prefix and free ports of its own;
// no limit changed, NODE_ENV left to its default), then `npm run seed` at full scale, then again
// (it creates nothing); the "Try it" curl commands, also run by bash; every GraphQL example in
// README and docs/ validated against the running schema, and the read-only ones without placeholders
// run. That the npm scripts, benchmarks, files and links they name exist is checked without a stack
// by scripts/test/doc-links.test.ts.
// Finally a client without the seed's development allowance still meets the default limits.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { buildClientSchema, getIntrospectionQuery, parse, validate, type IntrospectionQuery } from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEV_ALLOWANCE_HEADER, readDevAllowanceKey } from '../../packages/platform/src/dev-allowance.ts';
import { root } from '../../scripts/lib/processes.ts';
import { freePortBelowEphemeral } from '../support/free-port.ts';
import { ensureServerBuild } from '../support/processes.ts';
import { codeBlocks, graphqlExamples, shellCommands } from '../support/readme.ts';
import { graphql } from '../support/stack.ts';
import '../support/provided-context.ts';

const PROCESSES_WITH_PORTS = ['GATEWAY', 'USER', 'TRANSACTION', 'SAFETY', 'REPORT', 'MONITOR'];
/** Nothing the parent happens to have set may change a default: limits, environment, ports, seed options. */
const NOT_INHERITED = /^(NODE_ENV|RATE_LIMIT|REGISTER_PER_DOMAIN|LOGIN_BACKOFF|WS_MAX_|SEED_|BOOTSTRAP_ADMIN_|SUBGRAPH_URLS|GATEWAY_URL|DATABASE_URL|REDIS_PREFIX|.*_PORT$)/;

const [startCommand, seedCommand] = shellCommands(codeBlocks('bash', 'Demo data')[0]!);
const adminEmail = /BOOTSTRAP_ADMIN_EMAIL=(\S+)/.exec(startCommand ?? '')?.[1];
const adminPassword = /BOOTSTRAP_ADMIN_PASSWORD='([^']+)'/.exec(startCommand ?? '')?.[1];

const suffix = randomBytes(3).toString('hex');
let databaseName: string | undefined;
const ports: Record<string, number> = {};
let env: NodeJS.ProcessEnv;
let system: ChildProcess | undefined;
const systemLog: string[] = [];

// 127.0.0.1, where the processes listen: a free port there may be taken on ::1, where `localhost` goes first.
const gatewayUrl = () => `http://127.0.0.1:${ports.GATEWAY_PORT}/graphql`;
const userOperationsUrl = () => `http://127.0.0.1:${ports.USER_OPS_PORT}`;
/** README's commands aimed at this system's ports instead of the defaults (4000, 9101). */
const onOurPorts = (command: string) =>
  command.replaceAll('localhost:4000', `127.0.0.1:${ports.GATEWAY_PORT}`).replaceAll('127.0.0.1:9101', `127.0.0.1:${ports.USER_OPS_PORT}`);

/** Runs one command with bash in its own process group (npm starts node starts more), collecting its output. */
function bash(command: string, extraEnv: NodeJS.ProcessEnv = {}, onLine?: (line: string) => void): { child: ChildProcess; done: Promise<{ code: number | null; output: string }> } {
  const child = spawn('bash', ['-c', command], { cwd: root, env: { ...env, ...extraEnv }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      output += `${line}\n`;
      onLine?.(line);
    });
  }
  // 'close': the process ended and its output was read to the end.
  const done = new Promise<{ code: number | null; output: string }>((resolve) => child.once('close', (code) => resolve({ code, output })));
  return { child, done };
}

async function run(command: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<string> {
  const { code, output } = await bash(command, extraEnv).done;
  if (code !== 0) throw new Error(`\`${command}\` exited with ${code}:\n${output.slice(-4_000)}`);
  return output;
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, 'SIGTERM');
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

async function login(email: string, password: string): Promise<{ token: string; id: string }> {
  const answer = await graphql<{ login: { accessToken: string; user: { id: string } } }>(
    gatewayUrl(),
    'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken user { id } } }',
    { e: email, p: password },
  );
  expect(answer.body.errors).toBeUndefined();
  return { token: answer.body.data!.login.accessToken, id: answer.body.data!.login.user.id };
}

beforeAll(async () => {
  expect(startCommand).toMatch(/npm start/);
  expect(seedCommand).toMatch(/npm run seed/);
  expect(adminEmail && adminPassword).toBeTruthy();
  // The bundles npm start runs; under `npm test` they are fresh already and npm start leaves them
  // (and the generated code) alone while other tests run from them (scripts/lib/prepare.ts).
  await ensureServerBuild();
  for (const name of PROCESSES_WITH_PORTS) {
    ports[`${name}_PORT`] = await freePortBelowEphemeral();
    ports[`${name}_OPS_PORT`] = await freePortBelowEphemeral();
  }
  const database = new URL(inject('databaseUrl'));
  databaseName = `${database.pathname.slice(1)}_readme_${suffix}`;
  database.pathname = `/${databaseName}`;
  env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !NOT_INHERITED.test(name))),
    DATABASE_URL: database.toString(),
    REDIS_URL: inject('redisUrl'),
    REDIS_PREFIX: `${inject('redisPrefix')}_readme_${suffix}`,
    ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
  };
  let running = false;
  const started = bash(startCommand!, {}, (line) => {
    running ||= line.includes('Anshim is running.');
    systemLog.push(line);
    if (systemLog.length > 2_000) systemLog.shift();
  });
  system = started.child;
  // npm start migrates a new database, then starts seven processes on a busy machine.
  const deadline = Date.now() + 600_000;
  // "running" means every port answered /readyz; the gateway's own line says it was ours that answered.
  const gatewayListening = (line: string) => line.includes('"msg":"listening"') && line.includes(`"port":${ports.GATEWAY_PORT},`);
  while (!running || !systemLog.some(gatewayListening)) {
    if (system.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not come up:\n${systemLog.slice(-60).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}, 660_000);

afterAll(async () => {
  if (system) await stopGroup(system);
  // What npm start printed (the newest 2,000 lines), for when something here fails.
  mkdirSync(resolve(root, 'test-artifacts'), { recursive: true });
  writeFileSync(resolve(root, 'test-artifacts/readme-commands-npm-start.log'), `${systemLog.join('\n')}\n`);
  if (!databaseName) return;
  const admin = new URL(inject('databaseUrl'));
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
  await client.end();
}, 120_000);

describe('README, run as written with default settings', () => {
  // Where the seed finds this system: the documented seed options, not limits.
  const seedEnv = () => ({ GATEWAY_URL: gatewayUrl(), SEED_USER_SERVICE_URL: userOperationsUrl() });

  it('npm run seed fills the marketplace at full scale under the default limits; a second run creates nothing', async () => {
    const first = await run(seedCommand!, seedEnv());
    expect(first).toMatch(/sending the development allowance past the rate limits/);
    expect(first).toMatch(/Demo marketplace ready in/);
    expect(first).toMatch(/members {3}200:/);
    expect(first).toMatch(/products {2}1000:/);
    expect(first).not.toMatch(/RATE_LIMITED/);

    // The marketplace is there: the very safe seller the seed names signs in with the documented
    // password and sees the listings; the zones are public.
    const example = /(demo\d{3}@demo\.anshim\.kr) .*very safe seller/.exec(first)?.[1];
    expect(example, first.slice(-2_000)).toBeDefined();
    const member = await login(example!, 'anshim-demo-2026');
    const listed = await graphql<{ products: { totalCount: number } }>(gatewayUrl(), '{ products(first: 5) { totalCount } }', {}, { authorization: `Bearer ${member.token}` });
    expect(listed.body.errors).toBeUndefined();
    expect(listed.body.data!.products.totalCount).toBeGreaterThan(100);
    const zones = await graphql<{ safeTradeZones: unknown[] }>(gatewayUrl(), '{ safeTradeZones(region: "부산 해운대구", first: 50) { id } }');
    expect(zones.body.data!.safeTradeZones.length).toBeGreaterThanOrEqual(4);

    const second = await run(seedCommand!, seedEnv());
    expect(second).toMatch(/already complete: nothing created/);
  }, 2_400_000);

  it('the "Try it" commands: register, read the email code from the dev sink, confirm it, ask who you are', async () => {
    const commands = shellCommands(codeBlocks('bash', 'Try it')[0]!);
    const values: Record<string, string> = {};
    const answers: string[] = [];
    for (const command of commands) {
      // `TOKEN=...` and `CHALLENGE=...; CODE=...` are the reader's copy and paste from the answers above.
      if (/^[A-Z_]+=\.\.\./.test(command)) {
        for (const name of command.match(/\b[A-Z_]+(?==\.\.\.)/g) ?? []) {
          if (name === 'TOKEN') values.TOKEN = (JSON.parse(answers[0]!) as { data: { register: { accessToken: string } } }).data.register.accessToken;
          else if (name === 'CHALLENGE') values.CHALLENGE = (JSON.parse(answers[1]!) as { data: { requestVerification: { id: string } } }).data.requestVerification.id;
          else if (name === 'CODE') values.CODE = /\b(\d{6})\b/.exec(answers[2]!)![1]!;
          else throw new Error(`README's Try it asks for ${name}, which this test does not know how to fill in`);
        }
        continue;
      }
      answers.push(await run(onOurPorts(command), values));
    }
    expect(answers).toHaveLength(5);
    for (const answer of [answers[0], answers[1], answers[3], answers[4]]) expect(JSON.parse(answer!)).not.toHaveProperty('errors');
    const me = (JSON.parse(answers[4]!) as { data: { me: { nickname: string; verifications: Array<{ method: string }> } } }).data.me;
    expect(me.nickname).toBe('민아');
    expect(me.verifications.map((v) => v.method)).toEqual(['EMAIL']);
  }, 120_000);

  it('every GraphQL example in README and docs/ is valid against the running schema; the read-only ones without placeholders answer without errors', async () => {
    const introspection = await graphql<IntrospectionQuery>(gatewayUrl(), getIntrospectionQuery());
    const schema = buildClientSchema(introspection.body.data!);
    const examples = graphqlExamples();
    expect(examples.length).toBeGreaterThan(20);
    for (const example of examples) expect(validate(schema, parse(example)).map((e) => e.message), example).toEqual([]);

    const admin = await login(adminEmail!, adminPassword!);
    // Anonymous queries print as `{ … }`; `"…"` and `"<id>"` are the reader's to fill in.
    const runnable = examples.filter((example) => example.startsWith('{') && !/"(…|<[^"]*>)"/.test(example));
    expect(runnable.length).toBeGreaterThanOrEqual(8);
    for (const query of runnable) {
      const answer = await graphql(gatewayUrl(), query, {}, { authorization: `Bearer ${admin.token}` });
      expect(answer.body.errors, query).toBeUndefined();
    }
  }, 120_000);

  it('a client without the development allowance, or with a wrong one, still meets the default sign-up limit', async () => {
    const signUp = (headers: Record<string, string>) =>
      graphql(gatewayUrl(), 'mutation { register(input: { email: "not-an-email", password: "a long passphrase", nickname: "x" }) { accessToken } }', {}, headers);
    const codes: Array<string | undefined> = [];
    let refused: Awaited<ReturnType<typeof signUp>> | undefined;
    for (let attempt = 0; attempt < 12 && !refused; attempt += 1) {
      const answer = await signUp(attempt % 2 ? { [DEV_ALLOWANCE_HEADER]: 'not-the-key-0123456789abcdef0123456789' } : {});
      codes.push(answer.body.errors?.[0]?.extensions?.code as string | undefined);
      if (answer.status === 429) refused = answer;
    }
    expect(refused, codes.join(', ')).toBeDefined();
    expect(refused!.body.errors![0]!.extensions!.code).toBe('RATE_LIMITED');
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0);

    // The key of this checkout (what the seed sends) passes; the request is then judged on its input.
    const key = readDevAllowanceKey();
    expect(key).not.toBeNull();
    const allowed = await signUp({ [DEV_ALLOWANCE_HEADER]: key! });
    expect(allowed.status).not.toBe(429);
    expect(allowed.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  }, 60_000);
});
