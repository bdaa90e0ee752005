// One report as a case: what was reported and its evidence (images inline, other files linked,
// all through the short-lived signed URLs the API returns to ADMINs), the payment identifiers it
// names with the fraud registry's answer, the linked conversation (opened on request: an audited
// read), the reported member's account, risk level, safety score with its factors and recent
// changes, the other reports about them, the alerts about them and their trades
// (case-evidence.ts, case-conversation.ts), and the decision form (or the outcome once decided).
import { ApiError, mutate, run } from './api.ts';
import { caseEvidence } from './case-evidence.ts';
import { conversationCard } from './case-conversation.ts';
import { h, replace, safeUrl } from './dom.ts';
import { t } from './i18n.ts';
import { decisionForm } from './decision-form.ts';
import { memberPanel, type Member } from './member-panel.ts';
import { formatBytes, formatDateTime, formatWon, originLabel, priorityLabel, reportStatusLabel, reportTypeLabel, sanctionLabel, tradeStatusLabel } from './labels.ts';
import { badge, START_REVIEW } from './queue.ts';
import { screenHeading } from './sign-in.ts';

interface Evidence {
  key: string;
  url: string;
  contentType: string;
  size: number;
}

interface CaseReport {
  id: string;
  type: string;
  status: string;
  priority: string;
  origin: string;
  description: string;
  createdAt: string;
  updatedAt: string;
  resolution: string | null;
  sanction: { type: string; reason: string; startsAt: string; endsAt: string | null } | null;
  evidence: Evidence[];
  reporter: { id: string; nickname: string } | null;
  product: { id: string; title: string } | null;
  transaction: { id: string; status: string; price: number } | null;
  payment: { id: string; amount: number; status: string } | null;
  target: Member;
}

const CASE = `query AdminCase($id: ID!) {
  report(id: $id) {
    id type status priority origin description createdAt updatedAt resolution
    sanction { type reason startsAt endsAt }
    evidence { key url contentType size }
    reporter { id nickname }
    product { id title }
    transaction { id status price }
    payment { id amount status }
    target {
      id nickname email status statusUntil createdAt riskLevel
      activeSanction { type reason endsAt }
      safetyScore { value grade version updatedAt factors { code contribution description } }
      safetyDisplay { label accessibleText }
      safetyHistory(first: 5) { value grade delta reason at }
      tradeStats { completed cancelled disputed }
      reportsAgainst { id type status priority createdAt }
    }
  }
}`;

/** Bumped on every render, so a poll of an earlier case stops once the moderator has moved on. */
let generation = 0;

export async function renderCase(root: HTMLElement, id: string, options: { announce?: string; scoreBefore?: number } = {}): Promise<void> {
  const mine = ++generation;
  const status = h('p', { class: 'status-line', role: 'status' }, options.announce ?? t('loading'));
  const back = h('a', { href: '#/queue', class: 'back' }, t('backToQueue'));
  replace(root, h('section', { class: 'screen case' }, back, status));

  let report: CaseReport | null | undefined;
  let problems: string[] = [];
  try {
    const result = await run<{ report: CaseReport | null }>(CASE, { id });
    report = result.data?.report;
    problems = result.errors.map((e) => e.message);
  } catch (error) {
    status.setAttribute('role', 'alert');
    status.classList.add('error');
    status.textContent = t('error', { message: (error as Error).message });
    return;
  }
  if (mine !== generation) return;
  if (!report) {
    status.textContent = t('notFound');
    return;
  }

  const heading = screenHeading(t('caseTitle', { id: report.id }));
  const refresh = h('button', { type: 'button' }, t('refresh'));
  refresh.addEventListener('click', () => void renderCase(root, id));
  const decided = report.status === 'ACTION_TAKEN' || report.status === 'DISMISSED';
  const side = decided
    ? outcome(report)
    : decisionForm(report, () => void renderCase(root, id, { announce: t('saved'), scoreBefore: report!.target.safetyScore.version }));

  const say = (message: string) => void (status.textContent = message);
  const more = caseEvidence(report.id, report.target.id, say);
  replace(root,
    h('section', { class: 'screen case' },
      back,
      h('div', { class: 'screen-head' }, heading, refresh),
      status,
      problems.length ? h('p', { class: 'error', role: 'alert' }, t('partialData', { message: problems.join(' / ') })) : null,
      h('div', { class: 'case-grid' },
        h('div', { class: 'case-main' },
          reportCard(report, root, status),
          more.identifiers,
          evidenceCard(report.evidence),
          conversationCard(report.id, say),
          h('section', { class: 'card' }, side),
        ),
        h('div', { class: 'case-side' }, memberPanel(report.target, report.id), more.alerts),
      ),
      more.trades,
    ),
  );
  if (!options.announce) status.textContent = '';
  heading.focus();
  if (options.scoreBefore !== undefined) {
    const current = report.target.safetyScore.version;
    void followScore({ id, status, mine, seen: current, changed: current !== options.scoreBefore });
  }
}

/**
 * After a decision the safety worker recalculates within seconds, sometimes twice (the report's
 * outcome, then the sanction): the member panel is redrawn at each new version until the score
 * has held still for a few polls, or 30 s have passed.
 */
async function followScore(state: { id: string; status: HTMLElement; mine: number; seen: number; changed: boolean }): Promise<void> {
  const { status, mine } = state;
  const deadline = Date.now() + 30_000;
  let still = 0;
  if (!state.changed) status.textContent = `${t('saved')} ${t('scoreUpdating')}`;
  // Stops too when the moderator has left the case (its status line is no longer on the page).
  const current = () => mine === generation && status.isConnected;
  while (Date.now() < deadline && current() && still < 3) {
    await new Promise((done) => setTimeout(done, 1_500));
    if (!current()) return;
    const result = await run<{ report: CaseReport | null }>(CASE, { id: state.id }).catch(() => undefined);
    const report = result?.data?.report;
    if (!current() || !report) continue;
    const version = report.target.safetyScore.version;
    if (version === state.seen) {
      if (state.changed) still += 1;
      continue;
    }
    state.seen = version;
    state.changed = true;
    still = 0;
    document.querySelector('.case-side .member')?.replaceWith(memberPanel(report.target, report.id));
    status.textContent = `${t('saved')} ${t('scoreUpdated', { grade: report.target.safetyDisplay?.label ?? report.target.safetyScore.grade })}`;
  }
}

function row(label: string, value: Node | string | null): HTMLElement | null {
  if (value === null || value === '') return null;
  return h('div', { class: 'pair' }, h('dt', {}, label), h('dd', {}, value));
}

function reportCard(report: CaseReport, root: HTMLElement, status: HTMLElement): HTMLElement {
  const claim = report.status === 'RECEIVED' ? h('button', { type: 'button' }, t('claim')) : null;
  claim?.addEventListener('click', () => {
    claim.disabled = true;
    mutate(START_REVIEW, { id: report.id })
      .then(() => renderCase(root, report.id, { announce: t('claimed') }))
      .catch((error: ApiError) => {
        claim.disabled = false;
        status.setAttribute('role', 'alert');
        status.textContent = t('error', { message: error.message });
      });
  });
  return h('section', { class: 'card', 'aria-labelledby': 'report-section' },
    h('div', { class: 'card-head' }, h('h2', { id: 'report-section' }, t('reportSection')), claim),
    h('p', { class: 'badges' }, badge('priority', report.priority, priorityLabel(report.priority)), badge('status', report.status, reportStatusLabel(report.status)), h('span', { class: 'badge plain' }, reportTypeLabel(report.type))),
    h('blockquote', { class: 'description' }, report.description),
    h('dl', { class: 'pairs' },
      row(t('colReporter'), report.reporter?.nickname ?? null),
      row(t('origin'), originLabel(report.origin)),
      row(t('filedAt'), formatDateTime(report.createdAt)),
      row(t('updatedAt'), formatDateTime(report.updatedAt)),
      row(t('product'), report.product?.title ?? null),
      row(t('transaction'), report.transaction ? `${tradeStatusLabel(report.transaction.status)} · ${formatWon(report.transaction.price)}` : null),
      row(t('payment'), report.payment ? `${report.payment.status} · ${formatWon(report.payment.amount)}` : null),
    ),
  );
}

function evidenceCard(evidence: Evidence[]): HTMLElement {
  const items = evidence.map((file, index) => {
    const url = safeUrl(file.url);
    const n = index + 1;
    if (!url) return null;
    if (file.contentType.startsWith('image/')) {
      const alt = t('evidenceImage', { n, type: file.contentType, size: formatBytes(file.size) });
      return h('li', { class: 'evidence-image' },
        h('figure', {},
          h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, h('img', { src: url, alt, loading: 'eager', decoding: 'async' })),
          h('figcaption', {}, alt),
        ),
      );
    }
    const label = file.contentType === 'application/pdf'
      ? t('evidencePdf', { n, size: formatBytes(file.size) })
      : t('evidenceOther', { n, type: file.contentType, size: formatBytes(file.size) });
    return h('li', { class: 'evidence-file' }, h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, label));
  });
  return h('section', { class: 'card', 'aria-labelledby': 'evidence-section' },
    h('h2', { id: 'evidence-section' }, t('evidence')),
    evidence.length === 0 ? h('p', {}, t('noEvidence')) : h('ul', { class: 'evidence' }, ...items),
    evidence.length ? h('p', { class: 'help' }, t('evidenceExpires')) : null,
  );
}

function outcome(report: CaseReport): HTMLElement {
  return h('div', { class: 'outcome' },
    h('h2', {}, t('decided')),
    h('p', { class: 'badges' }, badge('status', report.status, reportStatusLabel(report.status))),
    h('dl', { class: 'pairs' },
      row(t('internalNote'), report.resolution),
      row(t('sanction'), report.sanction ? `${sanctionLabel(report.sanction.type)}${report.sanction.endsAt ? ` · ${t('until', { date: formatDateTime(report.sanction.endsAt) })}` : ''}` : t('none')),
      row(t('publicReasonShown'), report.sanction?.reason ?? null),
    ),
  );
}
