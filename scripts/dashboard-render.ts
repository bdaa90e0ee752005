// `npm run dashboard:render`: docs/dashboard.png, the Grafana dashboard (deploy/grafana/anshim.json)
// as it looks over real traffic, drawn without Grafana (not installable here):
//   1. a throw-away stack (every process on free ports, a fresh database) and a private Prometheus
//      scraping every operations port every 2 s (scripts/lib/dashboard-stack.ts);
//   2. traffic through the gateway: the demo seed, safe payments, a steady read load (dashboard-traffic.ts);
//   3. every panel's queries asked of Prometheus' HTTP API (/api/v1/query_range, /api/v1/query for
//      stat panels) with Grafana's variables filled in as Grafana would;
//   4. a local HTML page with the panels as inline SVG on the dashboard's grid (dashboard-html.ts),
//      screenshot by Debian's Chromium through playwright-core.
// Needs `prometheus` (apt-get install prometheus) and /usr/bin/chromium, PostgreSQL and Redis.
// Settings: --users N (20) --products N (60) --payments N (10) --out path (docs/dashboard.png).
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH } from '../test/support/browser.ts';
import { dashboardHtml, type PanelData, type Series } from './lib/dashboard-html.ts';
import { SCRAPE_SECONDS, startPrometheus, startRenderStack, type PrivatePrometheus, type RenderStack } from './lib/dashboard-stack.ts';
import { driveTraffic, readLoad } from './lib/dashboard-traffic.ts';
import { dataPanels, loadDashboard, type Dashboard, type DashboardTarget } from './lib/grafana-dashboard.ts';

const root = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({ options: { users: { type: 'string' }, products: { type: 'string' }, payments: { type: 'string' }, out: { type: 'string' } } });
const log = (line: string) => console.log(`[dashboard:render] ${line}`);

interface Range {
  from: number;
  to: number;
  step: number;
}

/** Grafana's variables for a range: $__range, and $__rate_interval = max(step + scrape, 4 × scrape). */
export function fillVariables(expr: string, range: Range): string {
  const rateInterval = Math.max(range.step + SCRAPE_SECONDS, 4 * SCRAPE_SECONDS);
  return expr
    .replaceAll('$__rate_interval', `${Math.round(rateInterval)}s`)
    .replaceAll('$__range', `${Math.round(range.to - range.from)}s`)
    .replaceAll('$__interval', `${Math.round(range.step)}s`);
}

/** {{label}} in a legend format, from the series' labels; a label the series lacks falls back to its service. */
const legendOf = (target: DashboardTarget, labels: Record<string, string>) =>
  (target.legendFormat ?? '').replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => labels[name] ?? '') || labels.service || JSON.stringify(labels);

async function prometheusApi<T>(prometheus: PrivatePrometheus, path: string, params: Record<string, string>): Promise<T> {
  const res = await fetch(`${prometheus.url}${path}?${new URLSearchParams(params)}`);
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(body.error ?? `HTTP ${res.status}`);
  return body.data;
}

async function panelData(prometheus: PrivatePrometheus, dashboard: Dashboard, range: Range): Promise<Map<number, PanelData>> {
  const out = new Map<number, PanelData>();
  for (const panel of dataPanels(dashboard)) {
    try {
      if (panel.type === 'stat') {
        const expr = fillVariables(panel.targets![0]!.expr, range);
        const data = await prometheusApi<{ result: Array<{ value: [number, string] }> }>(prometheus, '/api/v1/query', { query: expr, time: String(range.to) });
        const value = data.result[0] ? Number(data.result[0].value[1]) : null;
        out.set(panel.id, { kind: 'stat', value: value !== null && Number.isFinite(value) ? value : null });
        continue;
      }
      const series: Series[] = [];
      for (const target of panel.targets ?? []) {
        const data = await prometheusApi<{ result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> }>(prometheus, '/api/v1/query_range', {
          query: fillVariables(target.expr, range),
          start: String(range.from),
          end: String(range.to),
          step: String(range.step),
        });
        for (const result of data.result) {
          // Samples on the step grid; a missing one is a gap in the line, not a zero.
          const byTime = new Map(result.values.map(([t, v]) => [Math.round(t), Number(v)]));
          const points: Array<[number, number]> = [];
          for (let t = range.from; t <= range.to; t += range.step) points.push([t, byTime.get(Math.round(t)) ?? Number.NaN]);
          series.push({ legend: legendOf(target, result.metric), points });
        }
      }
      series.sort((a, b) => a.legend.localeCompare(b.legend));
      out.set(panel.id, { kind: 'series', series });
    } catch (error) {
      out.set(panel.id, { kind: 'error', message: (error as Error).message });
    }
  }
  return out;
}

async function screenshot(html: string, out: string): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 }, deviceScaleFactor: 1 });
    // Nothing on the page may come from the network: it is one document with inline SVG.
    await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
    await page.setContent(html, { waitUntil: 'load' });
    await page.screenshot({ path: out, fullPage: true });
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const dashboard = loadDashboard(root);
  const out = resolve(root, args.out ?? 'docs/dashboard.png');
  let stack: RenderStack | undefined;
  let prometheus: PrivatePrometheus | undefined;
  try {
    stack = await startRenderStack(log);
    prometheus = await startPrometheus(stack.scrapeTargets);
    log(`prometheus at ${prometheus.url} scraping ${stack.scrapeTargets.length} targets every ${SCRAPE_SECONDS} s`);
    const from = Math.floor(Date.now() / 1000);
    const reads = readLoad(stack, 8);
    await driveTraffic(stack, log, { users: Number(args.users ?? 20), products: Number(args.products ?? 60), payments: Number(args.payments ?? 10) });
    // Half a quiet minute at the end: the rates fall back and the last scrapes see the final counts.
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    await reads.stop();
    await new Promise((resolve) => setTimeout(resolve, 4 * SCRAPE_SECONDS * 1000));
    log(`${reads.requests()} background reads`);
    const to = Math.floor(Date.now() / 1000);
    const range = { from, to, step: Math.max(SCRAPE_SECONDS, Math.ceil((to - from) / 240)) };
    const data = await panelData(prometheus, dashboard, range);
    const failed = [...data.values()].filter((d) => d.kind === 'error');
    if (failed.length) log(`${failed.length} panels failed: ${failed.map((d) => (d.kind === 'error' ? d.message : '')).join('; ')}`);
    const note = `${new Date(from * 1000).toISOString().slice(0, 16).replace('T', ' ')} – ${new Date(to * 1000).toISOString().slice(11, 16)} UTC · rendered from Prometheus by scripts/dashboard-render.ts`;
    const html = dashboardHtml(dashboard, data, range, note);
    // Kept beside the run for a look in a browser; the PNG is what is committed.
    writeFileSync(join(tmpdir(), 'anshim-dashboard.html'), html);
    await screenshot(html, out);
    log(`wrote ${out}`);
  } finally {
    await prometheus?.stop();
    await stack?.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
