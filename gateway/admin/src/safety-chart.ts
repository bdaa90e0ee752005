// The safety score over time as an inline SVG line (no chart library): oldest left, 0–100 up the
// side with the grade bands behind it. The picture is decorative for assistive technology
// (aria-hidden); the same figures come as a one-sentence summary and a table beside it.
import { h } from './dom.ts';
import { formatDateTime, gradeLabel } from './labels.ts';
import { rt } from './screen-i18n.ts';

export interface ScoreChange {
  value: number;
  grade: string;
  delta: number;
  reason: string;
  at: string;
}

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 640;
const HEIGHT = 220;
const PAD = { left: 40, right: 12, top: 12, bottom: 28 };
/** The grade bands (subgraphs/safety/src/score/safety-score.ts, default rules), drawn as light stripes with their names. */
const BANDS: Array<{ grade: string; from: number; to: number }> = [
  { grade: 'DANGER', from: 0, to: 20 },
  { grade: 'CAUTION', from: 20, to: 40 },
  { grade: 'NORMAL', from: 40, to: 60 },
  { grade: 'SAFE', from: 60, to: 80 },
  { grade: 'VERY_SAFE', from: 80, to: 100 },
];

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>, ...children: Array<SVGElement | string>): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child);
  return element;
}

const round = (n: number) => Math.round(n * 10) / 10;
const signed = (n: number) => `${n > 0 ? '+' : n < 0 ? '−' : '±'}${Math.abs(round(n))}`;

/** `changes` newest first, as the API gives them. */
export function safetyChart(changes: ScoreChange[]): HTMLElement {
  const headingId = 'safety-chart-title';
  if (changes.length === 0) {
    return h('section', { class: 'card chart', 'aria-labelledby': headingId }, h('h2', { id: headingId }, rt('chartTitle')), h('p', {}, rt('chartEmpty')));
  }
  const points = [...changes].reverse();
  const values = points.map((p) => p.value);
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const summary = rt('chartSummary', {
    count: points.length,
    first: round(first.value),
    from: gradeLabel(first.grade),
    last: round(last.value),
    to: gradeLabel(last.grade),
    min: round(Math.min(...values)),
    max: round(Math.max(...values)),
  });

  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (points.length === 1 ? plotWidth / 2 : (i * plotWidth) / (points.length - 1));
  const y = (value: number) => PAD.top + plotHeight - (Math.max(0, Math.min(100, value)) / 100) * plotHeight;
  const bands = BANDS.map((band) =>
    svg('g', { class: `band band-${band.grade.toLowerCase()}` },
      svg('rect', { x: PAD.left, y: y(band.to), width: plotWidth, height: y(band.from) - y(band.to) }),
      svg('text', { x: PAD.left + 4, y: y(band.to) + 13, class: 'band-label' }, gradeLabel(band.grade)),
    ));
  const axis = [0, 50, 100].map((tick) => svg('text', { x: PAD.left - 6, y: y(tick) + 4, class: 'tick', 'text-anchor': 'end' }, String(tick)));
  const line = svg('polyline', { class: 'line', points: points.map((p, i) => `${x(i)},${y(p.value)}`).join(' ') });
  // Each point's shape follows its grade (a cross for DANGER), so even the picture is not colour alone.
  const marks = points.map((p, i) =>
    p.grade === 'DANGER'
      ? svg('path', { class: 'mark danger', d: `M${x(i) - 5},${y(p.value) - 5} l10,10 m0,-10 l-10,10` })
      : svg('circle', { class: `mark grade-${p.grade.toLowerCase()}`, cx: x(i), cy: y(p.value), r: 4 }));
  const dates = [
    svg('text', { x: PAD.left, y: HEIGHT - 8, class: 'tick' }, formatDateTime(first.at)),
    points.length > 1 ? svg('text', { x: WIDTH - PAD.right, y: HEIGHT - 8, class: 'tick', 'text-anchor': 'end' }, formatDateTime(last.at)) : '',
  ];
  const picture = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'score-chart', 'aria-hidden': 'true', focusable: 'false' }, ...bands, ...axis, line, ...marks, ...dates);

  const table = h('table', { class: 'chart-table' },
    h('caption', {}, rt('chartTable')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, rt('colWhen')),
      h('th', { scope: 'col', class: 'num' }, rt('colScore')),
      h('th', { scope: 'col' }, rt('colGrade')),
      h('th', { scope: 'col', class: 'num' }, rt('colChange')),
      h('th', { scope: 'col' }, rt('colCause')),
    )),
    h('tbody', {}, ...changes.map((change) =>
      h('tr', {},
        h('td', {}, h('time', { datetime: change.at }, formatDateTime(change.at))),
        h('td', { class: 'num' }, String(round(change.value))),
        h('td', {}, gradeLabel(change.grade)),
        h('td', { class: `num ${change.delta < 0 ? 'negative' : 'positive'}` }, signed(change.delta)),
        h('td', {}, change.reason),
      ))),
  );
  return h('section', { class: 'card chart', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, rt('chartTitle')),
    h('p', { class: 'chart-summary' }, summary),
    h('figure', { class: 'chart-figure' }, picture),
    h('div', { class: 'table-scroll' }, table),
  );
}
