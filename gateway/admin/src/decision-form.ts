// The decision on one report (processReport): accept or dismiss, an optional sanction, the public
// reason members see kept apart from the internal note they never see, and a confirmation dialog
// that says in words what will happen before anything is sent.
import { ApiError, mutate } from './api.ts';
import { closableModal, h, uid } from './dom.ts';
import { t } from './i18n.ts';
import { sanctionLabel } from './labels.ts';

const PROCESS = `mutation AdminProcessReport($id: ID!, $input: ProcessReportInput!) {
  processReport(id: $id, input: $input) { id status }
}`;

export interface DecisionSubject {
  id: string;
  origin: string;
  target: { nickname: string };
}

interface ProcessReportInput {
  decision: 'ACCEPT' | 'DISMISS';
  resolution: string;
  publicReason?: string;
  sanction?: string;
  sanctionDays?: number;
}

function radio(name: string, value: string, label: string, checked = false): HTMLElement {
  const input = h('input', { type: 'radio', name, value, id: uid(name), checked });
  return h('div', { class: 'choice' }, input, h('label', { for: input.id }, label));
}

function textArea(label: string, help: string, props: Record<string, string | number | boolean>): { wrapper: HTMLElement; input: HTMLTextAreaElement } {
  const input = h('textarea', { id: uid('text'), rows: 3, ...props });
  const helpId = uid('help');
  input.setAttribute('aria-describedby', helpId);
  return { input, wrapper: h('div', { class: 'field' }, h('label', { for: input.id }, label), input, h('p', { class: 'help', id: helpId }, help)) };
}

/** The form; `onDecided` runs once the API has accepted the decision. */
export function decisionForm(report: DecisionSubject, onDecided: () => void): HTMLElement {
  const name = uid('decision');
  const sanctionName = uid('sanction');
  const days = h('input', { type: 'number', min: 1, max: 365, step: 1, id: uid('days'), inputmode: 'numeric' });
  const daysField = h('div', { class: 'field inline', hidden: true }, h('label', { for: days.id }, t('sanctionDays')), days);
  const publicReason = textArea(t('publicReason'), t('publicReasonHelp'), { maxlength: 500, name: 'publicReason' });
  const resolution = textArea(t('resolution'), t('resolutionHelp'), { maxlength: 2000, name: 'resolution', required: true });
  const sanctionSet = h('fieldset', { class: 'choices' },
    h('legend', {}, t('sanction')),
    radio(sanctionName, '', t('sanctionNone'), true),
    radio(sanctionName, 'WARNING', sanctionLabel('WARNING')),
    radio(sanctionName, 'SUSPENSION', sanctionLabel('SUSPENSION')),
    daysField,
    radio(sanctionName, 'BAN', sanctionLabel('BAN')),
  );
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('review'));
  const form = h('form', { class: 'decision', 'aria-labelledby': `${name}-title` },
    h('h2', { id: `${name}-title` }, t('decisionTitle')),
    h('fieldset', { class: 'choices' }, h('legend', {}, t('decision')), radio(name, 'ACCEPT', t('accept'), true), radio(name, 'DISMISS', t('dismiss'))),
    sanctionSet,
    publicReason.wrapper,
    resolution.wrapper,
    error,
    submit,
  );

  const value = (group: string) => (form.querySelector<HTMLInputElement>(`input[name="${group}"]:checked`)?.value ?? '');
  const sync = () => {
    const accepted = value(name) === 'ACCEPT';
    // Sanctions go only with an accepted report (the API refuses otherwise): hide what cannot apply.
    sanctionSet.hidden = !accepted;
    const sanction = accepted ? value(sanctionName) : '';
    daysField.hidden = sanction !== 'SUSPENSION';
    publicReason.wrapper.hidden = sanction === '';
  };
  form.addEventListener('change', sync);
  sync();

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.hidden = true;
    const decision = value(name) === 'DISMISS' ? 'DISMISS' : 'ACCEPT';
    const sanction = decision === 'ACCEPT' ? value(sanctionName) : '';
    const input: ProcessReportInput = { decision, resolution: resolution.input.value.trim() };
    if (!input.resolution) return fail(error, t('needResolution'), resolution.input);
    if (sanction) {
      input.sanction = sanction;
      const reason = publicReason.input.value.trim();
      if (reason) input.publicReason = reason;
    }
    if (sanction === 'SUSPENSION') {
      const n = Number(days.value);
      if (!Number.isInteger(n) || n < 1 || n > 365) return fail(error, t('needDays'), days);
      input.sanctionDays = n;
    }
    confirmDecision(report, input, submit, error, onDecided);
  });
  return form;
}

function fail(box: HTMLElement, message: string, focus: HTMLElement): void {
  box.hidden = false;
  box.textContent = message;
  focus.focus();
}

/** A modal dialog (focus stays inside; Escape cancels) with the decision in plain words. */
function confirmDecision(report: DecisionSubject, input: ProcessReportInput, opener: HTMLButtonElement, error: HTMLElement, onDecided: () => void): void {
  const titleId = uid('confirm');
  const confirm = h('button', { type: 'button', class: 'primary danger' }, t('confirm'));
  const cancel = h('button', { type: 'button' }, t('cancel'));
  const status = h('p', { role: 'status', class: 'status-line' });
  const sanctionText = input.sanction === 'SUSPENSION' ? `${sanctionLabel('SUSPENSION')} ${t('daysCount', { n: input.sanctionDays! })}` : sanctionLabel(input.sanction);
  const dialog = h('dialog', { class: 'confirm', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, t('confirmTitle')),
    h('ul', {},
      h('li', {}, input.decision === 'ACCEPT' ? t('confirmAccept') : t('confirmDismiss')),
      input.sanction ? h('li', {}, t('confirmSanction', { target: report.target.nickname, sanction: sanctionText })) : null,
      input.sanction ? h('li', {}, input.publicReason ? t('confirmPublic', { reason: input.publicReason }) : t('confirmStandard')) : null,
      h('li', {}, `${t('internalNote')}: ${input.resolution}`),
      report.origin === 'PAYMENT_DISPUTE' ? h('li', { class: 'warning' }, t('confirmDispute')) : null,
    ),
    h('p', { class: 'warning' }, t('confirmIrreversible')),
    status,
    h('div', { class: 'dialog-actions' }, cancel, confirm),
  );
  const close = closableModal(dialog, { opener, cancel, confirm });
  confirm.addEventListener('click', () => {
    confirm.disabled = true;
    cancel.disabled = true;
    status.textContent = t('saving');
    mutate(PROCESS, { id: report.id, input })
      .then(() => {
        dialog.close();
        dialog.remove();
        onDecided();
      })
      .catch((caught: ApiError) => {
        close();
        error.hidden = false;
        error.textContent = t('error', { message: caught.message });
      });
  });
  document.body.append(dialog);
  dialog.showModal();
  cancel.focus();
}
