// The dashboard drawn without Grafana: one self-contained HTML page (no scripts, fonts or styles
// from anywhere else) laid out on Grafana's 24-column grid, a row title per row, each time series
// an inline SVG line chart with axes and a legend, each stat panel one big number. Dark, like
// Grafana's default theme, so the screenshot reads like the real dashboard.
import type { Dashboard, DashboardPanel } from './grafana-dashboard.ts';

export interface Series {
  legend: string;
  /** [unix seconds, value]; NaN where Prometheus had no sample. */
  points: Array<[number, number]>;
}

export type PanelData = { kind: 'series'; series: Series[] } | { kind: 'stat'; value: number | null } | { kind: 'error'; message: string };

const PAGE_WIDTH = 1600;
const ROW_HEIGHT = 30;
const GAP = 8;
const COLORS = ['#73bf69', '#f2cc0c', '#5794f2', '#ff780a', '#f2495c', '#b877d9', '#8ab8ff', '#fade2a', '#37872d', '#c4162a', '#96d98d', '#ffb357'];

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A value in the panel's unit, short: 1.2K, 35 ms, 42%, 118 MiB, 3.1 req/s. */
export function formatValue(value: number, unit: string | undefined): string {
  if (!Number.isFinite(value)) return '–';
  // Three significant digits at most, without trailing zeros after the point (100 stays 100).
  const trim = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2)).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  switch (unit) {
    case 's':
      if (value === 0) return '0';
      if (Math.abs(value) < 1e-3) return `${trim(value * 1e6)} µs`;
      if (Math.abs(value) < 1) return `${trim(value * 1e3)} ms`;
      return `${trim(value)} s`;
    case 'percentunit':
      return `${trim(value * 100)}%`;
    case 'bytes': {
      const units = ['B', 'KiB', 'MiB', 'GiB'];
      let i = 0;
      while (Math.abs(value) >= 1024 && i < units.length - 1) (value /= 1024), (i += 1);
      return `${trim(value)} ${units[i]}`;
    }
    case 'reqps':
      return `${trim(value)} req/s`;
    default:
      if (Math.abs(value) >= 1e6) return `${trim(value / 1e6)}M`;
      if (Math.abs(value) >= 1e3) return `${trim(value / 1e3)}K`;
      return trim(value);
  }
}

/** Round axis steps (1, 2, 5 × 10^n) up to at least `max`. */
function ticks(max: number): number[] {
  const top = max > 0 ? max : 1;
  const raw = top / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = 0; v <= top + step * 0.001; v += step) out.push(v);
  if (out[out.length - 1]! < top) out.push(out[out.length - 1]! + step);
  return out;
}

/** UTC wall-clock time; with seconds when the ticks are less than a minute apart. */
const clock = (seconds: number, withSeconds: boolean) => new Date(seconds * 1000).toISOString().slice(11, withSeconds ? 19 : 16);

/** Legend lines at most: a panel with many series (p99 by operation) keeps room for its chart. */
const MAX_LEGEND_LINES = 3;

function lineChart(panel: DashboardPanel, series: Series[], width: number, height: number, range: { from: number; to: number }): string {
  const unit = panel.fieldConfig?.defaults?.unit;
  const left = 64;
  const right = 12;
  const legendColumns = Math.max(1, Math.floor((width - left - right) / 170));
  const legendLines = Math.min(MAX_LEGEND_LINES, Math.max(1, Math.ceil(series.length / legendColumns)));
  const legendRoom = legendLines * legendColumns;
  const top = 6;
  const bottom = 20 + legendLines * 16;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  if (series.length === 0) return `<svg width="${width}" height="${height}"><text x="${width / 2}" y="${height / 2}" class="nodata" text-anchor="middle">No data</text></svg>`;
  const finite = series.flatMap((s) => s.points.map(([, v]) => v)).filter(Number.isFinite);
  const axis = ticks(finite.length ? Math.max(...finite) : 0);
  const yMax = axis[axis.length - 1]!;
  const x = (t: number) => left + ((t - range.from) / (range.to - range.from)) * plotW;
  const y = (v: number) => top + plotH - (v / yMax) * plotH;
  const parts: string[] = [];
  for (const v of axis) {
    parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="grid"/>`);
    parts.push(`<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" class="axis">${escape(formatValue(v, unit))}</text>`);
  }
  const span = range.to - range.from;
  const tickEvery = [15, 30, 60, 120, 300, 600, 900, 1800, 3600].find((s) => span / s <= 8) ?? 3600;
  for (let t = Math.ceil(range.from / tickEvery) * tickEvery; t <= range.to; t += tickEvery) {
    parts.push(`<text x="${x(t).toFixed(1)}" y="${top + plotH + 14}" text-anchor="middle" class="axis">${clock(t, tickEvery < 60)}</text>`);
  }
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    let segment: string[] = [];
    const flush = () => {
      if (segment.length > 1) parts.push(`<polyline points="${segment.join(' ')}" fill="none" stroke="${color}" stroke-width="1.6" stroke-linejoin="round"/>`);
      else if (segment.length === 1) parts.push(`<circle cx="${segment[0]!.split(',')[0]}" cy="${segment[0]!.split(',')[1]}" r="1.6" fill="${color}"/>`);
      segment = [];
    };
    for (const [t, v] of s.points) {
      if (Number.isFinite(v)) segment.push(`${x(t).toFixed(1)},${y(v).toFixed(1)}`);
      else flush();
    }
    flush();
  });
  series.forEach((s, i) => {
    if (i >= legendRoom) return;
    const columnWidth = plotW / legendColumns;
    const lx = left + (i % legendColumns) * columnWidth;
    const ly = top + plotH + 32 + Math.floor(i / legendColumns) * 16;
    const fits = Math.floor((columnWidth - 24) / 6.5);
    // The last place says how many series the legend leaves out.
    if (i === legendRoom - 1 && series.length > legendRoom) {
      parts.push(`<text x="${lx}" y="${ly - 3}" class="legend">+${series.length - legendRoom + 1} more</text>`);
      return;
    }
    parts.push(`<rect x="${lx}" y="${ly - 8}" width="12" height="3" fill="${COLORS[i % COLORS.length]}"/>`);
    parts.push(`<text x="${lx + 16}" y="${ly - 3}" class="legend">${escape(s.legend.length > fits ? `${s.legend.slice(0, fits - 1)}…` : s.legend)}</text>`);
  });
  return `<svg width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
}

function statValue(panel: DashboardPanel, value: number | null, height: number): string {
  const unit = panel.fieldConfig?.defaults?.unit;
  const color = value === null ? '#8e8e8e' : unit === 'percentunit' ? (value >= 0.85 ? '#73bf69' : value >= 0.7 ? '#ff9830' : '#f2495c') : '#73bf69';
  const text = value === null ? 'No data' : formatValue(value, unit);
  return `<div class="stat" style="height:${height}px;color:${color}">${escape(text)}</div>`;
}

/** The whole page: a header, then every row title and panel where the grid puts it. */
export function dashboardHtml(dashboard: Dashboard, data: Map<number, PanelData>, range: { from: number; to: number }, note: string): string {
  const column = (PAGE_WIDTH - GAP) / 24;
  const header = 56;
  const bottomOf = Math.max(...dashboard.panels.map((p) => p.gridPos.y + p.gridPos.h));
  const pageHeight = header + bottomOf * ROW_HEIGHT + GAP;
  const blocks = dashboard.panels.map((panel) => {
    const { x, y, w, h } = panel.gridPos;
    const left = GAP + x * column;
    const top = header + y * ROW_HEIGHT;
    const width = w * column - GAP;
    const height = h * ROW_HEIGHT - GAP;
    if (panel.type === 'row') return `<div class="row" style="left:${left}px;top:${top}px;width:${width}px">▾ ${escape(panel.title)}</div>`;
    const content = data.get(panel.id);
    const inner = height - 30;
    const body =
      !content || content.kind === 'error'
        ? `<div class="error">${escape(content?.kind === 'error' ? content.message : 'not queried')}</div>`
        : content.kind === 'stat'
          ? statValue(panel, content.value, inner)
          : lineChart(panel, content.series, width - 2, inner, range);
    return `<div class="panel" style="left:${left}px;top:${top}px;width:${width}px;height:${height}px"><div class="title">${escape(panel.title)}</div>${body}</div>`;
  });
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escape(dashboard.title)}</title><style>
body{margin:0;background:#111217;font-family:"DejaVu Sans",Arial,sans-serif;color:#ccccdc}
.page{position:relative;width:${PAGE_WIDTH}px;height:${pageHeight}px}
.head{position:absolute;left:${GAP}px;top:10px;right:${GAP}px;display:flex;justify-content:space-between;align-items:baseline}
.head h1{font-size:20px;margin:0;color:#fff;font-weight:500}.head span{font-size:12px;color:#8e8e9e}
.row{position:absolute;height:${ROW_HEIGHT - GAP}px;font-size:15px;font-weight:500;color:#fff;line-height:${ROW_HEIGHT - GAP}px}
.panel{position:absolute;background:#181b1f;border:1px solid #2c3235;border-radius:3px;overflow:hidden}
.title{height:28px;line-height:28px;padding:0 10px;font-size:13px;font-weight:500;color:#d8d9da}
.grid{stroke:#2c3235;stroke-width:1}.axis{fill:#8e8e9e;font-size:10px}.legend{fill:#ccccdc;font-size:11px}.nodata{fill:#8e8e9e;font-size:13px}
.stat{display:flex;align-items:center;justify-content:center;font-size:64px;font-weight:500}
.error{padding:10px;font-size:12px;color:#f2495c}
</style></head><body><div class="page"><div class="head"><h1>${escape(dashboard.title)}</h1><span>${escape(note)}</span></div>${blocks.join('')}</div></body></html>`;
}
