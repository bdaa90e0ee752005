// The member view: search (#/members?q=…, the ADMIN searchUsers field: part of a nickname or email,
// or an id) and one member (#/members/<id>): account status and the sanction in force, the number
// of open sessions (a count, never their details), risk level and the risk actions, the safety
// score with its history as a chart and a table, the sanctions history (the reports about them that
// ended in a sanction), every change of the account's status (status-history.ts), and the risk
// alerts about them.
import './risk.css';
import { run } from './api.ts';
import { h, replace, uid } from './dom.ts';
import { t } from './i18n.ts';
import { accountStatusLabel, formatDateTime, gradeLabel, reportTypeLabel, riskLevelLabel, sanctionLabel } from './labels.ts';
import { alertItem, ALERT_FIELDS, type RiskAlert } from './live-alerts.ts';
import { badge } from './queue.ts';
import { riskActionButtons } from './risk-actions.ts';
import { rt } from './screen-i18n.ts';
import { safetyChart, type ScoreChange } from './safety-chart.ts';
import { screenHeading } from './sign-in.ts';
import { STATUS_HISTORY_FIELDS, statusHistoryCard, type StatusChange } from './status-history.ts';

interface Found {
  id: string;
  nickname: string;
  email: string | null;
  status: string;
  createdAt: string;
}

interface MemberDetail extends Found {
  statusUntil: string | null;
  sessionCount: number | null;
  riskLevel: string | null;
  activeSanction: { type: string; reason: string; endsAt: string | null } | null;
  safetyScore: { value: number; grade: string };
  safetyDisplay: { label: string; accessibleText: string } | null;
  safetyHistory: ScoreChange[];
  reportsAgainst: Array<{ id: string; type: string; status: string; createdAt: string; sanction: { type: string; reason: string; startsAt: string; endsAt: string | null } | null }> | null;
  statusHistory: StatusChange[] | null;
}

const SEARCH = `query AdminSearchMembers($q: String!) { searchUsers(query: $q, first: 20) { id nickname email status createdAt } }`;
const MEMBER = `query AdminMember($id: ID!) {
  user(id: $id) {
    id nickname email status statusUntil createdAt sessionCount riskLevel
    activeSanction { type reason endsAt }
    safetyScore { value grade }
    safetyDisplay { label accessibleText }
    safetyHistory(first: 50) { value grade delta reason at }
    reportsAgainst { id type status createdAt sanction { type reason startsAt endsAt } }
    ${STATUS_HISTORY_FIELDS}
  }
  riskAlerts(userId: $id, first: 20) { ${ALERT_FIELDS} }
}`;

const errorLine = (message: string) => h('p', { class: 'error', role: 'alert' }, t('error', { message }));

export async function renderMemberSearch(root: HTMLElement, query: string): Promise<void> {
  const heading = screenHeading(rt('membersTitle'));
  const input = h('input', { type: 'search', id: 'member-search', name: 'q', value: query, minlength: 2, maxlength: 100, autocomplete: 'off', 'aria-describedby': 'member-search-help' });
  const form = h('form', { class: 'search', role: 'search' },
    h('div', { class: 'field' },
      h('label', { for: input.id }, rt('searchLabel')),
      h('div', { class: 'search-row' }, input, h('button', { type: 'submit', class: 'primary' }, rt('search'))),
      h('p', { class: 'help', id: 'member-search-help' }, rt('searchHelp')),
    ),
  );
  const results = h('div', { class: 'results' });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = `#/members?q=${encodeURIComponent(input.value.trim())}`;
    // The same search again (no hashchange) is redrawn directly.
    if (window.location.hash === next) void renderMemberSearch(root, input.value.trim());
    else window.location.hash = next;
  });
  replace(root, h('section', { class: 'screen members' }, heading, form, results));
  if (!query) {
    input.focus();
    return;
  }
  heading.focus();
  const status = h('p', { class: 'status-line', role: 'status' }, t('loading'));
  replace(results, status);
  let found: Found[];
  try {
    found = (await run<{ searchUsers: Found[] }>(SEARCH, { q: query })).data?.searchUsers ?? [];
  } catch (error) {
    replace(results, errorLine((error as Error).message));
    return;
  }
  if (found.length === 0) {
    status.textContent = rt('noMembers');
    return;
  }
  status.textContent = rt('searchResults', { count: found.length });
  results.append(h('div', { class: 'table-scroll' },
    h('table', { class: 'members-table' },
      h('caption', { class: 'visually-hidden' }, rt('searchResults', { count: found.length })),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, rt('colNickname')),
        h('th', { scope: 'col' }, rt('colEmail')),
        h('th', { scope: 'col' }, t('accountStatus')),
        h('th', { scope: 'col' }, rt('colJoined')),
      )),
      h('tbody', {}, ...found.map((member) =>
        h('tr', { 'data-member-id': member.id },
          h('th', { scope: 'row' }, h('a', { href: `#/members/${encodeURIComponent(member.id)}` }, member.nickname)),
          h('td', {}, member.email ?? '—'),
          h('td', {}, badge('account', member.status, accountStatusLabel(member.status))),
          h('td', {}, h('time', { datetime: member.createdAt }, formatDateTime(member.createdAt))),
        ))),
    )));
}

function pair(label: string, value: Node | string): HTMLElement {
  return h('div', { class: 'pair' }, h('dt', {}, label), h('dd', {}, value));
}

export async function renderMember(root: HTMLElement, id: string, announce?: string): Promise<void> {
  const back = h('a', { href: '#/members', class: 'back' }, rt('backToMembers'));
  const status = h('p', { class: 'status-line', role: 'status' }, announce ?? t('loading'));
  replace(root, h('section', { class: 'screen member-view' }, back, status));
  let member: MemberDetail | null | undefined;
  let alerts: RiskAlert[] = [];
  let problems: string[] = [];
  try {
    const result = await run<{ user: MemberDetail | null; riskAlerts: RiskAlert[] | null }>(MEMBER, { id });
    member = result.data?.user;
    alerts = (result.data?.riskAlerts ?? []).filter((alert) => alert.subject.id === member?.id);
    problems = result.errors.map((e) => e.message);
  } catch (error) {
    replace(root, h('section', { class: 'screen member-view' }, back, errorLine((error as Error).message)));
    return;
  }
  if (!member) {
    status.textContent = rt('memberNotFound');
    return;
  }
  const shown = member;
  const say = (message: string) => void renderMember(root, id, message);
  const heading = screenHeading(rt('memberTitle', { name: member.nickname }));
  const refresh = h('button', { type: 'button' }, t('refresh'));
  refresh.addEventListener('click', () => void renderMember(root, id));
  const sanction = member.activeSanction;
  const sanctions = (member.reportsAgainst ?? []).filter((report) => report.sanction);
  const summaryId = uid('member-summary');

  replace(root,
    h('section', { class: 'screen member-view', 'data-member-id': member.id },
      back,
      h('div', { class: 'screen-head' }, heading, refresh),
      status,
      problems.length ? h('p', { class: 'error', role: 'alert' }, t('partialData', { message: problems.join(' / ') })) : null,
      h('div', { class: 'member-grid' },
        h('section', { class: 'card member-summary', 'aria-labelledby': summaryId },
          h('h2', { id: summaryId }, member.nickname),
          h('p', { class: 'score', 'data-grade': member.safetyScore.grade, 'aria-label': member.safetyDisplay?.accessibleText ?? undefined },
            badge('grade', member.safetyScore.grade, member.safetyDisplay?.label ?? gradeLabel(member.safetyScore.grade)),
            h('span', { class: 'score-value' }, t('scoreValue', { value: Math.round(member.safetyScore.value * 10) / 10 })),
          ),
          h('dl', { class: 'pairs' },
            pair('ID', h('code', {}, member.id)),
            member.email ? pair(t('email'), member.email) : null,
            pair(t('accountStatus'), badge('account', member.status, `${accountStatusLabel(member.status)}${member.statusUntil ? ` · ${t('until', { date: formatDateTime(member.statusUntil) })}` : ''}`)),
            pair(t('activeSanction'), sanction ? `${sanctionLabel(sanction.type)} — ${sanction.reason}` : t('none')),
            member.riskLevel ? pair(t('riskLevel'), badge('risk', member.riskLevel, riskLevelLabel(member.riskLevel))) : null,
            member.sessionCount !== null ? pair(rt('sessions'), rt('sessionsCount', { n: member.sessionCount })) : null,
            pair(t('joined'), formatDateTime(member.createdAt)),
          ),
          h('h3', {}, rt('riskActions')),
          riskActionButtons(shown, say),
        ),
        safetyChart(member.safetyHistory),
      ),
      sanctionsCard(sanctions),
      statusHistoryCard(member.statusHistory),
      h('section', { class: 'card', 'aria-labelledby': 'member-alerts' },
        h('h2', { id: 'member-alerts' }, rt('alertsAbout')),
        alerts.length
          ? h('div', { class: 'alert-feed' }, ...alerts.map((alert) => alertItem(alert, (message) => void (status.textContent = message), { withMember: false })))
          : h('p', {}, rt('noAlertsAbout')),
      ),
    ),
  );
  if (!announce) status.textContent = '';
  heading.focus();
}

function sanctionsCard(reports: NonNullable<MemberDetail['reportsAgainst']>): HTMLElement {
  return h('section', { class: 'card', 'aria-labelledby': 'member-sanctions' },
    h('h2', { id: 'member-sanctions' }, rt('sanctionsHistory')),
    reports.length === 0
      ? h('p', {}, rt('noSanctions'))
      : h('div', { class: 'table-scroll' },
          h('table', { class: 'sanctions' },
            h('thead', {}, h('tr', {},
              h('th', { scope: 'col' }, rt('colSanction')),
              h('th', { scope: 'col' }, rt('colPublicReason')),
              h('th', { scope: 'col' }, rt('colFrom')),
              h('th', { scope: 'col' }, rt('colUntil')),
              h('th', { scope: 'col' }, rt('colReport')),
            )),
            h('tbody', {}, ...reports.map((report) => {
              const sanction = report.sanction!;
              return h('tr', {},
                h('td', {}, sanctionLabel(sanction.type)),
                h('td', {}, sanction.reason),
                h('td', {}, h('time', { datetime: sanction.startsAt }, formatDateTime(sanction.startsAt))),
                h('td', {}, sanction.endsAt ? formatDateTime(sanction.endsAt) : t('permanent')),
                h('td', {}, h('a', { href: `#/reports/${encodeURIComponent(report.id)}` }, `${reportTypeLabel(report.type)} · ${rt('reportsLink', { id: report.id.slice(0, 8) })}`)),
              );
            })),
          ),
        ),
  );
}
