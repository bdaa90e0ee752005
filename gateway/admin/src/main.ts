// The moderator console: a page shell (skip link, header with the language toggle and sign-out,
// one main region) and a hash router — #/queue, #/reports/<id>, #/alerts, #/members[/<id>],
// #/dashboard, #/audit — so the
// gateway serves one page.
import './styles.css';
import { endSession, forgetSession, hasStoredSession, renewSession, run, setSessionLostHandler, type Moderator } from './api.ts';
import { renderAuditLog } from './audit-log.ts';
import { renderCase } from './case-view.ts';
import { renderDashboard } from './dashboard.ts';
import { renderAlerts, stopAlertFeed } from './live-alerts.ts';
import { renderMember, renderMemberSearch } from './member-view.ts';
import { h, replace } from './dom.ts';
import { locale, setLocale, t } from './i18n.ts';
import { ot, rt } from './screen-i18n.ts';
import { renderQueue } from './queue.ts';
import { renderSignIn } from './sign-in.ts';

const app = document.getElementById('app');
if (!app) throw new Error('the console page has no #app element');

let moderator: Moderator | undefined;
const main = h('main', { id: 'main', tabindex: -1 });
const header = h('header', { class: 'top' });

function drawShell(): void {
  const skip = h('a', { class: 'skip-link', href: '#main' }, t('skipToMain'));
  // The hash is the router's: move focus instead of following the link.
  skip.addEventListener('click', (event) => {
    event.preventDefault();
    (main.querySelector<HTMLElement>('h1') ?? main).focus();
  });
  const language = h('button', { type: 'button', lang: locale() === 'en' ? 'ko' : 'en', 'aria-label': t('switchLanguageLabel') }, t('switchLanguage'));
  language.addEventListener('click', () => {
    setLocale(locale() === 'en' ? 'ko' : 'en');
    drawShell();
    route();
  });
  const signOut = moderator ? h('button', { type: 'button' }, t('signOut')) : null;
  signOut?.addEventListener('click', () => {
    void endSession().finally(() => {
      forgetSession();
      moderator = undefined;
      stopAlertFeed();
      drawShell();
      showSignIn();
    });
  });
  replace(header,
    h('p', { class: 'brand' }, h('span', { 'aria-hidden': 'true', class: 'brand-mark' }, '◆'), ` ${t('appTitle')}`),
    h('nav', { 'aria-label': t('appTitle') },
      moderator ? h('a', { href: '#/queue' }, t('queueTitle')) : null,
      moderator ? h('a', { href: '#/alerts' }, rt('alertsNav')) : null,
      moderator ? h('a', { href: '#/members' }, rt('membersNav')) : null,
      moderator ? h('a', { href: '#/dashboard' }, ot('navDashboard')) : null,
      moderator ? h('a', { href: '#/audit' }, ot('navAudit')) : null,
      moderator ? h('span', { class: 'who' }, t('signedInAs', { name: moderator.nickname })) : null,
      language,
      signOut,
    ),
  );
  replace(app!, skip, header, main);
}

function showSignIn(notice?: string): void {
  renderSignIn({
    root: main,
    notice,
    onSignedIn(who) {
      moderator = who;
      drawShell();
      if (!/^#\/(reports|members|alerts|dashboard|audit)/.test(window.location.hash)) window.location.hash = '#/queue';
      route();
    },
  });
}

/** What the next screen should announce first (e.g. "review started" after a claim in the queue). */
let announcement: string | undefined;

function route(): void {
  // The live feed's socket lives only while its screen is shown.
  stopAlertFeed();
  if (!moderator) return showSignIn();
  const hash = window.location.hash;
  const match = /^#\/reports\/([^/]+)$/.exec(hash);
  const member = /^#\/members\/([^/?]+)$/.exec(hash);
  const search = /^#\/members(?:\?q=(.*))?$/.exec(hash);
  const announce = announcement;
  announcement = undefined;
  if (match) void renderCase(main, decodeURIComponent(match[1]!), { announce });
  else if (hash === '#/alerts') void renderAlerts(main);
  else if (member) void renderMember(main, decodeURIComponent(member[1]!));
  else if (search) void renderMemberSearch(main, decodeURIComponent(search[1] ?? ''));
  else if (hash === '#/dashboard') void renderDashboard(main);
  else if (hash === '#/audit') void renderAuditLog(main);
  else {
    void renderQueue(main, (id, message) => {
      announcement = message;
      window.location.hash = `#/reports/${encodeURIComponent(id)}`;
    });
  }
}

/** A reload keeps the moderator signed in while this tab's refresh token is valid. */
async function resume(): Promise<void> {
  if (!hasStoredSession() || !(await renewSession())) return;
  const { data } = await run<{ me: Moderator | null }>(`query AdminMe { me { id nickname role } }`).catch(() => ({ data: undefined }));
  if (data?.me?.role === 'ADMIN') moderator = data.me;
  else forgetSession();
}

setSessionLostHandler(() => {
  moderator = undefined;
  stopAlertFeed();
  drawShell();
  showSignIn(t('sessionExpired'));
});
window.addEventListener('hashchange', route);
setLocale(locale());
await resume();
drawShell();
route();
