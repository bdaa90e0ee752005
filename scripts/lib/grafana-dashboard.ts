// The Grafana dashboard (deploy/grafana/anshim.json) as data: its panels and queries, the metric
// names the queries read, and what is wrong with it (a panel without a datasource or a query, a
// metric no process exports). The dashboard test and scripts/dashboard-render.ts both read it here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DASHBOARD_PATH = 'deploy/grafana/anshim.json';

export interface DashboardTarget {
  refId: string;
  expr: string;
  legendFormat?: string;
  datasource?: { type?: string; uid?: string };
}

export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  description?: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { type?: string; uid?: string };
  targets?: DashboardTarget[];
  fieldConfig?: { defaults?: { unit?: string } };
}

export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  time: { from: string; to: string };
  templating: { list: Array<{ type: string; name: string; query?: string }> };
  panels: DashboardPanel[];
}

export function loadDashboard(root: string): Dashboard {
  return JSON.parse(readFileSync(join(root, DASHBOARD_PATH), 'utf8')) as Dashboard;
}

/** Metrics every process has without our code: prom-client's defaults and Prometheus' own `up`. */
export const isDefaultMetric = (name: string) => name === 'up' || name.startsWith('process_') || name.startsWith('nodejs_');

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);

/** The metric names a PromQL expression reads (label names, functions and keywords left out). */
export function metricNamesOf(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // strings (label values, regexes)
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // range selectors
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // grouping labels
  const names = new Set<string>();
  for (const match of stripped.matchAll(/(?<![A-Za-z0-9_:.])([A-Za-z_:][A-Za-z0-9_:]*)\s*(\()?/g)) {
    const [, name, call] = match;
    if (call || PROMQL_WORDS.has(name!.toLowerCase()) || name!.startsWith('$')) continue;
    names.add(name!);
  }
  return [...names];
}

/** What a histogram's series are registered as: `x_bucket`, `x_sum` and `x_count` come from `x`. */
export const registeredName = (series: string) => series.replace(/_(bucket|sum|count)$/, '');

/** Panels that show data (rows only group them). */
export const dataPanels = (dashboard: Dashboard) => dashboard.panels.filter((panel) => panel.type !== 'row');

/**
 * What is wrong with the dashboard: a panel without the `${datasource}` variable or without a
 * query, a query reading a metric that neither `known` nor the defaults name, a panel off the grid.
 */
export function dashboardProblems(dashboard: Dashboard, known: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const variable = dashboard.templating.list.find((v) => v.name === 'datasource');
  if (variable?.type !== 'datasource' || variable.query !== 'prometheus') problems.push('no ${datasource} variable of type prometheus');
  for (const panel of dataPanels(dashboard)) {
    const where = `panel "${panel.title}"`;
    if (panel.datasource?.uid !== '${datasource}') problems.push(`${where}: datasource is not \${datasource}`);
    if (!panel.targets?.length) problems.push(`${where}: no query`);
    for (const target of panel.targets ?? []) {
      if (!target.expr?.trim()) problems.push(`${where}: query ${target.refId} is empty`);
      if (target.datasource && target.datasource.uid !== '${datasource}') problems.push(`${where}: query ${target.refId} has another datasource`);
      for (const name of metricNamesOf(target.expr ?? '')) {
        if (!isDefaultMetric(name) && !known.has(registeredName(name)) && !known.has(name)) problems.push(`${where}: ${name} is not a metric any process exports`);
      }
    }
    const { x, w, h } = panel.gridPos;
    if (x < 0 || w < 1 || x + w > 24 || h < 1) problems.push(`${where}: off the 24-column grid`);
  }
  return problems;
}
