// Sign-in: email and password through signIn, then the SMS code through completeSignIn when the
// account has two-factor sign-in. Only an ADMIN gets in; anyone else is told so, and the session
// their sign-in opened is ended at once (the token is never kept).
import { anonymous, ApiError, endSession, keepSession, type Moderator } from './api.ts';
import { h, replace, uid } from './dom.ts';
import { t } from './i18n.ts';

interface AuthPayload {
  accessToken: string;
  refreshToken: string;
  user: Moderator;
}

const AUTH_FIELDS = 'accessToken refreshToken user { id nickname role }';
const SIGN_IN = `mutation AdminSignIn($email: String!, $password: String!) {
  signIn(email: $email, password: $password) { auth { ${AUTH_FIELDS} } secondFactor { id sentTo } }
}`;
const COMPLETE = `mutation AdminCompleteSignIn($challengeId: ID!, $code: String!) { completeSignIn(challengeId: $challengeId, code: $code) { ${AUTH_FIELDS} } }`;

interface SignInOptions {
  /** Where to render. */
  root: HTMLElement;
  /** Shown above the form (e.g. "your sign-in expired"). */
  notice?: string;
  onSignedIn(moderator: Moderator): void;
}

function field(label: string, input: HTMLInputElement): HTMLElement {
  input.id = uid('field');
  return h('div', { class: 'field' }, h('label', { for: input.id }, label), input);
}

function errorBox(): HTMLElement {
  return h('p', { class: 'error', role: 'alert', hidden: true });
}

function showError(box: HTMLElement, error: unknown): void {
  box.hidden = false;
  box.textContent = t('error', { message: error instanceof ApiError || error instanceof Error ? error.message : String(error) });
}

/** The heading every screen starts with; focused on arrival so screen readers announce it. */
export function screenHeading(text: string): HTMLHeadingElement {
  return h('h1', { tabindex: -1, class: 'screen-title' }, text);
}

export function renderSignIn(options: SignInOptions): void {
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true, spellcheck: 'false' });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('signIn'));
  const error = errorBox();
  const form = h('form', { class: 'card narrow', 'aria-labelledby': 'sign-in-title' },
    field(t('email'), email),
    field(t('password'), password),
    error,
    submit,
  );
  const heading = screenHeading(t('signInTitle'));
  heading.id = 'sign-in-title';
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    submit.textContent = t('signingIn');
    error.hidden = true;
    void (async () => {
      try {
        const { signIn } = await anonymous<{ signIn: { auth: AuthPayload | null; secondFactor: { id: string; sentTo: string } | null } }>(SIGN_IN, {
          email: email.value.trim(),
          password: password.value,
        });
        if (signIn.auth) return finish(options, signIn.auth);
        if (signIn.secondFactor) return renderSecondFactor(options, signIn.secondFactor);
      } catch (caught) {
        showError(error, caught);
        password.value = '';
        password.focus();
      } finally {
        submit.disabled = false;
        submit.textContent = t('signIn');
      }
    })();
  });
  replace(options.root,
    h('section', { class: 'screen sign-in' },
      heading,
      h('p', {}, t('signInIntro')),
      options.notice ? h('p', { class: 'notice', role: 'status' }, options.notice) : null,
      form,
    ),
  );
  heading.focus();
}

function renderSecondFactor(options: SignInOptions, challenge: { id: string; sentTo: string }): void {
  const code = h('input', { type: 'text', name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', required: true, pattern: '[0-9]{4,8}' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('confirmCode'));
  const error = errorBox();
  const heading = screenHeading(t('secondFactorTitle'));
  const form = h('form', { class: 'card narrow' }, field(t('code'), code), error, submit);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    void (async () => {
      try {
        const { completeSignIn } = await anonymous<{ completeSignIn: AuthPayload }>(COMPLETE, { challengeId: challenge.id, code: code.value.trim() });
        finish(options, completeSignIn);
      } catch (caught) {
        showError(error, caught);
        code.select();
      } finally {
        submit.disabled = false;
      }
    })();
  });
  replace(options.root, h('section', { class: 'screen sign-in' }, heading, h('p', {}, t('secondFactorIntro', { sentTo: challenge.sentTo })), form));
  heading.focus();
}

function finish(options: SignInOptions, auth: AuthPayload): void {
  if (auth.user.role === 'ADMIN') {
    keepSession(auth);
    options.onSignedIn(auth.user);
    return;
  }
  void endSession(auth.accessToken);
  renderRefusal(options);
}

/** What a member who is not an ADMIN sees: this sentence, and the way back to sign-in. Nothing else. */
function renderRefusal(options: SignInOptions): void {
  const heading = screenHeading(t('adminsOnly'));
  const back = h('button', { type: 'button' }, t('backToSignIn'));
  back.addEventListener('click', () => renderSignIn({ ...options, notice: undefined }));
  replace(options.root, h('section', { class: 'screen refusal', role: 'alert' }, heading, h('p', {}, t('adminsOnlyDetail')), back));
  heading.focus();
}
