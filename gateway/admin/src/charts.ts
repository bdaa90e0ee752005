// Small inline-SVG charts drawn from data, no chart library: a horizontal bar chart, a line chart
// of one or more day series and a stacked bar chart. Colour never says anything alone: every bar
// carries its value and label as text, every series its own marker shape and dash, every stack
// segment its own hatch pattern, named in a legend. Each chart is a <figure> whose figcaption names
// it, with a one-sentence summary (the SVG's accessible name) and a table of the same figures.
import { h } from './dom.ts';
import { ot } from './screen-i18n.ts';

const SVG = 'http://www.w3.org/2000/svg';
type Attrs = Record<string, string | number>;

function s(tag: string, attrs: Attrs = {}, ...children: Array<SVGElement | string>): SVGElement {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child);
  return element;
}

let chartCounter = 0;

export interface TableSpec {
  head: string[];
  rows: Array<Array<string | number>>;
}

/** The figure around a chart: caption, summary (the chart's accessible name), the SVG, a table. */
function figure(title: string, summary: string, svg: SVGElement, table: TableSpec, legend?: HTMLElement): HTMLElement {
  const id = `chart-${++chartCounter}`;
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-labelledby', `${id}-summary`);
  const tableElement = h('table', {},
    h('thead', {}, h('tr', {}, ...table.head.map((text) => h('th', { scope: 'col' }, text)))),
    h('tbody', {}, ...table.rows.map((row) => h('tr', {}, ...row.map((cell, i) => (i === 0 ? h('th', { scope: 'row' }, String(cell)) : h('td', {}, String(cell))))))),
  );
  return h('figure', { class: 'chart card', 'aria-labelledby': `${id}-title` },
    h('figcaption', {}, h('h2', { id: `${id}-title` }, title)),
    h('p', { id: `${id}-summary`, class: 'chart-summary' }, summary),
    svg,
    legend ?? null,
    h('details', {}, h('summary', {}, ot('showTable')), h('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': title }, tableElement)),
  );
}

export interface Bar {
  label: string;
  value: number;
  /** A CSS class choosing fill and pattern (e.g. grade-danger); the text says the same. */
  kind: string;
}

export function barChart(title: string, summary: string, bars: Bar[], table: TableSpec): HTMLElement {
  const rowHeight = 30;
  const labelWidth = 140;
  const width = 560;
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const svg = s('svg', { viewBox: `0 0 ${width} ${bars.length * rowHeight + 10}`, class: 'chart-svg' });
  bars.forEach((bar, i) => {
    const y = i * rowHeight + 5;
    const length = Math.round((bar.value / max) * (width - labelWidth - 60));
    svg.append(
      s('text', { x: labelWidth - 8, y: y + 18, 'text-anchor': 'end', class: 'chart-label' }, bar.label),
      s('rect', { x: labelWidth, y, width: Math.max(length, 1), height: rowHeight - 8, class: `chart-bar ${bar.kind}` }),
      s('text', { x: labelWidth + length + 6, y: y + 18, class: 'chart-value' }, String(bar.value)),
    );
  });
  return figure(title, summary, svg, table);
}

export interface Series {
  name: string;
  points: Array<number | null>;
}

const MARKERS = ['circle', 'square', 'triangle', 'diamond', 'cross'] as const;
const MARKER_SYMBOL: Record<(typeof MARKERS)[number], string> = { circle: '●', square: '■', triangle: '▲', diamond: '◆', cross: '✕' };

function marker(shape: (typeof MARKERS)[number], x: number, y: number, cls: string): SVGElement {
  switch (shape) {
    case 'circle':
      return s('circle', { cx: x, cy: y, r: 3.5, class: cls });
    case 'square':
      return s('rect', { x: x - 3.5, y: y - 3.5, width: 7, height: 7, class: cls });
    case 'triangle':
      return s('path', { d: `M${x} ${y - 4.5}L${x + 4.5} ${y + 3.5}L${x - 4.5} ${y + 3.5}Z`, class: cls });
    case 'diamond':
      return s('path', { d: `M${x} ${y - 5}L${x + 5} ${y}L${x} ${y + 5}L${x - 5} ${y}Z`, class: cls });
    default:
      return s('path', { d: `M${x - 4} ${y - 4}L${x + 4} ${y + 4}M${x + 4} ${y - 4}L${x - 4} ${y + 4}`, class: `${cls} marker-cross` });
  }
}

/** Day series on one axis (days along x); each series its marker shape and dash, named in a legend. */
export function lineChart(title: string, summary: string, days: string[], series: Series[], table: TableSpec, yMax?: number): HTMLElement {
  const width = 640;
  const height = 220;
  const left = 44;
  const bottom = 28;
  const top = 10;
  const right = 12;
  const values = series.flatMap((line) => line.points.filter((p): p is number => p !== null));
  // Whole-number ticks: a count axis never reads 0, 1, 1.
  const max = yMax ?? Math.max(2, Math.ceil(Math.max(...values, 0) / 2) * 2);
  const x = (i: number) => left + (days.length === 1 ? 0 : (i / (days.length - 1)) * (width - left - right));
  const y = (value: number) => top + (1 - value / max) * (height - top - bottom);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart-svg' });
  for (const tick of [0, max / 2, max]) {
    svg.append(s('line', { x1: left, x2: width - right, y1: y(tick), y2: y(tick), class: 'chart-grid' }), s('text', { x: left - 6, y: y(tick) + 4, 'text-anchor': 'end', class: 'chart-axis' }, String(Math.round(tick))));
  }
  const labelled = new Set([0, Math.floor((days.length - 1) / 2), days.length - 1]);
  // The first and last labels hang inward, so none is cut at the edge.
  const anchor = (i: number) => (i === 0 ? 'start' : i === days.length - 1 ? 'end' : 'middle');
  for (const i of labelled) svg.append(s('text', { x: x(i), y: height - 8, 'text-anchor': anchor(i), class: 'chart-axis' }, days[i]!.slice(5)));
  series.forEach((line, index) => {
    const shape = MARKERS[index % MARKERS.length]!;
    const cls = `series series-${index}`;
    let path = '';
    line.points.forEach((value, i) => {
      if (value === null) return;
      path += `${path && line.points[i - 1] !== null ? 'L' : 'M'}${x(i).toFixed(1)} ${y(value).toFixed(1)}`;
    });
    svg.append(s('path', { d: path, class: `chart-line ${cls}` }));
    // Markers on every point up to a month; beyond, every seventh day (and the last) to stay legible.
    line.points.forEach((value, i) => {
      if (value !== null && (days.length <= 31 || i % 7 === 0 || i === days.length - 1)) svg.append(marker(shape, x(i), y(value), `chart-marker ${cls}`));
    });
  });
  const legend = h('ul', { class: 'chart-legend' }, ...series.map((line, index) => h('li', {}, h('span', { class: `legend-mark series-${index}`, 'aria-hidden': 'true' }, MARKER_SYMBOL[MARKERS[index % MARKERS.length]!]), ` ${line.name}`)));
  return figure(title, summary, svg, table, series.length > 1 ? legend : undefined);
}

export interface Stack {
  label: string;
  segments: number[];
}

/** One horizontal bar per row, split into segments; each segment class has its own hatch pattern. */
export function stackedChart(title: string, summary: string, segmentNames: string[], stacks: Stack[], table: TableSpec): HTMLElement {
  const rowHeight = 30;
  const labelWidth = 140;
  const width = 560;
  const max = Math.max(1, ...stacks.map((stack) => stack.segments.reduce((a, b) => a + b, 0)));
  const id = `hatch-${++chartCounter}`;
  const defs = s('defs', {}, ...segmentNames.map((_, i) =>
    s('pattern', { id: `${id}-${i}`, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: `rotate(${[0, 45, 90, 135][i % 4]})` },
      s('rect', { width: 6, height: 6, class: `stack-fill stack-${i}` }),
      i === 0 ? s('g') : s('line', { x1: 0, y1: 0, x2: 0, y2: 6, class: 'stack-hatch' }),
    )));
  const svg = s('svg', { viewBox: `0 0 ${width} ${stacks.length * rowHeight + 10}`, class: 'chart-svg' }, defs);
  stacks.forEach((stack, row) => {
    const y = row * rowHeight + 5;
    let offset = labelWidth;
    svg.append(s('text', { x: labelWidth - 8, y: y + 18, 'text-anchor': 'end', class: 'chart-label' }, stack.label));
    stack.segments.forEach((value, i) => {
      const length = (value / max) * (width - labelWidth - 60);
      if (value > 0) svg.append(s('rect', { x: offset, y, width: length, height: rowHeight - 8, fill: `url(#${id}-${i})`, class: 'stack-segment' }));
      offset += length;
    });
    svg.append(s('text', { x: offset + 6, y: y + 18, class: 'chart-value' }, String(stack.segments.reduce((a, b) => a + b, 0))));
  });
  const swatch = (i: number) => s('svg', { width: 16, height: 16, 'aria-hidden': 'true', class: 'legend-swatch' }, s('rect', { width: 16, height: 16, fill: `url(#${id}-${i})`, class: 'stack-segment' }));
  const legend = h('ul', { class: 'chart-legend' }, ...segmentNames.map((name, i) => h('li', {}, swatch(i), ` ${name}`)));
  return figure(title, summary, svg, table, legend);
}
