// What the case view shows beyond the report: the payment identifiers the report names with the
// fraud registry's answer for each (Report.paymentIdentifiers), the target's trades (User.transactions,
// paged by "more"), and the risk alerts whose subject is the target (riskAlerts subjectOnly). One
// request with three roots, so one that fails leaves the others on the screen; fetched once per
// case (not by the score poll after a decision).
import './case.css';
import { ApiError, run } from './api.ts';
import { h, replace } from './dom.ts';
import { t } from './i18n.ts';
import { formatDateTime, formatWon, tradeStatusLabel } from './labels.ts';
import { alertItem, ALERT_FIELDS, type RiskAlert } from './live-alerts.ts';
import { badge } from './queue.ts';
import { ct, ctValue } from './case-i18n.ts';

interface FraudCheck {
  type: string;
  identifier: string;
  verdict: string;
  confirmedReports: number;
  pendingReports: number;
  lastReportedAt: string | null;
  message: string;
}

interface Trade {
  id: string;
  status: string;
  price: number;
  createdAt: string;
  updatedAt: string;
  product: { id: string; title: string } | null;
  buyer: { id: string; nickname: string } | null;
  seller: { id: string; nickname: string } | null;
}

const TRADES_PAGE = 10;
const TRADE_FIELDS = 'id status price createdAt updatedAt product { id title } buyer { id nickname } seller { id nickname }';
const EXTRAS = `query AdminCaseEvidence($id: ID!, $target: ID!, $first: Int!) {
  named: report(id: $id) { id paymentIdentifiers { type identifier verdict confirmedReports pendingReports lastReportedAt message } }
  member: user(id: $target) { id transactions(first: $first) { ${TRADE_FIELDS} } }
  riskAlerts(userId: $target, first: 20, subjectOnly: true) { ${ALERT_FIELDS} }
}`;
const MORE_TRADES = `query AdminMoreTrades($target: ID!, $first: Int!, $after: ID!) {
  user(id: $target) { id transactions(first: $first, after: $after) { ${TRADE_FIELDS} } }
}`;

const errorLine = (message: string) => h('p', { class: 'error', role: 'alert' }, t('error', { message }));
const loadingLine = () => h('p', { class: 'help' }, t('loading'));

/** The three cards, filled in when the answer arrives. */
export function caseEvidence(reportId: string, targetId: string, announce: (message: string) => void): { identifiers: HTMLElement; trades: HTMLElement; alerts: HTMLElement } {
  const identifiers = h('section', { class: 'card identifiers', 'aria-labelledby': 'identifiers-section' }, h('h2', { id: 'identifiers-section' }, ct('identifiersTitle')), loadingLine());
  const trades = h('section', { class: 'card trades', 'aria-labelledby': 'trades-section' }, h('h2', { id: 'trades-section' }, ct('tradesTitle')), loadingLine());
  const alerts = h('section', { class: 'card case-alerts', 'aria-labelledby': 'case-alerts-section' }, h('h2', { id: 'case-alerts-section' }, ct('alertsTitle')), loadingLine());
  const fill = (card: HTMLElement, ...body: Array<Node | null>) => replace(card, card.firstElementChild, ...body);

  void run<{ named: { paymentIdentifiers: FraudCheck[] } | null; member: { transactions: Trade[] } | null; riskAlerts: RiskAlert[] | null }>(EXTRAS, { id: reportId, target: targetId, first: TRADES_PAGE })
    .then(({ data, errors }) => {
      const failed = (root: string) => errors.find((e) => e.path?.[0] === root)?.message;
      const named = data?.named?.paymentIdentifiers;
      fill(identifiers, ...(named ? identifierBody(named) : [errorLine(failed('named') ?? t('notFound'))]));
      const list = data?.member?.transactions;
      fill(trades, ...(list ? tradesBody(list, targetId) : [errorLine(failed('member') ?? t('notFound'))]));
      const about = data?.riskAlerts;
      fill(alerts, about
        ? about.length ? h('div', { class: 'alert-feed' }, ...about.map((alert) => alertItem(alert, announce, { withMember: false }))) : h('p', {}, ct('noAlerts'))
        : errorLine(failed('riskAlerts') ?? t('notFound')));
    })
    .catch((error: ApiError) => {
      for (const card of [identifiers, trades, alerts]) fill(card, errorLine(error.message));
    });
  return { identifiers, trades, alerts };
}

function identifierBody(named: FraudCheck[]): Array<Node | null> {
  if (named.length === 0) return [h('p', {}, ct('noIdentifiers'))];
  return [
    h('p', { class: 'help' }, ct('identifiersIntro')),
    h('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': ct('identifiersCaption', { count: named.length }) },
      h('table', { class: 'identifiers' },
        h('caption', { class: 'visually-hidden' }, ct('identifiersCaption', { count: named.length })),
        h('thead', {}, h('tr', {}, ...(['colIdentifierType', 'colIdentifier', 'colVerdict', 'colConfirmed', 'colPending', 'colLastReported', 'colAdvice'] as const).map((key) => h('th', { scope: 'col' }, ct(key))))),
        h('tbody', {}, ...named.map((check) =>
          h('tr', { 'data-verdict': check.verdict },
            h('td', {}, ctValue(check.type)),
            h('td', {}, h('code', {}, check.identifier)),
            h('td', {}, badge('verdict', check.verdict, ctValue(check.verdict))),
            h('td', { class: 'num' }, check.confirmedReports),
            h('td', { class: 'num' }, check.pendingReports),
            h('td', {}, check.lastReportedAt ? h('time', { datetime: check.lastReportedAt }, formatDateTime(check.lastReportedAt)) : '—'),
            h('td', {}, check.message),
          ))),
      ),
    ),
  ];
}

function tradeRow(trade: Trade, targetId: string): HTMLElement {
  const selling = trade.seller?.id === targetId;
  const counterpart = selling ? trade.buyer : trade.seller;
  return h('tr', { 'data-trade-id': trade.id },
    h('td', {}, trade.product?.title ?? '—'),
    h('td', {}, counterpart ? h('a', { href: `#/members/${encodeURIComponent(counterpart.id)}` }, counterpart.nickname) : '—'),
    h('td', {}, ct(selling ? 'roleSeller' : 'roleBuyer')),
    h('td', {}, badge('trade', trade.status, tradeStatusLabel(trade.status))),
    h('td', { class: 'num' }, formatWon(trade.price)),
    h('td', {}, h('time', { datetime: trade.createdAt }, formatDateTime(trade.createdAt))),
    h('td', {}, h('time', { datetime: trade.updatedAt }, formatDateTime(trade.updatedAt))),
  );
}

function tradesBody(first: Trade[], targetId: string): Array<Node | null> {
  if (first.length === 0) return [h('p', {}, ct('noTrades'))];
  const shown = [...first];
  const caption = h('caption', {}, ct('tradesCaption', { count: shown.length }));
  const body = h('tbody', {}, ...shown.map((trade) => tradeRow(trade, targetId)));
  const more = first.length === TRADES_PAGE ? h('button', { type: 'button' }, ct('moreTrades')) : null;
  const problem = h('div', {});
  more?.addEventListener('click', () => {
    more.disabled = true;
    run<{ user: { transactions: Trade[] } | null }>(MORE_TRADES, { target: targetId, first: TRADES_PAGE, after: shown[shown.length - 1]!.id })
      .then(({ data, errors }) => {
        if (errors.length) throw new ApiError(errors[0]!.message, errors[0]!.extensions?.code);
        const next = data?.user?.transactions ?? [];
        shown.push(...next);
        body.append(...next.map((trade) => tradeRow(trade, targetId)));
        caption.textContent = ct('tradesCaption', { count: shown.length });
        problem.replaceChildren();
        if (next.length < TRADES_PAGE) more.remove();
        else more.disabled = false;
      })
      .catch((error: ApiError) => {
        more.disabled = false;
        problem.replaceChildren(errorLine(error.message));
      });
  });
  return [
    h('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': ct('tradesTable') },
      h('table', { class: 'trades' },
        caption,
        h('thead', {}, h('tr', {}, ...(['colProduct', 'colCounterpart', 'colRole', 'colState', 'colAmount', 'colStarted', 'colUpdated'] as const).map((key) => h('th', { scope: 'col' }, ct(key))))),
        body,
      ),
    ),
    problem,
    more,
  ];
}
