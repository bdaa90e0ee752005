// The member view's account status history (User.statusHistory, ADMIN): every change of the
// account's status, newest first — an ADMIN's setUserStatus as well as a report's suspension or ban
// and its end — with when, from → to, until when, the reason, where it came from (a report links
// to its case) and who made it. The sanctions history beside it lists the reports' sanctions
// (warnings included, which change no status); this one is the account's own record.
import { h } from './dom.ts';
import { t } from './i18n.ts';
import { accountStatusLabel, formatDateTime } from './labels.ts';
import { badge } from './queue.ts';
import { rt } from './screen-i18n.ts';

export interface StatusChange {
  id: string;
  at: string;
  from: string;
  to: string;
  until: string | null;
  reason: string;
  origin: 'ADMIN' | 'REPORT_SANCTION' | 'SANCTION_ENDED';
  reportId: string | null;
  actor: { id: string; nickname: string } | null;
}

export const STATUS_HISTORY_FIELDS = 'statusHistory(first: 50) { id at from to until reason origin reportId actor { id nickname } }';

const ORIGIN_KEY = { ADMIN: 'originAdmin', REPORT_SANCTION: 'originReportSanction', SANCTION_ENDED: 'originSanctionEnded' } as const;

function origin(change: StatusChange): Node | string {
  const label = rt(ORIGIN_KEY[change.origin]);
  if (!change.reportId) return label;
  return h('a', { href: `#/reports/${encodeURIComponent(change.reportId)}` }, `${label} · ${rt('reportsLink', { id: change.reportId.slice(0, 8) })}`);
}

export function statusHistoryCard(changes: StatusChange[] | null | undefined): HTMLElement {
  const list = changes ?? [];
  return h('section', { class: 'card', 'aria-labelledby': 'member-status-history' },
    h('h2', { id: 'member-status-history' }, rt('statusHistory')),
    h('p', { class: 'help', id: 'member-status-history-help' }, rt('statusHistoryIntro')),
    list.length === 0
      ? h('p', {}, rt('noStatusChanges'))
      : h('div', { class: 'table-scroll' },
          h('table', { class: 'status-history', 'aria-describedby': 'member-status-history-help' },
            h('thead', {}, h('tr', {},
              h('th', { scope: 'col' }, rt('colWhen')),
              h('th', { scope: 'col' }, rt('colStatusChange')),
              h('th', { scope: 'col' }, rt('colUntil')),
              h('th', { scope: 'col' }, rt('colReason')),
              h('th', { scope: 'col' }, rt('colOrigin')),
              h('th', { scope: 'col' }, rt('colBy')),
            )),
            h('tbody', {}, ...list.map((change) =>
              h('tr', { 'data-status-change': change.id, 'data-origin': change.origin },
                h('td', {}, h('time', { datetime: change.at }, formatDateTime(change.at))),
                h('td', {}, badge('account', change.from, accountStatusLabel(change.from)), ' → ', badge('account', change.to, accountStatusLabel(change.to))),
                h('td', {}, change.until ? h('time', { datetime: change.until }, formatDateTime(change.until)) : '—'),
                h('td', {}, change.reason),
                h('td', {}, origin(change)),
                h('td', {}, change.actor ? h('a', { href: `#/members/${encodeURIComponent(change.actor.id)}` }, change.actor.nickname) : rt('automatic')),
              ))),
          ),
        ),
  );
}
