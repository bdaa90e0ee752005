// deploy/ cannot run here (no container engine), so it is checked against the code: the env
// schemas, the ports, the probes and the process list. Broken copies prove the checks bite, and
// the image's entrypoint (scripts/run.ts, bundled) runs for real.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { baseEnvSchema } from '../../packages/platform/src/env.ts';
import { processSpecs, root } from '../../scripts/lib/processes.ts';
import { PROCESS_NAMES } from '../../scripts/lib/env-catalogue.ts';
import { runTargets } from '../../scripts/lib/run-targets.ts';
import { ensureServerBuild } from '../support/processes.ts';
import { DEPLOYED_GATEWAY_HEAP_MB } from '../../bench/subscription-city.ts';
import { IMAGE_ENTRYPOINT, checkCompose, checkDockerfile, checkKubernetes, interpolate } from './deploy-check.ts';

const deployDir = join(root, 'deploy');
const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

/** A copy of deploy/ with one file edited. */
function brokenCopy(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'anshim-deploy-'));
  copies.push(dir);
  cpSync(deployDir, dir, { recursive: true });
  const path = join(dir, file);
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  expect(after, `the edit of ${file} changed nothing`).not.toBe(before);
  writeFileSync(path, after);
  return dir;
}

describe('the process list', () => {
  it('every process npm start runs, plus migrate, has an env schema and an image command', () => {
    const names = [...processSpecs().map((s) => s.name), 'migrate'].sort();
    expect([...PROCESS_NAMES].sort()).toEqual(names);
    expect(Object.keys(runTargets()).sort()).toEqual(names);
  });
});

describe('deploy/docker-compose.yml', () => {
  it('runs every process with an environment its schema accepts in production, on matching ports', () => {
    expect(checkCompose(join(deployDir, 'docker-compose.yml'))).toEqual([]);
  });

  it('interpolates like compose', () => {
    expect(interpolate('a ${X:-dflt} ${Y} $${Z}')).toBe('a dflt  ${Z}');
    expect(interpolate('${X:-dflt}', { X: 'given' })).toBe('given');
  });

  it('finds a missing secret, a wrong probe port, a loopback bind and a dangling depends_on', () => {
    const dir = brokenCopy('docker-compose.yml', (text) =>
      text
        .replace(/  JWT_SECRET: .*\n/, '')
        .replace('http://127.0.0.1:4003/readyz', 'http://127.0.0.1:4999/readyz')
        .replace('      MONITOR_HOST: 0.0.0.0\n', '')
        .replace('      mailpit:\n        condition: service_started', '      mail:\n        condition: service_started'),
    );
    const problems = checkCompose(join(dir, 'docker-compose.yml'));
    expect(problems).toContain('compose user: JWT_SECRET is not set (production refuses to start)');
    expect(problems).toContain('compose safety: healthcheck http://127.0.0.1:4999/readyz does not match /readyz on port 4003');
    expect(problems).toContain('compose monitor: MONITOR_HOST must be 0.0.0.0 in a container (is unset: 127.0.0.1)');
    expect(problems).toContain('compose user: depends_on mail, which is not a service');
  });

  it('finds a fallback secret and a store published beyond 127.0.0.1', () => {
    const dir = brokenCopy('docker-compose.yml', (text) =>
      text.replace('${JWT_SECRET:?', '${JWT_SECRET:-compose-only-jwt-secret-change-me-000000000001}${X:?').replace('"127.0.0.1:9000:9000"', '"9000:9000"'),
    );
    const problems = checkCompose(join(dir, 'docker-compose.yml'));
    expect(problems).toContain('compose: JWT_SECRET has a fallback value');
    expect(problems).toContain('compose minio: port 9000:9000 is published beyond 127.0.0.1');
  });

  it('finds a setting the schema refuses and a subgraph URL on the wrong port', () => {
    const dir = brokenCopy('docker-compose.yml', (text) =>
      text.replace('      DELIVERY_PROVIDER: smtp\n', '').replace('"report":"http://report:4004/graphql"', '"report":"http://report:4104/graphql"'),
    );
    const problems = checkCompose(join(dir, 'docker-compose.yml'));
    expect(problems).toContain('compose user: DELIVERY_PROVIDER: required in production (smtp)');
    expect(problems).toContain('compose gateway: SUBGRAPH_URLS.report uses port 4104, but report listens on 4004');
  });
});

describe('the gateway heap limit', () => {
  it('is the one the subscription-city bench measures, in compose and in k8s', () => {
    const expected = `--max-old-space-size=${DEPLOYED_GATEWAY_HEAP_MB}`;
    const compose = parse(readFileSync(join(deployDir, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { environment?: Record<string, string> }> };
    expect(compose.services.gateway?.environment?.NODE_OPTIONS).toBe(expected);
    type Container = { name: string; env?: Array<{ name: string; value?: string }> };
    const deployment = parse(readFileSync(join(deployDir, 'k8s', 'gateway.yaml'), 'utf8').split(/^---$/m)[0]!) as { spec: { template: { spec: { containers: Container[] } } } };
    const gateway = deployment.spec.template.spec.containers.find((c) => c.name === 'gateway');
    expect(gateway?.env?.find((e) => e.name === 'NODE_OPTIONS')?.value).toBe(expected);
  });
});

describe('deploy/k8s', () => {
  it('has a Deployment per process with probes on its port, Services, ConfigMap/Secret env, a migrate Job and HPAs', () => {
    expect(checkKubernetes(join(deployDir, 'k8s'))).toEqual([]);
  });

  it('finds a wrong probe path, a missing ConfigMap key, an HPA without target and a Service on the wrong port', () => {
    const dir = brokenCopy('k8s/user.yaml', (text) =>
      text.replace('httpGet: { path: /readyz, port: http }', 'httpGet: { path: /ready, port: http }').replace('targetPort: http', 'targetPort: 4011'),
    );
    const hpa = join(dir, 'k8s/hpa.yaml');
    writeFileSync(hpa, readFileSync(hpa, 'utf8').replace('name: anshim-safety-worker }', 'name: anshim-worker }'));
    const config = join(dir, 'k8s/configmap.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('  STORAGE_DRIVER: s3\n', '  STORAGE_DRIVER: s3\n  S3_ENDPOINT: not a url\n'));
    const problems = checkKubernetes(join(dir, 'k8s'));
    expect(problems).toContain('k8s user.yaml Deployment/anshim-user: readinessProbe is /ready on http, expected /readyz on 4001');
    expect(problems).toContain('k8s Service/user: targetPort 4011 is not 4001');
    expect(problems).toContain('k8s HPA/anshim-safety-worker: targets Deployment/anshim-worker, which does not exist');
    expect(problems).toContain('k8s: no HorizontalPodAutoscaler for safety-worker');
    expect(problems.some((p) => p.startsWith('k8s transaction.yaml Deployment/anshim-transaction: S3_ENDPOINT:'))).toBe(true);
  });

  it('ships secret placeholders that production refuses as they are', () => {
    const secret = parse(readFileSync(join(deployDir, 'k8s/secret.yaml'), 'utf8')) as { stringData: Record<string, string> };
    for (const key of ['INTERNAL_SECRET', 'JWT_SECRET', 'DATA_ENCRYPTION_KEY'] as const) {
      const result = baseEnvSchema.safeParse({ [key]: secret.stringData[key] });
      expect(result.success, key).toBe(false);
    }
    expect(baseEnvSchema.safeParse({ JWT_SECRET: 'REPLACE-ME-with-openssl-rand-hex-32' }).error?.issues[0]?.message).toBe(
      'still the REPLACE-ME placeholder: generate one with `openssl rand -hex 32`',
    );
  });

  it('finds a Deployment that lost its Secret and a port that differs from the probes', () => {
    const dir = brokenCopy('k8s/monitor.yaml', (text) => text.replace('            - secretRef: { name: anshim-secrets }\n', '').replace('value: "4005"', 'value: "4015"'));
    const problems = checkKubernetes(join(dir, 'k8s'));
    expect(problems).toContain('k8s monitor.yaml Deployment/anshim-monitor: INTERNAL_SECRET is not set (production refuses to start)');
    expect(problems).toContain('k8s monitor.yaml Deployment/anshim-monitor: no containerPort 4015');
  });
});

describe('deploy/Dockerfile', () => {
  it('has deps, build and runtime stages and picks the process by command', () => {
    expect(checkDockerfile(join(deployDir, 'Dockerfile'), root)).toEqual([]);
  });

  it('finds a missing stage, a missing workspace manifest and a shell-form entrypoint', () => {
    const dir = brokenCopy('Dockerfile', (text) =>
      text
        .replace('AS build', 'AS builder')
        .replace('COPY subgraphs/report/package.json subgraphs/report/\n', '')
        .replace('RUN npm run generate && npm run compose && npm run build', 'RUN npm run generate && npm run compose')
        .replace('ENTRYPOINT ["node", "scripts/dist/run.mjs"]', 'ENTRYPOINT node scripts/dist/run.mjs'),
    );
    const problems = checkDockerfile(join(dir, 'Dockerfile'), root);
    expect(problems).toContain('Dockerfile: no "build" stage');
    expect(problems).toContain('Dockerfile: the deps stage does not COPY subgraphs/report/package.json (npm ci would miss that workspace)');
    expect(problems).toContain('Dockerfile: the build stage must RUN npm run build (the bundles the entrypoint runs)');
    expect(problems).toContain('Dockerfile: ENTRYPOINT must be in JSON (exec) form');
  });
});

/** Runs the image's entrypoint as the container would (cwd = repository): the bundle, with plain node. */
async function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  await ensureServerBuild();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [IMAGE_ENTRYPOINT, ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`run.ts ${args.join(' ')} timed out:\n${output}`));
    }, 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('scripts/dist/run.mjs (the image entrypoint, bundled from scripts/run.ts)', () => {
  it('refuses an unknown process and lists the known ones', async () => {
    const { code, output } = await run(['nope'], {});
    expect(code).toBe(2);
    expect(output).toContain('unknown process "nope"; one of: user, transaction, safety, safety-worker, report, monitor, chat, payment, gateway, migrate');
  });

  it('migrate applies the migrations (nothing left to apply in the test database)', async () => {
    const { code, output } = await run(['migrate'], { DATABASE_URL: inject('databaseUrl') });
    expect(output).not.toContain('migrate:');
    expect(code).toBe(0);
  });

  it('safety-worker serves /readyz on SAFETY_WORKER_HOST:SAFETY_WORKER_PORT and drains on SIGTERM', async () => {
    const env = {
      NODE_ENV: 'test',
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      REDIS_PREFIX: `${inject('redisPrefix')}_deploy`,
      SAFETY_WORKER_HOST: '0.0.0.0',
      SAFETY_WORKER_PORT: '0',
      SAFETY_NIGHTLY_ENABLED: 'false',
    };
    let ready = '';
    await ensureServerBuild();
    const child = spawn(process.execPath, [IMAGE_ENTRYPOINT, 'safety-worker'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ready line:\n${ready}`)), 45_000);
        child.stdout.on('data', (chunk: Buffer) => {
          ready += chunk.toString();
          const line = ready.split('\n').find((l) => l.includes('"msg":"ready"'));
          if (line) {
            clearTimeout(timer);
            resolve((JSON.parse(line) as { port: number }).port);
          }
        });
        child.stderr.on('data', (chunk: Buffer) => (ready += chunk.toString()));
        void exited.then((code) => reject(new Error(`exited ${code}:\n${ready}`)));
      });
      const readyz = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(readyz.status).toBe(200);
      expect(await readyz.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
