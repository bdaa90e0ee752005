// Checks deploy/ (Dockerfile, docker-compose.yml, Kubernetes manifests) against the code without a
// container engine: every process is deployed, its environment passes its own zod schema in
// production mode, it listens on all interfaces on the port its probes, Services and URLs use.
// Returns the problems found; deploy.test.ts runs it on deploy/ and on broken copies of it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { SUBGRAPHS } from '../../packages/contracts/src/services.ts';
import { PROCESS_ENVS, PROCESS_NAMES, type ProcessName } from '../../scripts/lib/env-catalogue.ts';
import { runTargets } from '../../scripts/lib/run-targets.ts';
import { builtEntryOf } from '../../scripts/lib/server-build-paths.ts';

/** The image runs the bundled scripts/run.ts with plain node (no tsx loader at run time). */
export const IMAGE_ENTRYPOINT = builtEntryOf('scripts/run.ts');

type Env = Record<string, string>;
type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SECRETS = ['INTERNAL_SECRET', 'JWT_SECRET', 'DATA_ENCRYPTION_KEY'] as const;
const SERVERS = PROCESS_NAMES.filter((name) => PROCESS_ENVS[name].port !== undefined);
/** deploy/k8s/secret.yaml ships placeholders; the check stands in valid values of the same shape. */
const PLACEHOLDER = /REPLACE-ME/;
const STAND_IN: Env = {
  INTERNAL_SECRET: 'a'.repeat(64),
  JWT_SECRET: 'b'.repeat(64),
  DATA_ENCRYPTION_KEY: 'c'.repeat(64),
  PAYMENT_SECRET_KEY: 'live_sk_stand_in_for_the_merchant_key',
  PAYMENT_WEBHOOK_KEY: 'stand-in-webhook-security-key',
};

/** Problems with one process' environment as its own schema and resolveSecrets see it in production. */
export function envProblems(name: ProcessName, env: Env, where: string): string[] {
  const spec = PROCESS_ENVS[name];
  const problems: string[] = [];
  const result = spec.schema.safeParse(env);
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(`${where}: ${issue.path.join('.') || '(env)'}: ${issue.message}`);
  }
  if (name !== 'migrate') {
    if (env.NODE_ENV !== 'production') problems.push(`${where}: NODE_ENV must be production (is ${env.NODE_ENV ?? 'unset'})`);
    for (const key of SECRETS) if (!env[key]) problems.push(`${where}: ${key} is not set (production refuses to start)`);
  }
  if (spec.host && env[spec.host] !== '0.0.0.0') {
    problems.push(`${where}: ${spec.host} must be 0.0.0.0 in a container (is ${env[spec.host] ?? 'unset: 127.0.0.1'})`);
  }
  return problems;
}

/** The port a process listens on, from its env or its schema's default. */
export function listenPort(name: ProcessName, env: Env): number | undefined {
  const variable = PROCESS_ENVS[name].port;
  if (!variable) return undefined;
  const parsed = PROCESS_ENVS[name].schema.shape[variable as keyof (typeof PROCESS_ENVS)[typeof name]['schema']['shape']];
  return Number((parsed as { parse(v: unknown): unknown }).parse(env[variable]));
}

/** URLs a process is configured to call: [variable, url]. */
function urlsIn(env: Env): Array<[string, URL]> {
  const found: Array<[string, URL]> = [];
  for (const [key, value] of Object.entries(env)) {
    if (key === 'SUBGRAPH_URLS') {
      try {
        for (const [subgraph, url] of Object.entries(JSON.parse(value) as Record<string, string>)) found.push([`SUBGRAPH_URLS.${subgraph}`, new URL(url)]);
      } catch {
        // the schema check reports invalid JSON
      }
      continue;
    }
    if (/^(https?|postgres(ql)?|rediss?):\/\//.test(value)) found.push([key, new URL(value)]);
  }
  return found;
}

// ---------------------------------------------------------------- docker compose

/** Compose's `${VAR:-default}`, `${VAR-default}`, `${VAR}` and `$$`, with an empty shell environment. */
export function interpolate(value: string, shell: Env = {}): string {
  return value.replace(/\$\$|\$\{([A-Z0-9_]+)(?::?([-?])([^}]*))?\}/gi, (match, name?: string, op?: string, word?: string) => {
    if (match === '$$') return '$';
    const given = shell[name!];
    if (given !== undefined && given !== '') return given;
    return op === '-' ? (word ?? '') : '';
  });
}

function composeEnv(service: Doc): Env {
  const raw = service.environment ?? {};
  const entries: Array<[string, unknown]> = Array.isArray(raw)
    ? raw.map((line: string) => [line.split('=')[0]!, line.slice(line.indexOf('=') + 1)])
    : Object.entries(raw);
  // Secrets are required (`${VAR:?…}`): the check runs as if the operator had set them.
  return Object.fromEntries(entries.map(([k, v]) => [k, interpolate(String(v ?? ''), { ...STAND_IN, MINIO_ROOT_PASSWORD: 'd'.repeat(32), POSTGRES_PASSWORD: 'e'.repeat(32) })]));
}

function commandOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : [];
}

export function checkCompose(file: string): string[] {
  const problems: string[] = [];
  const compose = parse(readFileSync(file, 'utf8'), { merge: true }) as Doc;
  const services: Record<string, Doc> = compose.services ?? {};
  const names = new Set(Object.keys(services));
  const ports = new Map<string, number>();

  // No fallback secrets: every secret is `${NAME:?…}`, so compose refuses to start without it.
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(/\$\{((?:[A-Z_]*SECRET[A-Z_]*|[A-Z_]*PASSWORD|DATA_ENCRYPTION_KEY)):?-/g)) problems.push(`compose: ${match[1]} has a fallback value`);
  for (const [name, service] of Object.entries(services)) {
    // Only the gateway (and Mailpit's UI, on loopback) is published; stores never on public interfaces.
    for (const mapping of (service.ports ?? []) as unknown[]) {
      const published = String(typeof mapping === 'object' && mapping ? (mapping as { host_ip?: string }).host_ip ?? '' : mapping);
      if (name !== 'gateway' && !published.startsWith('127.0.0.1')) problems.push(`compose ${name}: port ${published} is published beyond 127.0.0.1`);
    }
  }

  for (const [name, service] of Object.entries(services)) {
    const deps = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
    for (const dep of deps) if (!names.has(dep)) problems.push(`compose ${name}: depends_on ${dep}, which is not a service`);
  }

  for (const process of PROCESS_NAMES) {
    const entry = Object.entries(services).find(([, s]) => commandOf(s.command)[0] === process);
    if (!entry) {
      problems.push(`compose: no service runs "${process}" (command: ["${process}"])`);
      continue;
    }
    const [name, service] = entry;
    if (!service.build?.dockerfile?.endsWith('deploy/Dockerfile')) problems.push(`compose ${name}: must build deploy/Dockerfile`);
    const env = composeEnv(service);
    problems.push(...envProblems(process, env, `compose ${name}`));
    const port = listenPort(process, env);
    if (port !== undefined) {
      ports.set(name, port);
      const probe = commandOf(service.healthcheck?.test).find((part) => part.startsWith('http://'));
      if (!probe) problems.push(`compose ${name}: no HTTP healthcheck`);
      else {
        const url = new URL(probe);
        if (Number(url.port) !== port || url.pathname !== '/readyz') {
          problems.push(`compose ${name}: healthcheck ${probe} does not match /readyz on port ${port}`);
        }
      }
      const dependsOn = service.depends_on ?? {};
      if (dependsOn.migrate?.condition !== 'service_completed_successfully' && process !== 'gateway') {
        problems.push(`compose ${name}: must depend on migrate with condition service_completed_successfully`);
      }
    }
    for (const published of service.ports ?? []) {
      const target = Number(String(published).split(':').pop());
      if (target !== port) problems.push(`compose ${name}: publishes container port ${target}, but it listens on ${port}`);
    }
  }

  // Every URL a process calls names a compose service, on the port that service listens on.
  // Browser-facing addresses (what a person's browser opens, e.g. USER_PUBLIC_URL, the guardian page an SMS links to) are the host's.
  const browserFacing = new Set(['USER_PUBLIC_URL', 'OIDC_APP_REDIRECT_URL', 'PAYMENT_PUBLIC_URL', 'PAYMENT_APP_RETURN_URL', 'GUARDIAN_APPROVAL_URL']);
  for (const process of PROCESS_NAMES) {
    const entry = Object.entries(services).find(([, s]) => commandOf(s.command)[0] === process);
    if (!entry) continue;
    const env = composeEnv(entry[1]);
    for (const [key, url] of urlsIn(env)) {
      if (browserFacing.has(key)) continue;
      if (!names.has(url.hostname)) problems.push(`compose ${entry[0]}: ${key} points at ${url.hostname}, which is not a service`);
      const expected = ports.get(url.hostname);
      if (expected !== undefined && Number(url.port) !== expected) {
        problems.push(`compose ${entry[0]}: ${key} uses port ${url.port}, but ${url.hostname} listens on ${expected}`);
      }
    }
    if (process === 'gateway') problems.push(...subgraphUrlCoverage(env, `compose ${entry[0]}`));
  }
  return problems;
}

function subgraphUrlCoverage(env: Env, where: string): string[] {
  let urls: Record<string, string> = {};
  try {
    urls = JSON.parse(env.SUBGRAPH_URLS ?? '{}') as Record<string, string>;
  } catch {
    return [];
  }
  return SUBGRAPHS.filter(({ name }) => !urls[name]).map(({ name }) => `${where}: SUBGRAPH_URLS has no URL for ${name}`);
}

// ---------------------------------------------------------------- Kubernetes

function k8sDocs(dir: string): Array<{ file: string; doc: Doc }> {
  const docs: Array<{ file: string; doc: Doc }> = [];
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    for (const document of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      if (document.errors.length) throw new Error(`${file}: ${document.errors[0]!.message}`);
      const doc = document.toJS() as Doc | null;
      if (doc) docs.push({ file, doc });
    }
  }
  return docs;
}

function containerEnv(container: Doc, configMaps: Map<string, Env>, secrets: Map<string, Env>, where: string, problems: string[]): Env {
  const env: Env = {};
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef?.name ?? source.secretRef?.name;
    const from = source.configMapRef ? configMaps.get(ref) : secrets.get(ref);
    if (!from) problems.push(`${where}: envFrom ${ref}, which is not in the manifests`);
    Object.assign(env, from ?? {});
  }
  for (const item of container.env ?? []) {
    if (item.value !== undefined) env[item.name] = String(item.value);
    else if (item.valueFrom) {
      const ref = item.valueFrom.configMapKeyRef ?? item.valueFrom.secretKeyRef;
      const from = (item.valueFrom.configMapKeyRef ? configMaps : secrets).get(ref?.name);
      if (from?.[ref.key] === undefined) problems.push(`${where}: ${item.name} refers to ${ref?.name}/${ref?.key}, which does not exist`);
      else env[item.name] = from[ref.key]!;
    }
  }
  for (const [key, value] of Object.entries(env)) if (PLACEHOLDER.test(value)) env[key] = STAND_IN[key] ?? value.replace(PLACEHOLDER, 'x');
  return env;
}

function resolvePort(container: Doc, port: unknown): number | undefined {
  if (typeof port === 'number') return port;
  return (container.ports ?? []).find((p: Doc) => p.name === port)?.containerPort;
}

const matches = (selector: Doc = {}, labels: Doc = {}) => Object.entries(selector).every(([k, v]) => labels[k] === v);

export function checkKubernetes(dir: string): string[] {
  const problems: string[] = [];
  const docs = k8sDocs(dir);
  const byKind = (kind: string) => docs.filter(({ doc }) => doc.kind === kind);
  const configMaps = new Map(byKind('ConfigMap').map(({ doc }) => [doc.metadata.name, Object.fromEntries(Object.entries(doc.data ?? {}).map(([k, v]) => [k, String(v)]))]));
  const secrets = new Map(
    byKind('Secret').map(({ doc }) => [
      doc.metadata.name,
      {
        ...Object.fromEntries(Object.entries(doc.data ?? {}).map(([k, v]) => [k, Buffer.from(String(v), 'base64').toString('utf8')])),
        ...Object.fromEntries(Object.entries(doc.stringData ?? {}).map(([k, v]) => [k, String(v)])),
      } as Env,
    ]),
  );
  const deployments = byKind('Deployment');
  const services = byKind('Service');
  const servicePorts = new Map<string, number>();

  const workloads = [...deployments, ...byKind('Job')];
  for (const process of PROCESS_NAMES) {
    const found = workloads.find(({ doc }) => doc.spec?.template?.spec?.containers?.some((c: Doc) => commandOf(c.args)[0] === process));
    if (!found) {
      problems.push(`k8s: no Deployment or Job runs "${process}" (args: ["${process}"])`);
      continue;
    }
    const { doc, file } = found;
    const where = `k8s ${file} ${doc.kind}/${doc.metadata.name}`;
    if (process === 'migrate' ? doc.kind !== 'Job' : doc.kind !== 'Deployment') problems.push(`${where}: "${process}" must run as a ${process === 'migrate' ? 'Job' : 'Deployment'}`);
    const container = doc.spec.template.spec.containers.find((c: Doc) => commandOf(c.args)[0] === process);
    const env = containerEnv(container, configMaps, secrets, where, problems);
    problems.push(...envProblems(process, env, where));
    const port = listenPort(process, env);
    if (port === undefined) continue;
    if (!(container.ports ?? []).some((p: Doc) => p.containerPort === port)) problems.push(`${where}: no containerPort ${port}`);
    for (const [probe, path] of [['readinessProbe', '/readyz'], ['livenessProbe', '/healthz']] as const) {
      const get = container[probe]?.httpGet;
      if (!get) problems.push(`${where}: no ${probe}`);
      else if (get.path !== path || resolvePort(container, get.port) !== port) {
        problems.push(`${where}: ${probe} is ${get.path} on ${get.port}, expected ${path} on ${port}`);
      }
    }
    if (!matches(doc.spec.selector?.matchLabels, doc.spec.template.metadata?.labels)) problems.push(`${where}: selector does not match the pod labels`);
    for (const { doc: service } of services.filter(({ doc: s }) => matches(s.spec?.selector, doc.spec.template.metadata?.labels))) {
      for (const p of service.spec.ports ?? []) {
        if (resolvePort(container, p.targetPort ?? p.port) !== port) problems.push(`k8s Service/${service.metadata.name}: targetPort ${p.targetPort} is not ${port}`);
        servicePorts.set(service.metadata.name, p.port);
      }
    }
    if (process !== 'safety-worker' && !services.some(({ doc: s }) => matches(s.spec?.selector, doc.spec.template.metadata?.labels))) {
      problems.push(`${where}: no Service selects its pods`);
    }
  }

  // URLs between processes name a Service on its port.
  for (const [name, env] of configMaps) {
    for (const [key, url] of urlsIn(env)) {
      if (!key.startsWith('SUBGRAPH_URLS') && key !== 'SAFETY_USER_SUBGRAPH_URL') continue;
      const expected = servicePorts.get(url.hostname);
      if (expected === undefined) problems.push(`k8s ConfigMap/${name}: ${key} points at ${url.hostname}, which is not a Service`);
      else if (Number(url.port) !== expected) problems.push(`k8s ConfigMap/${name}: ${key} uses port ${url.port}, but Service ${url.hostname} is on ${expected}`);
    }
    if (env.SUBGRAPH_URLS) problems.push(...subgraphUrlCoverage(env, `k8s ConfigMap/${name}`));
  }

  const hpas = byKind('HorizontalPodAutoscaler');
  for (const { doc } of hpas) {
    const target = doc.spec?.scaleTargetRef;
    const deployment = deployments.find(({ doc: d }) => d.metadata.name === target?.name);
    if (target?.kind !== 'Deployment' || !deployment) problems.push(`k8s HPA/${doc.metadata.name}: targets ${target?.kind}/${target?.name}, which does not exist`);
    else if (deployment.doc.spec.replicas !== undefined) problems.push(`k8s Deployment/${target.name}: sets replicas although HPA/${doc.metadata.name} owns the count`);
  }
  for (const process of ['gateway', 'safety-worker']) {
    const deployment = deployments.find(({ doc }) => doc.spec.template.spec.containers.some((c: Doc) => commandOf(c.args)[0] === process));
    if (deployment && !hpas.some(({ doc }) => doc.spec?.scaleTargetRef?.name === deployment.doc.metadata.name)) {
      problems.push(`k8s: no HorizontalPodAutoscaler for ${process}`);
    }
  }

  const kustomization = join(dir, 'kustomization.yaml');
  if (existsSync(kustomization)) {
    const listed = new Set<string>((parse(readFileSync(kustomization, 'utf8')) as Doc).resources ?? []);
    for (const file of new Set(docs.map((d) => d.file))) {
      if (file !== 'kustomization.yaml' && file !== 'migrate-job.yaml' && !listed.has(file)) problems.push(`k8s kustomization.yaml: does not list ${file}`);
    }
    for (const file of listed) if (!existsSync(join(dir, file))) problems.push(`k8s kustomization.yaml: lists ${file}, which does not exist`);
  }
  return problems;
}

// ---------------------------------------------------------------- Dockerfile

export function checkDockerfile(file: string, repoRoot: string): string[] {
  const problems: string[] = [];
  const text = readFileSync(file, 'utf8').replace(/\\\n/g, ' ');
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages: Array<{ name: string; lines: string[] }> = [];
  for (const line of lines) {
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ name: from[1] ?? `#${stages.length}`, lines: [] });
    else stages.at(-1)?.lines.push(line);
  }
  const stage = (name: string) => stages.find((s) => s.name === name);
  for (const name of ['deps', 'build', 'runtime']) if (!stage(name)) problems.push(`Dockerfile: no "${name}" stage`);
  if (stages.at(-1)?.name !== 'runtime') problems.push('Dockerfile: the last stage must be "runtime"');
  const has = (name: string, pattern: RegExp) => stage(name)?.lines.some((l) => pattern.test(l));
  if (!has('deps', /^RUN\s+npm ci\b/)) problems.push('Dockerfile: the deps stage must RUN npm ci');
  if (!has('build', /^RUN\s.*npm run generate/)) problems.push('Dockerfile: the build stage must RUN npm run generate');
  if (!has('build', /^RUN\s.*npm run compose/)) problems.push('Dockerfile: the build stage must RUN npm run compose');
  if (!has('build', /^RUN\s.*npm run build/)) problems.push('Dockerfile: the build stage must RUN npm run build (the bundles the entrypoint runs)');

  // npm ci needs every workspace's package.json before the sources are copied.
  const copied = new Set((stage('deps')?.lines ?? []).filter((l) => /^COPY\s/i.test(l)).flatMap((l) => l.split(/\s+/).slice(1, -1)));
  const rootPackage = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { workspaces: string[] };
  for (const pattern of rootPackage.workspaces) {
    const dirs = pattern.endsWith('/*')
      ? readdirSync(join(repoRoot, pattern.slice(0, -2)), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `${pattern.slice(0, -2)}/${d.name}`)
      : [pattern];
    for (const dir of dirs) {
      if (existsSync(join(repoRoot, dir, 'package.json')) && !copied.has(`${dir}/package.json`)) {
        problems.push(`Dockerfile: the deps stage does not COPY ${dir}/package.json (npm ci would miss that workspace)`);
      }
    }
  }

  const json = (instruction: string) => {
    const line = stage('runtime')?.lines.find((l) => l.toUpperCase().startsWith(`${instruction} `));
    try {
      return line ? (JSON.parse(line.slice(instruction.length + 1)) as string[]) : [];
    } catch {
      problems.push(`Dockerfile: ${instruction} must be in JSON (exec) form`);
      return [];
    }
  };
  const entrypoint = json('ENTRYPOINT');
  if (entrypoint.join(' ') !== `node ${IMAGE_ENTRYPOINT}`) problems.push(`Dockerfile: ENTRYPOINT must be node ${IMAGE_ENTRYPOINT} (is ${entrypoint.join(' ')})`);
  const [command] = json('CMD');
  const targets = runTargets();
  if (!command || !targets[command]) problems.push(`Dockerfile: CMD ${command} is not a process scripts/run.ts knows`);
  for (const [name, target] of Object.entries(targets)) {
    if (!existsSync(resolve(repoRoot, target.entry))) problems.push(`scripts/run.ts ${name}: ${target.entry} does not exist`);
  }
  const exposed = new Set((stage('runtime')?.lines ?? []).filter((l) => /^EXPOSE\s/i.test(l)).flatMap((l) => l.split(/\s+/).slice(1).map(Number)));
  for (const name of SERVERS) {
    const port = listenPort(name, {});
    if (port && !exposed.has(port)) problems.push(`Dockerfile: does not EXPOSE ${port} (${name})`);
  }
  return problems;
}
