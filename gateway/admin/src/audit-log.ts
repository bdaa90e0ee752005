// The audit log (#/audit): what administrators did, newest first, from every service (the
// monitor's ADMIN `auditLog`, fed by each service's audited actions). Narrowed by administrator id
// and action; "Load more" continues after the last entry shown.
import { run } from './api.ts';
import { h, replace } from './dom.ts';
import { t } from './i18n.ts';
import { formatDateTime } from './labels.ts';
import { ot } from './screen-i18n.ts';
import { screenHeading } from './sign-in.ts';
import './dashboard.css';

const PAGE = 50;

interface Entry {
  id: string;
  service: string;
  actor: { id: string; nickname: string } | null;
  action: string;
  subjectId: string | null;
  details: unknown;
  at: string;
}

const LOG = `query AdminAuditLog($first: Int, $after: ID, $actorId: ID, $action: String) {
  auditLog(first: $first, after: $after, actorId: $actorId, action: $action) { id service actor { id nickname } action subjectId details at }
}`;

const filters = { actorId: '', action: '' };

async function fetchPage(after: string | null): Promise<Entry[]> {
  const { data } = await run<{ auditLog: Entry[] }>(LOG, { first: PAGE, after, actorId: filters.actorId || null, action: filters.action || null });
  return data?.auditLog ?? [];
}

export async function renderAuditLog(root: HTMLElement): Promise<void> {
  const heading = screenHeading(ot('auditTitle'));
  const status = h('p', { class: 'status-line', role: 'status' }, t('loading'));
  const actor = h('input', { id: 'audit-actor', type: 'text', value: filters.actorId, autocomplete: 'off', spellcheck: 'false' });
  const action = h('input', { id: 'audit-action', type: 'text', value: filters.action, autocomplete: 'off', spellcheck: 'false', placeholder: 'report.processed' });
  const form = h('form', { 'aria-label': ot('auditTitle') },
    h('div', { class: 'field' }, h('label', { for: actor.id }, ot('actorFilter')), actor),
    h('div', { class: 'field' }, h('label', { for: action.id }, ot('actionFilter')), action),
    h('button', { type: 'submit' }, ot('applyFilters')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    filters.actorId = actor.value.trim();
    filters.action = action.value.trim();
    void renderAuditLog(root);
  });
  const body = h('div', {});
  replace(root, h('section', { class: 'screen audit' }, h('div', { class: 'screen-head' }, heading), h('p', { class: 'intro' }, ot('auditIntro')), form, status, body));
  heading.focus();

  const fail = (error: unknown) => {
    status.classList.add('error');
    status.setAttribute('role', 'alert');
    status.textContent = t('error', { message: (error as Error).message });
  };
  let entries: Entry[];
  try {
    entries = await fetchPage(null);
  } catch (error) {
    return fail(error);
  }
  status.textContent = '';
  if (entries.length === 0) return replace(body, h('p', { class: 'empty' }, ot('emptyAudit')));
  const tbody = h('tbody', {}, ...entries.map(rowOf));
  const more = h('button', { type: 'button', class: 'load-more', hidden: entries.length < PAGE }, ot('loadMore'));
  more.addEventListener('click', () => {
    more.disabled = true;
    fetchPage(entries.at(-1)!.id)
      .then((next) => {
        entries.push(...next);
        tbody.append(...next.map(rowOf));
        more.hidden = next.length < PAGE;
        (tbody.querySelector<HTMLElement>(`tr[data-entry-id="${CSS.escape(next[0]?.id ?? '')}"] th`) ?? more).focus();
      })
      .catch(fail)
      .finally(() => (more.disabled = false));
  });
  const head = h('tr', {}, ...[ot('colWhen'), ot('colActor'), ot('colAction'), ot('colSubject'), ot('colService'), ot('colDetails')].map((text) => h('th', { scope: 'col' }, text)));
  replace(body,
    h('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': ot('auditTitle') }, h('table', {}, h('caption', { class: 'visually-hidden' }, ot('auditTitle')), h('thead', {}, head), tbody)),
    more,
  );
}

function rowOf(entry: Entry): HTMLElement {
  return h('tr', { 'data-entry-id': entry.id, 'data-action': entry.action },
    h('th', { scope: 'row', tabindex: -1 }, h('time', { datetime: entry.at }, formatDateTime(entry.at))),
    h('td', {}, entry.actor ? entry.actor.nickname : '—'),
    h('td', {}, h('code', {}, entry.action)),
    h('td', {}, entry.subjectId ? h('code', {}, entry.subjectId) : '—'),
    h('td', {}, entry.service),
    h('td', { class: 'details' }, entry.details === null || entry.details === undefined ? '—' : JSON.stringify(entry.details)),
  );
}
