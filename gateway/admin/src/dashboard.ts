// The dashboard (#/dashboard): members by grade, the average score per day, alerts by rule per
// day, reports by type and outcome and trades completed per day, for the last 7, 30 or 90 days. One
// request through the gateway; each figure is an ADMIN-only field of the subgraph that owns it
// (safety, monitor, report, transaction), counted there set-based.
import './dashboard.css';
import { run } from './api.ts';
import { barChart, lineChart, stackedChart } from './charts.ts';
import { h, replace } from './dom.ts';
import { t } from './i18n.ts';
import { gradeLabel, reportStatusLabel, reportTypeLabel } from './labels.ts';
import { ot } from './screen-i18n.ts';
import { screenHeading } from './sign-in.ts';

const GRADES = ['VERY_SAFE', 'SAFE', 'NORMAL', 'CAUTION', 'DANGER'];
const OUTCOMES = ['RECEIVED', 'IN_REVIEW', 'ACTION_TAKEN', 'DISMISSED'];
const PERIODS = [7, 30, 90];
/** Rules drawn as lines; the table lists them all. */
const CHARTED_RULES = 5;

interface DashboardData {
  safetyDashboard: { usersByGrade: Array<{ grade: string; count: number }>; averageScore: number; averageScoreByDay: Array<{ day: string; average: number | null; members: number }> };
  riskAlertsByRule: Array<{ rule: string; total: number; perDay: Array<{ day: string; count: number }> }>;
  reportOutcomes: Array<{ type: string; status: string; count: number }>;
  tradesCompletedByDay: Array<{ day: string; count: number }>;
}

const DASHBOARD = `query AdminDashboard($days: Int!) {
  safetyDashboard { usersByGrade { grade count } averageScore averageScoreByDay(days: $days) { day average members } }
  riskAlertsByRule(days: $days) { rule total perDay { day count } }
  reportOutcomes(days: $days) { type status count }
  tradesCompletedByDay(days: $days) { day count }
}`;

let period = 30;

export async function renderDashboard(root: HTMLElement): Promise<void> {
  const heading = screenHeading(ot('dashboardTitle'));
  const select = h('select', { id: 'dashboard-period' }, ...PERIODS.map((days) => h('option', { value: days, selected: days === period }, ot('periodDays', { days }))));
  select.addEventListener('change', () => {
    period = Number(select.value);
    void renderDashboard(root).then(() => document.getElementById('dashboard-period')?.focus());
  });
  const status = h('p', { class: 'status-line', role: 'status' }, t('loading'));
  const body = h('div', { class: 'dashboard-grid' });
  replace(root, h('section', { class: 'screen dashboard' },
    h('div', { class: 'screen-head' }, heading, h('div', { class: 'field inline' }, h('label', { for: select.id }, ot('period')), select)),
    h('p', { class: 'intro' }, ot('dashboardIntro', { days: period })),
    status,
    body,
  ));
  heading.focus();
  let data: DashboardData;
  try {
    const result = await run<DashboardData>(DASHBOARD, { days: period });
    if (!result.data) throw new Error(result.errors[0]?.message ?? t('networkError'));
    data = result.data;
  } catch (error) {
    status.classList.add('error');
    status.setAttribute('role', 'alert');
    status.textContent = t('error', { message: (error as Error).message });
    return;
  }
  status.textContent = '';
  replace(body, grades(data), averages(data), alerts(data), reports(data), trades(data));
}

function grades(data: DashboardData): HTMLElement {
  const rows = GRADES.map((grade) => ({ grade, count: data.safetyDashboard.usersByGrade.find((row) => row.grade === grade)?.count ?? 0 }));
  const total = rows.reduce((sum, row) => sum + row.count, 0);
  const top = rows.reduce((best, row) => (row.count > best.count ? row : best), rows[0]!);
  return barChart(
    ot('membersByGrade'),
    ot('membersByGradeSummary', { total, top: gradeLabel(top.grade), count: top.count }),
    rows.map((row) => ({ label: gradeLabel(row.grade), value: row.count, kind: `grade-${row.grade.toLowerCase()}` })),
    { head: [ot('colGrade'), ot('colMembers')], rows: rows.map((row) => [gradeLabel(row.grade), row.count]) },
  );
}

function averages(data: DashboardData): HTMLElement {
  const points = data.safetyDashboard.averageScoreByDay;
  const known = points.filter((p) => p.average !== null);
  const first = known[0];
  const last = known.at(-1);
  const summary = first && last
    ? ot('averageScoreSummary', { first: first.day, from: first.average!, last: last.day, to: last.average!, now: data.safetyDashboard.averageScore })
    : ot('noScoreYet');
  return lineChart(
    ot('averageScore'),
    summary,
    points.map((p) => p.day),
    [{ name: ot('colAverage'), points: points.map((p) => p.average) }],
    { head: [ot('colDay'), ot('colAverage'), ot('colMembers')], rows: points.map((p) => [p.day, p.average ?? ot('noScoreYet'), p.members]) },
    100,
  );
}

function alerts(data: DashboardData): HTMLElement {
  const rules = data.riskAlertsByRule;
  const days = data.tradesCompletedByDay.map((p) => p.day);
  if (rules.length === 0) {
    return lineChart(ot('alertsByRule'), ot('noAlerts'), days, [{ name: ot('colCount'), points: days.map(() => 0) }], { head: [ot('colRule'), ot('colTotal')], rows: [] });
  }
  const total = rules.reduce((sum, rule) => sum + rule.total, 0);
  const charted = rules.slice(0, CHARTED_RULES);
  return lineChart(
    ot('alertsByRule'),
    ot('alertsByRuleSummary', { total, top: rules[0]!.rule, count: rules[0]!.total }),
    days,
    charted.map((rule) => ({ name: rule.rule, points: rule.perDay.map((p) => p.count) })),
    { head: [ot('colDay'), ...charted.map((rule) => rule.rule)], rows: days.map((day, i) => [day, ...charted.map((rule) => rule.perDay[i]?.count ?? 0)]) },
  );
}

function reports(data: DashboardData): HTMLElement {
  const types = [...new Set(data.reportOutcomes.map((row) => row.type))];
  const count = (type: string, status: string) => data.reportOutcomes.find((row) => row.type === type && row.status === status)?.count ?? 0;
  const all = (status: string) => types.reduce((sum, type) => sum + count(type, status), 0);
  const total = OUTCOMES.reduce((sum, status) => sum + all(status), 0);
  const stacks = types.map((type) => ({ label: reportTypeLabel(type), segments: OUTCOMES.map((status) => count(type, status)) }));
  return stackedChart(
    ot('reportsByType'),
    ot('reportsByTypeSummary', { total, taken: all('ACTION_TAKEN'), dismissed: all('DISMISSED'), open: all('RECEIVED') + all('IN_REVIEW') }),
    OUTCOMES.map(reportStatusLabel),
    stacks,
    { head: [t('colType'), ...OUTCOMES.map(reportStatusLabel), ot('colTotal')], rows: stacks.map((stack) => [stack.label, ...stack.segments, stack.segments.reduce((a, b) => a + b, 0)]) },
  );
}

function trades(data: DashboardData): HTMLElement {
  const points = data.tradesCompletedByDay;
  const total = points.reduce((sum, p) => sum + p.count, 0);
  const top = points.reduce((best, p) => (p.count > best.count ? p : best), points[0]!);
  return lineChart(
    ot('tradesCompleted'),
    ot('tradesCompletedSummary', { total, top: top.day, count: top.count }),
    points.map((p) => p.day),
    [{ name: ot('colCount'), points: points.map((p) => p.count) }],
    { head: [ot('colDay'), ot('colCount')], rows: points.map((p) => [p.day, p.count]) },
  );
}
