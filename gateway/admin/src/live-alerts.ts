// Live risk alerts (#/alerts): the newest alerts first (recentRiskAlerts on open, again after every
// reconnection), then each alert the ADMIN `riskAlerts` subscription pushes while the page is open.
// Each alert: its level in words, a shape and a colour; the member (a link to the member view);
// the rule and the plain reason; acknowledge (acknowledgeRiskAlert); and the risk actions.
import './risk.css';
import { ApiError, mutate, run } from './api.ts';
import { subscribeAlerts, type AlertFeed, type FeedState } from './alert-socket.ts';
import { h, replace, uid } from './dom.ts';
import { t } from './i18n.ts';
import { formatDateTime, riskLevelLabel } from './labels.ts';
import { badge } from './queue.ts';
import { riskActionButtons } from './risk-actions.ts';
import { rt } from './screen-i18n.ts';
import { ruleLabel } from './rule-labels.ts';
import { screenHeading } from './sign-in.ts';

export interface RiskAlert {
  id: string;
  level: string;
  rule: string;
  message: string;
  createdAt: string;
  acknowledged: boolean;
  subject: { id: string; nickname: string };
}

export const ALERT_FIELDS = 'id level rule message createdAt acknowledged subject { id nickname }';
const RECENT = `query AdminRecentAlerts($min: RiskLevel!) { recentRiskAlerts(minLevel: $min, first: 50) { ${ALERT_FIELDS} } }`;
const LIVE = `subscription AdminLiveAlerts($min: RiskLevel!) { riskAlerts(minLevel: $min) { ${ALERT_FIELDS} } }`;
const ACKNOWLEDGE = `mutation AdminAcknowledgeAlert($id: ID!) { acknowledgeRiskAlert(id: $id) { ${ALERT_FIELDS} } }`;
const LEVELS = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
const SHOWN = 100;

/** The feed of the screen on the page; stopped whenever the screen is left. */
let feed: AlertFeed | undefined;

export function stopAlertFeed(): void {
  feed?.stop();
  feed = undefined;
}

const memberHref = (id: string) => `#/members/${encodeURIComponent(id)}`;

/** One alert as an article: level, member, rule and reason, time, acknowledge and actions. */
export function alertItem(alert: RiskAlert, announce: (message: string) => void, options: { withMember?: boolean } = {}): HTMLElement {
  const titleId = uid('alert');
  const ackState = h('span', { class: `ack ${alert.acknowledged ? 'done' : ''}` }, alert.acknowledged ? `✓ ${rt('acknowledged')}` : rt('notAcknowledged'));
  const ack = alert.acknowledged ? null : h('button', { type: 'button', 'aria-label': rt('acknowledgeAlert', { member: alert.subject.nickname }) }, rt('acknowledge'));
  ack?.addEventListener('click', () => {
    ack.disabled = true;
    mutate<{ acknowledgeRiskAlert: RiskAlert }>(ACKNOWLEDGE, { id: alert.id })
      .then(({ acknowledgeRiskAlert }) => {
        const next = alertItem(acknowledgeRiskAlert, announce, options);
        item.replaceWith(next);
        next.querySelector<HTMLElement>('.ack')?.setAttribute('tabindex', '-1');
        next.querySelector<HTMLElement>('.ack')?.focus();
        announce(rt('acknowledgedDone'));
      })
      .catch((error: ApiError) => {
        ack.disabled = false;
        announce(t('error', { message: error.message }));
      });
  });
  const item = h('article', { class: `alert-item level-${alert.level.toLowerCase()}`, 'aria-labelledby': titleId, 'data-alert-id': alert.id, 'data-level': alert.level },
    h('div', { class: 'alert-head' },
      badge('risk', alert.level, riskLevelLabel(alert.level)),
      h('h3', { id: titleId }, `${ruleLabel(alert.rule)} `, h('span', { class: 'code' }, alert.rule)),
      h('time', { datetime: alert.createdAt }, formatDateTime(alert.createdAt)),
    ),
    h('dl', { class: 'pairs' },
      options.withMember === false ? null : h('div', { class: 'pair' }, h('dt', {}, rt('subject')), h('dd', {}, h('a', { href: memberHref(alert.subject.id), 'aria-label': rt('openMember', { member: alert.subject.nickname }) }, alert.subject.nickname))),
      h('div', { class: 'pair' }, h('dt', {}, rt('reason')), h('dd', {}, alert.message)),
    ),
    h('div', { class: 'alert-foot' }, ackState, ack, riskActionButtons(alert.subject, announce)),
  );
  return item;
}

export async function renderAlerts(root: HTMLElement): Promise<void> {
  stopAlertFeed();
  const heading = screenHeading(rt('alertsTitle'));
  const connection = h('p', { class: 'feed-state', 'data-state': 'connecting', 'aria-live': 'polite' }, rt('feedConnecting'));
  // Status messages (acknowledged, actions) and new alerts are announced politely, one place.
  const status = h('p', { class: 'status-line', role: 'status' });
  const announce = (message: string) => void (status.textContent = message);
  const level = h('select', { id: 'alerts-level' }, ...LEVELS.map((value) => h('option', { value, selected: value === 'MEDIUM' }, riskLevelLabel(value))));
  const list = h('div', { class: 'alert-feed', 'aria-live': 'off' });
  const caption = h('p', { class: 'feed-count' });
  const ids = new Set<string>();

  const count = () => {
    caption.textContent = ids.size ? rt('feedCaption', { count: ids.size }) : rt('emptyFeed');
  };
  const add = (alert: RiskAlert, live: boolean) => {
    if (ids.has(alert.id)) return;
    ids.add(alert.id);
    const item = alertItem(alert, announce);
    if (live) item.classList.add('fresh');
    // Newest first: find the first older item, so alerts fetched after a reconnection fall in place.
    const older = [...list.children].find((child) => (child.querySelector('time')?.getAttribute('datetime') ?? '') < alert.createdAt);
    list.insertBefore(item, older ?? null);
    while (list.children.length > SHOWN) {
      const last = list.lastElementChild as HTMLElement;
      ids.delete(last.dataset.alertId ?? '');
      last.remove();
    }
    count();
    if (live) announce(rt('newAlert', { member: alert.subject.nickname, rule: ruleLabel(alert.rule) }));
  };
  const loadRecent = async (live: boolean) => {
    try {
      const { data } = await run<{ recentRiskAlerts: RiskAlert[] }>(RECENT, { min: level.value });
      if (!list.isConnected) return;
      for (const alert of [...(data?.recentRiskAlerts ?? [])].reverse()) add(alert, live);
      count();
    } catch (error) {
      announce(t('error', { message: (error as Error).message }));
    }
  };
  const showState = (state: FeedState) => {
    connection.dataset.state = state.kind;
    connection.textContent = state.kind === 'live' ? `● ${rt('feedLive')}` : state.kind === 'connecting' ? `○ ${rt('feedConnecting')}` : `✕ ${rt('feedReconnecting', { seconds: state.seconds })}`;
  };
  const start = () => {
    stopAlertFeed();
    feed = subscribeAlerts<RiskAlert>(LIVE, { min: level.value }, {
      onAlert: (alert) => add(alert, true),
      onState: showState,
      onReconnected: () => void loadRecent(false),
    });
  };
  level.addEventListener('change', () => {
    ids.clear();
    list.replaceChildren();
    void loadRecent(false).then(start);
  });

  replace(root,
    h('section', { class: 'screen alerts' },
      h('div', { class: 'screen-head' }, heading, connection),
      h('p', { class: 'intro' }, rt('alertsIntro')),
      h('div', { class: 'filters' }, h('div', { class: 'field' }, h('label', { for: level.id }, rt('minLevel')), level)),
      status,
      caption,
      list,
    ),
  );
  heading.focus();
  await loadRecent(false);
  if (root.contains(list)) start();
}
