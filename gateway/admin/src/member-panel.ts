// The reported member beside the case: account status and sanction, risk level, the safety score
// with every factor's signed contribution and the latest changes, trade counts, and the other
// reports about them (each a link to its own case).
import { h } from './dom.ts';
import { t } from './i18n.ts';
import { accountStatusLabel, formatDateTime, gradeLabel, priorityLabel, reportStatusLabel, reportTypeLabel, riskLevelLabel, sanctionLabel } from './labels.ts';
import { badge } from './queue.ts';
import { rt } from './screen-i18n.ts';

export interface Member {
  id: string;
  nickname: string;
  email: string | null;
  status: string;
  statusUntil: string | null;
  createdAt: string;
  riskLevel: string | null;
  activeSanction: { type: string; reason: string; endsAt: string | null } | null;
  safetyScore: {
    value: number;
    grade: string;
    version: number;
    updatedAt: string;
    factors: Array<{ code: string; contribution: number; description: string }>;
  };
  safetyDisplay: { label: string; accessibleText: string } | null;
  safetyHistory: Array<{ value: number; grade: string; delta: number; reason: string; at: string }>;
  tradeStats: { completed: number; cancelled: number; disputed: number } | null;
  reportsAgainst: Array<{ id: string; type: string; status: string; priority: string; createdAt: string }> | null;
}

const signed = (n: number) => `${n > 0 ? '+' : n < 0 ? '−' : '±'}${Math.abs(Math.round(n * 10) / 10)}`;

function pair(label: string, value: Node | string): HTMLElement {
  return h('div', { class: 'pair' }, h('dt', {}, label), h('dd', {}, value));
}

export function memberPanel(member: Member, currentReportId: string): HTMLElement {
  const score = member.safetyScore;
  const sanction = member.activeSanction;
  return h('section', { class: 'card member', 'aria-labelledby': 'member-section', 'data-member-id': member.id },
    h('h2', { id: 'member-section' }, `${t('targetSection')}: ${member.nickname}`),
    h('p', {}, h('a', { href: `#/members/${encodeURIComponent(member.id)}`, class: 'member-link' }, rt('openMember', { member: member.nickname }))),
    h('dl', { class: 'pairs' },
      member.email ? pair(t('email'), member.email) : null,
      pair(t('accountStatus'), badge('account', member.status, `${accountStatusLabel(member.status)}${member.statusUntil ? ` · ${t('until', { date: formatDateTime(member.statusUntil) })}` : ''}`)),
      pair(t('activeSanction'), sanction ? `${sanctionLabel(sanction.type)} — ${sanction.reason}` : t('none')),
      member.riskLevel ? pair(t('riskLevel'), badge('risk', member.riskLevel, riskLevelLabel(member.riskLevel))) : null,
      pair(t('joined'), formatDateTime(member.createdAt)),
      member.tradeStats ? pair(t('trades'), t('tradeSummary', member.tradeStats)) : null,
    ),
    h('h3', {}, t('safetyScore')),
    h('p', { class: 'score', 'data-grade': score.grade, 'aria-label': member.safetyDisplay?.accessibleText ?? undefined },
      badge('grade', score.grade, member.safetyDisplay?.label ?? gradeLabel(score.grade)),
      h('span', { class: 'score-value' }, t('scoreValue', { value: Math.round(score.value * 10) / 10 })),
    ),
    score.factors.length
      ? h('table', { class: 'factors' },
          h('caption', {}, t('factors')),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('factorCol')), h('th', { scope: 'col', class: 'num' }, t('contributionCol')))),
          h('tbody', {}, ...score.factors.map((factor) =>
            h('tr', {}, h('td', {}, factor.description, h('span', { class: 'code' }, ` ${factor.code}`)), h('td', { class: `num ${factor.contribution < 0 ? 'negative' : 'positive'}` }, signed(factor.contribution))))),
        )
      : null,
    member.safetyHistory.length
      ? h('div', {},
          h('h3', {}, t('historyTitle')),
          h('ol', { class: 'history' }, ...member.safetyHistory.map((change) =>
            h('li', {}, h('time', { datetime: change.at }, formatDateTime(change.at)), ` ${gradeLabel(change.grade)} ${Math.round(change.value)} (${signed(change.delta)}) — ${change.reason}`))),
        )
      : null,
    h('h3', {}, t('reportsAgainst')),
    h('ul', { class: 'against' }, ...(member.reportsAgainst ?? []).map((report) =>
      h('li', {},
        report.id === currentReportId
          ? h('span', {}, `${reportTypeLabel(report.type)} · ${reportStatusLabel(report.status)} ${t('thisReport')}`)
          : h('a', { href: `#/reports/${encodeURIComponent(report.id)}` }, `${reportTypeLabel(report.type)} · ${reportStatusLabel(report.status)} · ${priorityLabel(report.priority)}`),
        ' ',
        h('time', { datetime: report.createdAt }, formatDateTime(report.createdAt)),
      ))),
  );
}
