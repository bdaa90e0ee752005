// The report queue: one page at a time in the API's order (ADMIN `reports`: URGENT, HIGH, NORMAL,
// then oldest; for a decided status, the newest decision first, with its time shown), narrowed by
// status and type on the server, with the counts beside each choice from
// `reportCounts` (the database's, not a page's). "Load more" continues after the last row shown.
// "Start review" is startReview (RECEIVED → IN_REVIEW), so a second moderator sees the case taken,
// and by whom (Report.reviewer).
import { ApiError, mutate, run } from './api.ts';
import { h, replace } from './dom.ts';
import { t } from './i18n.ts';
import { formatAge, formatDateTime, priorityLabel, REPORT_STATUSES, REPORT_TYPES, reportStatusLabel, reportTypeLabel } from './labels.ts';
import { ot } from './screen-i18n.ts';
import { screenHeading } from './sign-in.ts';

const PAGE = 50;

export interface QueueRow {
  id: string;
  type: string;
  status: string;
  priority: string;
  origin: string;
  createdAt: string;
  decidedAt: string | null;
  target: { id: string; nickname: string };
  reporter: { id: string; nickname: string };
  reviewer: { id: string; nickname: string } | null;
}

interface Counts {
  total: number;
  byStatus: Array<{ status: string; count: number }>;
  byType: Array<{ type: string; count: number }>;
}

const ROW = 'id type status priority origin createdAt decidedAt target { id nickname } reporter { id nickname } reviewer { id nickname }';
const QUEUE = `query AdminReportQueue($status: ReportStatus, $type: ReportType, $first: Int, $after: ID, $withCounts: Boolean!) {
  reports(status: $status, type: $type, first: $first, after: $after) { ${ROW} }
  reportCounts(status: $status, type: $type) @include(if: $withCounts) { total byStatus { status count } byType { type count } }
}`;

export const START_REVIEW = `mutation AdminStartReview($id: ID!) { startReview(id: $id) { id status } }`;

/** The filters survive going to a case and back within this tab. */
const filters = { status: 'RECEIVED' as string, type: '' };

/** A decided status lists the newest decision first (the API's order for it), so the decision time is shown. */
const decidedFilter = () => filters.status === 'ACTION_TAKEN' || filters.status === 'DISMISSED';

export function badge(kind: string, value: string, label: string): HTMLElement {
  // The class picks colour and a shape marker; the text says the same in words.
  return h('span', { class: `badge ${kind} ${kind}-${value.toLowerCase()}` }, label);
}

async function fetchPage(after: string | null, withCounts: boolean): Promise<{ rows: QueueRow[]; counts?: Counts }> {
  const variables = { status: filters.status || null, type: filters.type || null, first: PAGE, after, withCounts };
  const { data } = await run<{ reports: QueueRow[]; reportCounts?: Counts }>(QUEUE, variables);
  return { rows: data?.reports ?? [], counts: data?.reportCounts };
}

export async function renderQueue(root: HTMLElement, open: (id: string, announce?: string) => void): Promise<void> {
  const heading = screenHeading(t('queueTitle'));
  const status = h('p', { class: 'status-line', role: 'status' }, t('loading'));
  const body = h('div', { class: 'queue-body' });
  const refresh = h('button', { type: 'button' }, t('refresh'));
  refresh.addEventListener('click', () => void renderQueue(root, open));
  const intro = h('p', { class: 'intro' });
  replace(root, h('section', { class: 'screen queue' }, h('div', { class: 'screen-head' }, heading, refresh), intro, status, body));
  heading.focus();

  const fail = (error: unknown) => {
    status.classList.add('error');
    status.setAttribute('role', 'alert');
    status.textContent = t('error', { message: (error as Error).message });
  };
  const load = async (): Promise<void> => {
    intro.textContent = decidedFilter() ? ot('queueIntroDecided') : t('queueIntro');
    let page: Awaited<ReturnType<typeof fetchPage>>;
    try {
      page = await fetchPage(null, true);
    } catch (error) {
      return fail(error);
    }
    const counts = page.counts!;
    const rows = [...page.rows];
    const more = h('button', { type: 'button', class: 'load-more' }, ot('loadMore'));
    const caption = () => {
      status.textContent = `${t('queueCaption', { count: counts.total })} · ${ot('shownOf', { shown: rows.length, total: counts.total })}`;
      more.hidden = rows.length >= counts.total || rows.length === 0;
    };
    more.addEventListener('click', () => {
      more.disabled = true;
      fetchPage(rows.at(-1)!.id, false)
        .then((next) => {
          rows.push(...next.rows);
          const tableBody = body.querySelector('tbody');
          if (tableBody) tableBody.append(...next.rows.map((row) => rowOf(row, open, status)));
          caption();
          // Focus stays useful: on the first new row's link, or the button when nothing came.
          (body.querySelector<HTMLElement>(`tr[data-report-id="${CSS.escape(next.rows[0]?.id ?? '')}"] a`) ?? more).focus();
        })
        .catch(fail)
        .finally(() => (more.disabled = false));
    });
    replace(body, filterBar(counts, load), table(rows, open, status), more);
    caption();
  };
  await load();
}

function filterBar(counts: Counts, reload: () => Promise<void>): HTMLElement {
  // Stable ids: the bar is redrawn on every change and focus must land on the same control again.
  const statusSelect = h('select', { id: 'queue-status' });
  const allStatuses = counts.byStatus.reduce((sum, row) => sum + row.count, 0);
  for (const value of [...REPORT_STATUSES, '']) {
    const count = value ? counts.byStatus.find((row) => row.status === value)?.count ?? 0 : allStatuses;
    statusSelect.append(h('option', { value, selected: filters.status === value }, `${value ? reportStatusLabel(value) : t('allStatuses')} (${count})`));
  }
  const typeSelect = h('select', { id: 'queue-type' });
  const allTypes = counts.byType.reduce((sum, row) => sum + row.count, 0);
  typeSelect.append(h('option', { value: '', selected: filters.type === '' }, `${t('allTypes')} (${allTypes})`));
  for (const value of REPORT_TYPES) {
    const count = counts.byType.find((row) => row.type === value)?.count ?? 0;
    typeSelect.append(h('option', { value, selected: filters.type === value }, `${reportTypeLabel(value)} (${count})`));
  }
  for (const [select, key] of [[statusSelect, 'status'], [typeSelect, 'type']] as const) {
    select.addEventListener('change', () => {
      filters[key] = select.value;
      // The bar is drawn again once the page arrives; focus returns to the same control.
      void reload().then(() => document.getElementById(select.id)?.focus());
    });
  }
  return h('div', { class: 'filters', role: 'group', 'aria-label': `${t('statusFilter')} · ${t('typeFilter')}` },
    h('div', { class: 'field' }, h('label', { for: statusSelect.id }, t('statusFilter')), statusSelect),
    h('div', { class: 'field' }, h('label', { for: typeSelect.id }, t('typeFilter')), typeSelect),
  );
}

function table(rows: QueueRow[], open: (id: string, announce?: string) => void, status: HTMLElement): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, t('emptyQueue'));
  const columns = [t('colPriority'), t('colType'), t('colStatus'), t('colTarget'), t('colReporter'), ot('colReviewer'), t('colFiled'), ...(decidedFilter() ? [ot('colDecided')] : []), t('colActions')];
  const head = h('tr', {}, ...columns.map((text) => h('th', { scope: 'col' }, text)));
  const body = h('tbody', {}, ...rows.map((row) => rowOf(row, open, status)));
  return h('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': t('queueTitle') }, h('table', {}, h('caption', { class: 'visually-hidden' }, t('queueTitle')), h('thead', {}, head), body));
}

function rowOf(row: QueueRow, open: (id: string, announce?: string) => void, status: HTMLElement): HTMLElement {
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
  return h('tr', { 'data-report-id': row.id },
    h('td', {}, badge('priority', row.priority, priorityLabel(row.priority))),
    h('td', {}, reportTypeLabel(row.type)),
    h('td', {}, badge('status', row.status, reportStatusLabel(row.status))),
    h('th', { scope: 'row' }, row.target.nickname),
    h('td', {}, row.reporter.nickname),
    h('td', {}, row.reviewer?.nickname ?? ot('noReviewer')),
    h('td', {}, h('time', { datetime: row.createdAt, title: formatDateTime(row.createdAt) }, formatAge(row.createdAt))),
    decidedFilter() ? h('td', {}, row.decidedAt ? h('time', { datetime: row.decidedAt }, formatDateTime(row.decidedAt)) : '—') : null,
    h('td', {}, actions),
  );
}
