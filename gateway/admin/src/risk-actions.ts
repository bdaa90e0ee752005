// The risk actions an ADMIN takes on a member (takeRiskAction): hold their trades, restrict the
// account, or clear every risk signal. Each asks for a reason (kept in the audit log) and then a
// modal confirmation that says in words what will happen; focus stays in it and Escape backs out.
import { ApiError, mutate } from './api.ts';
import { closableModal, h, uid } from './dom.ts';
import { t } from './i18n.ts';
import { rt } from './screen-i18n.ts';

const TAKE_ACTION = `mutation AdminRiskAction($input: RiskActionInput!) { takeRiskAction(input: $input) }`;

export const RISK_ACTIONS = ['HOLD_TRANSACTIONS', 'RESTRICT_ACCOUNT', 'CLEAR'] as const;
export type RiskAction = (typeof RISK_ACTIONS)[number];

export function actionLabel(action: RiskAction): string {
  return action === 'HOLD_TRANSACTIONS' ? rt('actionHold') : action === 'RESTRICT_ACCOUNT' ? rt('actionRestrict') : rt('actionClear');
}

function actionText(action: RiskAction, member: string): string {
  if (action === 'HOLD_TRANSACTIONS') return rt('actionHoldText', { member });
  if (action === 'RESTRICT_ACCOUNT') return rt('actionRestrictText', { member });
  return rt('actionClearText', { member });
}

/** A group of three buttons; each opens the dialog for its action. `done` runs after the API accepted it. */
export function riskActionButtons(member: { id: string; nickname: string }, done: (message: string) => void): HTMLElement {
  const buttons = RISK_ACTIONS.map((action) => {
    const button = h('button', { type: 'button', class: action === 'CLEAR' ? '' : 'warn', 'aria-label': rt('actionFor', { member: member.nickname, action: actionLabel(action) }), 'data-action': action }, actionLabel(action));
    button.addEventListener('click', () => openRiskAction(member, action, button, done));
    return button;
  });
  return h('div', { class: 'actions risk-actions', role: 'group', 'aria-label': rt('riskActions') }, ...buttons);
}

function openRiskAction(member: { id: string; nickname: string }, action: RiskAction, opener: HTMLButtonElement, done: (message: string) => void): void {
  const titleId = uid('risk-action');
  const reason = h('textarea', { id: uid('risk-reason'), rows: 3, maxlength: 1000, 'aria-required': 'true', 'aria-describedby': `${titleId}-help` });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const status = h('p', { role: 'status', class: 'status-line' });
  const confirm = h('button', { type: 'submit', class: 'primary danger' }, t('confirm'));
  const cancel = h('button', { type: 'button' }, t('cancel'));
  // novalidate: the missing reason is told in the page's words (and language), not by a browser bubble.
  const form = h('form', { method: 'dialog', novalidate: true },
    h('h2', { id: titleId }, rt('actionFor', { member: member.nickname, action: actionLabel(action) })),
    h('p', {}, actionText(action, member.nickname)),
    h('div', { class: 'field' },
      h('label', { for: reason.id }, rt('actionReason')),
      reason,
      h('p', { class: 'help', id: `${titleId}-help` }, rt('actionReasonHelp')),
    ),
    error,
    status,
    h('div', { class: 'dialog-actions' }, cancel, confirm),
  );
  const dialog = h('dialog', { class: 'confirm', 'aria-labelledby': titleId }, form);
  const close = closableModal(dialog, { opener, cancel, confirm });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = reason.value.trim();
    if (!text) {
      error.hidden = false;
      error.textContent = rt('needActionReason');
      reason.focus();
      return;
    }
    error.hidden = true;
    confirm.disabled = true;
    cancel.disabled = true;
    status.textContent = t('saving');
    mutate(TAKE_ACTION, { input: { userId: member.id, action, reason: text } })
      .then(() => {
        close();
        done(rt('actionDone', { action: actionLabel(action) }));
      })
      .catch((caught: ApiError) => {
        confirm.disabled = false;
        cancel.disabled = false;
        status.textContent = '';
        error.hidden = false;
        error.textContent = t('error', { message: caught.message });
      });
  });
  document.body.append(dialog);
  dialog.showModal();
  reason.focus();
}
