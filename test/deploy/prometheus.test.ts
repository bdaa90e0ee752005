// deploy/prometheus/ checked with promtool (Debian's prometheus package; missing promtool fails
// here, it never skips): the rule files and scrape configs are valid, every alert's unit tests
// pass and cover it firing and staying quiet, every alert carries what the on-call person needs,
// and no rule reads a metric that no process exports. Broken copies prove each check bites.
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { root } from '../../scripts/lib/processes.ts';
import { PROCESS_NAMES } from '../../scripts/lib/env-catalogue.ts';
import { exportedMetricNames, markdownAnchors, promtool, rulesIn, seriesNamesIn, unknownSeries } from './prometheus-check.ts';

const dir = join(root, 'deploy/prometheus');
const rules = rulesIn(join(dir, 'rules'));
const alerts = rules.filter((rule) => rule.alert);
const testFiles = readdirSync(join(dir, 'tests')).filter((name) => name.endsWith('.yml')).sort();

const copies: string[] = [];
afterAll(() => {
  for (const copy of copies) rmSync(copy, { recursive: true, force: true });
});

/** A copy of deploy/prometheus with one file edited. */
function brokenCopy(file: string, edit: (text: string) => string): string {
  const copy = mkdtempSync(join(tmpdir(), 'anshim-prometheus-'));
  copies.push(copy);
  cpSync(dir, copy, { recursive: true });
  const path = join(copy, file);
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  expect(after, `the edit of ${file} changed nothing`).not.toBe(before);
  writeFileSync(path, after);
  return copy;
}

describe('promtool', () => {
  it('finds the rule files valid', () => {
    const run = promtool(['check', 'rules', 'rules/recording.yml', 'rules/alerts.yml'], dir);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain(`SUCCESS: ${alerts.length} rules found`);
  });

  it('finds the compose scrape config valid, with its rule files', () => {
    const run = promtool(['check', 'config', 'prometheus.yml'], dir);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain('SUCCESS: 2 rule files found');
  });

  it('finds the Kubernetes scrape config valid (its pod discovery swapped: Debian builds promtool without Kubernetes)', () => {
    const copy = brokenCopy('prometheus-k8s.yml', (text) => text.replace('kubernetes_sd_configs: [{ role: pod }]', 'file_sd_configs: [{ files: [pods.json] }]'));
    const run = promtool(['check', 'config', 'prometheus-k8s.yml'], copy);
    expect(run.status, run.output).toBe(0);
    const bad = brokenCopy('prometheus-k8s.yml', (text) => text.replace('kubernetes_sd_configs: [{ role: pod }]', 'file_sd_configs: [{ files: [pods.json] }]').replace("regex: '([^:]+)", "regex: '([^:]+"));
    expect(promtool(['check', 'config', 'prometheus-k8s.yml'], bad).status).not.toBe(0);
  });

  it('passes every alert unit test', () => {
    const run = promtool(['test', 'rules', ...testFiles.map((file) => `tests/${file}`)], dir);
    expect(run.status, run.output).toBe(0);
    expect(run.output.match(/SUCCESS/g)).toHaveLength(testFiles.length);
  });

  it('fails an alert unit test when a threshold moves', () => {
    const copy = brokenCopy('rules/alerts.yml', (text) => text.replace('anshim:queue_waiting_jobs:max > 1000', 'anshim:queue_waiting_jobs:max > 2000'));
    const run = promtool(['test', 'rules', 'tests/events.yml'], copy);
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('alertname: AnshimQueueBacklog');
  });
});

describe('the alerts', () => {
  it('each has unit tests in which it fires and in which it stays quiet', () => {
    const cases = testFiles.flatMap((file) => {
      const doc = parse(readFileSync(join(dir, 'tests', file), 'utf8')) as { tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }> }> };
      return doc.tests.flatMap((test) => test.alert_rule_test ?? []);
    });
    for (const { alert } of alerts) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect(mine.some((c) => (c.exp_alerts ?? []).length > 0), `${alert} fires in a test`).toBe(true);
      expect(mine.some((c) => (c.exp_alerts ?? []).length === 0), `${alert} stays quiet in a test`).toBe(true);
    }
  });

  it('each has a severity, a for, a summary, a description and a runbook entry that exists', () => {
    const anchors = markdownAnchors(readFileSync(join(root, 'docs/operations.md'), 'utf8'));
    expect(alerts.length).toBeGreaterThanOrEqual(12);
    for (const rule of alerts) {
      expect(['page', 'ticket'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description, rule.alert).toBeTruthy();
      const [path, anchor] = (rule.annotations?.runbook_url ?? '').split('#');
      expect(path, rule.alert).toBe('docs/operations.md');
      expect(anchor, rule.alert).toBe(rule.alert!.toLowerCase());
      expect(anchors.has(anchor!), `docs/operations.md has a heading for ${rule.alert}`).toBe(true);
    }
  });
});

describe('the scrape configs', () => {
  const k8sPorts = new Map<string, string>();
  for (const file of readdirSync(join(root, 'deploy/k8s'))) {
    const text = readFileSync(join(root, 'deploy/k8s', file), 'utf8');
    const component = /app\.kubernetes\.io\/component: ([a-z-]+)/.exec(text)?.[1];
    const port = /prometheus\.io\/port: "(\d+)"/.exec(text)?.[1];
    if (component && port) k8sPorts.set(component, port);
  }

  it('scrape every process of compose on the port its Kubernetes pod is scraped on', () => {
    const config = parse(readFileSync(join(dir, 'prometheus.yml'), 'utf8')) as { scrape_configs: Array<{ job_name: string; dns_sd_configs: Array<{ names: string[]; port: number }> }> };
    const compose = parse(readFileSync(join(root, 'deploy/docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, { command?: string[]; environment?: Record<string, string> }> };
    const processes = PROCESS_NAMES.filter((name) => name !== 'migrate');
    expect(processes.length).toBeGreaterThan(8);
    for (const process of processes) {
      const service = Object.entries(compose.services).find(([, s]) => s.command?.[0] === process);
      expect(service, `compose runs ${process}`).toBeDefined();
      expect(service![1].environment?.OPS_HOST, `${process}: OPS_HOST`).toBe('0.0.0.0');
      const job = config.scrape_configs.find((c) => c.job_name === `anshim-${process}`);
      expect(job, `a scrape job for ${process}`).toBeDefined();
      expect(job!.dns_sd_configs[0]!.names).toEqual([service![0]]);
      expect(String(job!.dns_sd_configs[0]!.port), `${process}'s port`).toBe(k8sPorts.get(process));
    }
  });

  it('keep only annotated anshim pods in Kubernetes, named anshim-<component> as the alerts expect', () => {
    const text = readFileSync(join(dir, 'prometheus-k8s.yml'), 'utf8');
    expect(text).toContain('regex: anshim;true');
    expect(text).toContain('replacement: anshim-$1');
    expect(k8sPorts.size).toBeGreaterThan(8);
  });
});

describe('the metric names the rules read', () => {
  const exported = exportedMetricNames(root);

  it('finds the names in PromQL', () => {
    expect(seriesNamesIn('max by (queue) (sum without (state) (anshim_queue_jobs{state=~"waiting|x"}))')).toEqual(['anshim_queue_jobs']);
    expect(seriesNamesIn('histogram_quantile(0.99, sum by (operation, le) (rate(a_bucket{service="gateway"}[5m])))')).toEqual(['a_bucket']);
    expect(seriesNamesIn('a:b:rate10m > 0.1 and on (channel) c:d * 600 >= 3e2')).toEqual(['a:b:rate10m', 'c:d']);
    expect(seriesNamesIn('up{job=~"anshim-.*"} == 0')).toEqual(['up']);
  });

  it('are each exported by a process, recorded by a rule, or built into Prometheus', () => {
    expect(exported.get('anshim_subgraph_up')).toBe('gateway/src/gateway-metrics.ts');
    expect(unknownSeries(rules, exported)).toEqual([]);
  });

  it('catches a rule that reads a metric nothing exports', () => {
    const copy = brokenCopy('rules/alerts.yml', (text) => text.replace('max by (subgraph) (anshim_subgraph_up)', 'max by (subgraph) (anshim_subgraph_upp)'));
    expect(unknownSeries(rulesIn(join(copy, 'rules')), exported)).toEqual(['anshim_subgraph_upp']);
  });
});
