// The report queue: every status's reports in one request (the API's ADMIN `reports`, most urgent
// first, then oldest), filtered here by status and type with a count beside each choice. "Start
// review" is startReview (RECEIVED → IN_REVIEW), so a second moderator sees the case taken.
import { ApiError, mutate, run } from './api.ts';
import { h, replace } from './dom.ts';
import { t } from './i18n.ts';
import { formatAge, formatDateTime, PRIORITY_RANK, priorityLabel, REPORT_STATUSES, REPORT_TYPES, reportStatusLabel, reportTypeLabel } from './labels.ts';
import { screenHeading } from './sign-in.ts';

/** The API's page limit: a status with this many reports may have more. */
const PAGE = 100;

export interface QueueRow {
  id: string;
  type: string;
  status: string;
  priority: string;
  origin: string;
  createdAt: string;
  target: { id: string; nickname: string };
  reporter: { id: string; nickname: string };
}

const ROW = 'id type status priority origin createdAt target { id nickname } reporter { id nickname }';
const QUEUE = `query AdminReportQueue {
  received: reports(status: RECEIVED, first: ${PAGE}) { ${ROW} }
  inReview: reports(status: IN_REVIEW, first: ${PAGE}) { ${ROW} }
  actionTaken: reports(status: ACTION_TAKEN, first: ${PAGE}) { ${ROW} }
  dismissed: reports(status: DISMISSED, first: ${PAGE}) { ${ROW} }
}`;
const ALIAS: Record<string, string> = { RECEIVED: 'received', IN_REVIEW: 'inReview', ACTION_TAKEN: 'actionTaken', DISMISSED: 'dismissed' };

export const START_REVIEW = `mutation AdminStartReview($id: ID!) { startReview(id: $id) { id status } }`;

/** The filters survive going to a case and back within this tab. */
const filters = { status: 'RECEIVED' as string, type: '' };

/** URGENT, HIGH, NORMAL, then oldest first: the API's order, kept when statuses are merged. */
export function byUrgency(a: QueueRow, b: QueueRow): number {
  return (PRIORITY_RANK[a.priority] ?? 9) - (PRIORITY_RANK[b.priority] ?? 9) || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}

function countText(count: number): string {
  return count >= PAGE ? t('capped', { count }) : String(count);
}

export function badge(kind: string, value: string, label: string): HTMLElement {
  // The class picks colour and a shape marker; the text says the same in words.
  return h('span', { class: `badge ${kind} ${kind}-${value.toLowerCase()}` }, label);
}

export async function renderQueue(root: HTMLElement, open: (id: string, announce?: string) => void): Promise<void> {
  const heading = screenHeading(t('queueTitle'));
  const status = h('p', { class: 'status-line', role: 'status' }, t('loading'));
  const body = h('div', { class: 'queue-body' });
  const refresh = h('button', { type: 'button' }, t('refresh'));
  refresh.addEventListener('click', () => void renderQueue(root, open));
  replace(root, h('section', { class: 'screen queue' }, h('div', { class: 'screen-head' }, heading, refresh), h('p', { class: 'intro' }, t('queueIntro')), status, body));
  heading.focus();

  let byStatus: Record<string, QueueRow[]>;
  try {
    const { data } = await run<Record<string, QueueRow[]>>(QUEUE);
    byStatus = Object.fromEntries(REPORT_STATUSES.map((s) => [s, data?.[ALIAS[s]!] ?? []]));
  } catch (error) {
    status.classList.add('error');
    status.setAttribute('role', 'alert');
    status.textContent = t('error', { message: (error as Error).message });
    return;
  }

  const draw = () => {
    const inStatus = filters.status ? byStatus[filters.status] ?? [] : Object.values(byStatus).flat().sort(byUrgency);
    const rows = filters.type ? inStatus.filter((row) => row.type === filters.type) : inStatus;
    replace(body, filterBar(byStatus, inStatus, draw), table(rows, open, status));
    status.textContent = t('queueCaption', { count: countText(rows.length) });
  };
  draw();
}

function filterBar(byStatus: Record<string, QueueRow[]>, inStatus: QueueRow[], redraw: () => void): HTMLElement {
  // Stable ids: the bar is redrawn on every change and focus must land on the same control again.
  const statusSelect = h('select', { id: 'queue-status' });
  const total = Object.values(byStatus).reduce((sum, rows) => sum + rows.length, 0);
  for (const value of [...REPORT_STATUSES, '']) {
    const count = value ? byStatus[value]!.length : total;
    statusSelect.append(h('option', { value, selected: filters.status === value }, `${value ? reportStatusLabel(value) : t('allStatuses')} (${countText(count)})`));
  }
  statusSelect.addEventListener('change', () => {
    filters.status = statusSelect.value;
    redraw();
    document.getElementById(statusSelect.id)?.focus();
  });
  const typeSelect = h('select', { id: 'queue-type' });
  typeSelect.append(h('option', { value: '', selected: filters.type === '' }, `${t('allTypes')} (${countText(inStatus.length)})`));
  for (const value of REPORT_TYPES) {
    const count = inStatus.filter((row) => row.type === value).length;
    typeSelect.append(h('option', { value, selected: filters.type === value }, `${reportTypeLabel(value)} (${count})`));
  }
  typeSelect.addEventListener('change', () => {
    filters.type = typeSelect.value;
    redraw();
    document.getElementById(typeSelect.id)?.focus();
  });
  return h('div', { class: 'filters', role: 'group', 'aria-label': `${t('statusFilter')} · ${t('typeFilter')}` },
    h('div', { class: 'field' }, h('label', { for: statusSelect.id }, t('statusFilter')), statusSelect),
    h('div', { class: 'field' }, h('label', { for: typeSelect.id }, t('typeFilter')), typeSelect),
  );
}

function table(rows: QueueRow[], open: (id: string, announce?: string) => void, status: HTMLElement): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, t('emptyQueue'));
  const head = h('tr', {}, ...[t('colPriority'), t('colType'), t('colStatus'), t('colTarget'), t('colReporter'), t('colFiled'), t('colActions')].map((text) => h('th', { scope: 'col' }, text)));
  const body = h('tbody', {});
  for (const row of rows) {
    const link = h('a', { href: `#/reports/${encodeURIComponent(row.id)}`, 'aria-label': t('openReport', { target: row.target.nickname }) }, t('open'));
    const actions = h('div', { class: 'actions' }, link);
    if (row.status === 'RECEIVED') {
      const claim = h('button', { type: 'button', 'aria-label': t('claimReport', { target: row.target.nickname }) }, t('claim'));
      claim.addEventListener('click', () => {
        claim.disabled = true;
        mutate(START_REVIEW, { id: row.id })
          .then(() => open(row.id, t('claimed')))
          .catch((error: ApiError) => {
            claim.disabled = false;
            status.setAttribute('role', 'alert');
            status.textContent = t('error', { message: error.message });
          });
      });
      actions.append(claim);
    }
    body.append(h('tr', { 'data-report-id': row.id },
      h('td', {}, badge('priority', row.priority, priorityLabel(row.priority))),
      h('td', {}, reportTypeLabel(row.type)),
      h('td', {}, badge('status', row.status, reportStatusLabel(row.status))),
      h('th', { scope: 'row' }, row.target.nickname),
      h('td', {}, row.reporter.nickname),
      h('td', {}, h('time', { datetime: row.createdAt, title: formatDateTime(row.createdAt) }, formatAge(row.createdAt))),
      h('td', {}, actions),
    ));
  }
  return h('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': t('queueTitle') }, h('table', {}, h('caption', { class: 'visually-hidden' }, t('queueTitle')), h('thead', {}, head), body));
}
