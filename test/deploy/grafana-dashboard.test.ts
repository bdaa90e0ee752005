// deploy/grafana/anshim.json: it parses, has the Business, Safety engine and Technical rows, every
// panel reads the ${datasource} variable and has a query, and every metric a query reads is one a
// process registers in the source tree (or a prom-client/Prometheus default). A broken copy shows
// the check bites. The provisioning files point Grafana at the dashboard and a Prometheus.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { dashboardProblems, dataPanels, loadDashboard, metricNamesOf } from '../../scripts/lib/grafana-dashboard.ts';
import { exportedMetricNames } from './prometheus-check.ts';

const root = resolve(import.meta.dirname, '../..');

const registered = new Set(exportedMetricNames(root).keys());


describe('deploy/grafana/anshim.json', () => {
  const dashboard = loadDashboard(root);

  it('is a schemaVersion 39 dashboard with a row each for business, the safety engine and the technical view', () => {
    expect(dashboard.schemaVersion).toBe(39);
    expect(dashboard.panels.filter((panel) => panel.type === 'row').map((panel) => panel.title)).toEqual(['Business', 'Safety engine', 'Technical']);
    expect(dataPanels(dashboard).length).toBeGreaterThanOrEqual(15);
    expect(new Set(dashboard.panels.map((panel) => panel.id)).size).toBe(dashboard.panels.length);
  });

  it('reads ${datasource} in every panel, has a query in each, and only metrics some process exports', () => {
    expect(dashboardProblems(dashboard, registered)).toEqual([]);
  });

  it('reads the business and safety metrics this branch adds, and the completion rate from trades', () => {
    const read = new Set(dataPanels(dashboard).flatMap((panel) => (panel.targets ?? []).flatMap((target) => metricNamesOf(target.expr))));
    for (const name of ['anshim_trades_total', 'anshim_payments_total', 'anshim_risk_alerts_total', 'anshim_reports_total', 'anshim_fraud_stopped_total', 'anshim_safety_recalculation_seconds_bucket', 'anshim_safety_recalculation_lag_seconds_bucket']) {
      expect(read, name).toContain(name);
    }
    for (const name of ['anshim_trades_total', 'anshim_payments_total', 'anshim_risk_alerts_total', 'anshim_reports_total', 'anshim_fraud_stopped_total', 'anshim_safety_recalculation_seconds', 'anshim_safety_recalculation_lag_seconds']) {
      expect(registered, name).toContain(name);
    }
    const completion = dataPanels(dashboard).find((panel) => panel.title === 'Completion rate')!;
    expect(completion.targets![0]!.expr).toContain('anshim_trades_total{event="completed"}');
  });

  it('finds a panel without datasource or query and a metric nobody exports', () => {
    const broken = structuredClone(dashboard);
    const [first, second, third] = dataPanels(broken);
    delete first!.datasource;
    second!.targets = [];
    third!.targets![0]!.expr = 'sum(rate(anshim_made_up_total[5m])) / sum(rate(process_cpu_seconds_total[5m]))';
    const problems = dashboardProblems(broken, registered);
    expect(problems).toContain(`panel "${first!.title}": datasource is not \${datasource}`);
    expect(problems).toContain(`panel "${second!.title}": no query`);
    expect(problems).toContain(`panel "${third!.title}": anshim_made_up_total is not a metric any process exports`);
    expect(problems.filter((problem) => problem.includes('process_cpu'))).toEqual([]);
  });

  it('names metrics, not labels, functions or keywords', () => {
    expect(metricNamesOf('histogram_quantile(0.99, sum by (le, operation) (rate(a_bucket{service="gateway",x=~"b|c"}[$__rate_interval])))')).toEqual(['a_bucket']);
    expect(metricNamesOf('sum(x_total) / clamp_min(sum(y_total offset 5m), 1) and on (service) up')).toEqual(['x_total', 'y_total', 'up']);
  });
});

describe('deploy/grafana/provisioning', () => {
  it('provisions a Prometheus datasource and loads the dashboard from where compose mounts it', () => {
    const datasources = parse(readFileSync(join(root, 'deploy/grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as { datasources: Array<{ type: string; url: string }> };
    expect(datasources.datasources[0]).toMatchObject({ type: 'prometheus' });
    const providers = parse(readFileSync(join(root, 'deploy/grafana/provisioning/dashboards/anshim.yml'), 'utf8')) as { providers: Array<{ options: { path: string } }> };
    const compose = parse(readFileSync(join(root, 'deploy/docker-compose.yml'), 'utf8')) as { services: Record<string, { volumes?: string[] }> };
    const mounts = compose.services.grafana!.volumes!;
    expect(mounts).toContain('./grafana/provisioning:/etc/grafana/provisioning:ro');
    expect(mounts).toContain(`./grafana/anshim.json:${providers.providers[0]!.options.path}/anshim.json:ro`);
  });
});
