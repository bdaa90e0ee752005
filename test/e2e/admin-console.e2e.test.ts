// The moderator console in a real browser (docs/admin-console.md): headless Debian Chromium opens
// /admin on a stack of real processes (user, transaction, safety + worker, report, monitor, chat). A
// member who signs in sees only the refusal; the bootstrap admin signs in, finds the URGENT report
// at the top of the queue, claims it, sees its evidence photo load (and the PDF linked), bans the
// reported member with a public reason through the confirmation dialog (having seen the payment
// identifiers the report names with the registry's answer, the member's trades and the alerts about
// them, and opened the linked conversation: an audited read the audit log then lists), and sees the report
// ACTION_TAKEN and the member graded DANGER; then opens the dashboard (five charts, the member
// among the DANGER grade) and the audit log, where the claim and the ban appear. Any request off this machine, console error or failed
// request fails the test; axe-core runs in every screen and fails on serious or critical
// violations. Screenshots go to test-artifacts/admin/.
import { randomInt } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLocalUrl, launchBrowser, type Browser } from '../support/browser.ts';
import { bootstrapAdmin, codeOf, gatewayClient, waitFor, type RegisteredPerson } from '../support/gateway-client.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { createBenchDatabase, type BenchDatabase } from '../../subgraphs/safety/test/support/bench-database.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const ARTIFACTS = join(ROOT, 'test-artifacts/admin');
const ADMIN = bootstrapAdmin();
/** A loaded CI machine renders slowly; a broken console still fails. */
const SLOW = { timeout: 20_000 };
/** The smallest file the storage accepts as a PDF (its magic bytes); the console only links it. */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

let stack: Stack;
let database: BenchDatabase | undefined;
let storageDir: string;
let browser: Browser | undefined;
const { call, ok, register, login } = gatewayClient(() => stack.gatewayUrl);
const origin = () => new URL(stack.gatewayUrl).origin;

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'gateway/admin-dist/index.html'))) {
    throw new Error('the admin console is not built: run `npm run build` (npm test builds it first)');
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  storageDir = await mkdtemp(join(tmpdir(), 'anshim-e2e-admin-'));
  // A database of its own: the queue shows 100 reports per status, and in the shared test database
  // other files' URGENT reports (older than ours, so ahead of it) can fill that page, as in one CI run.
  database = await createBenchDatabase();
  stack = await startStack({
    subgraphs: ['user', 'transaction', 'safety', 'report', 'monitor', 'chat'],
    workers: ['safety'],
    env: { ...ADMIN.env, STORAGE_LOCAL_DIR: storageDir, DATABASE_URL: database.databaseUrl },
  });
}, 300_000); // five services and a worker: on a loaded 2-core machine their start alone took over 150 s
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await database?.drop();
  if (storageDir) await rm(storageDir, { recursive: true, force: true });
});

/** PUTs a file to storage through an evidence upload ticket; returns its key. */
async function uploadEvidence(person: RegisteredPerson, contentType: string, bytes: Buffer): Promise<string> {
  const { createEvidenceUpload: ticket } = await ok(`mutation($t: String!, $s: Int!) { createEvidenceUpload(contentType: $t, size: $s) { key url headers } }`, { t: contentType, s: bytes.length }, person.token);
  const put = await fetch(ticket.url, { method: 'PUT', body: bytes, headers: ticket.headers });
  expect(put.status).toBe(200);
  return ticket.key;
}

/** Files a report once the report service has heard of the target (user.registered). */
async function fileReport(reporter: RegisteredPerson, input: Record<string, unknown>): Promise<{ id: string; priority: string }> {
  return waitFor('the report service to know the target', async () => {
    const result = await call(`mutation($input: FileReportInput!) { fileReport(input: $input) { id priority } }`, { input }, reporter.token);
    if (codeOf(result.errors) === 'NOT_FOUND') return false;
    if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
    return result.data!.fileReport as { id: string; priority: string };
  }, 30_000);
}

/**
 * The case's surroundings: a listing by the target, the reporter's conversation about it (the
 * target answers with a bank account) and a trade on it. Returns what the report will name.
 */
async function chatAndTrade(reporter: RegisteredPerson, target: RegisteredPerson): Promise<{ productId: string; conversationId: string; tradeId: string; account: string }> {
  const productId = (await ok(`mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`, { input: { title: '게임기 세트', description: '박스 포함', price: 230_000, category: 'DIGITAL' } }, target.token)).createProduct.id as string;
  const conversationId = await waitFor('chat to know the listing', async () => {
    const result = await call(`mutation($p: ID!) { startConversation(productId: $p) { id } }`, { p: productId }, reporter.token);
    return result.errors ? undefined : (result.data!.startConversation.id as string);
  }, 30_000);
  const send = `mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }`;
  await ok(send, { id: conversationId, text: '게임기 아직 판매 중인가요?' }, reporter.token);
  const account = `12345678${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
  await ok(send, { id: conversationId, text: `선입금 먼저 보내주세요. 국민은행 ${account}` }, target.token);
  // The transaction service asks the user service first, which a loaded machine may keep waiting (retryable).
  const tradeId = await waitFor('the trade to start', async () => {
    const result = await call(`mutation($id: ID!) { startTransaction(productId: $id) { id } }`, { id: productId }, reporter.token);
    if (codeOf(result.errors) === 'TEMPORARILY_UNAVAILABLE') return false;
    if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
    return result.data!.startTransaction.id as string;
  }, 60_000);
  return { productId, conversationId, tradeId, account };
}

/** Until chat has linked the report's two members (report.filed), read without an ADMIN read being audited. */
async function chatLinked(reportId: string): Promise<void> {
  const db = new pg.Client({ connectionString: database!.databaseUrl });
  await db.connect();
  try {
    await waitFor('chat to link the report', async () => (await db.query('SELECT 1 FROM svc_chat.admin_read_links WHERE source = $1', [`report:${reportId}`])).rowCount === 1, 30_000);
  } finally {
    await db.end();
  }
}

/** A screenshot of a chat, rendered by the browser itself: the evidence photo a reporter would attach. */
async function chatScreenshot(): Promise<Buffer> {
  const page = await browser!.context.newPage();
  await page.setViewportSize({ width: 360, height: 240 });
  await page.setContent(`<body style="margin:0;font:16px sans-serif;background:#eef3f8">
    <div id="chat" style="padding:16px;width:328px">
      <p style="background:#fff;border-radius:12px;padding:8px 12px">선입금 먼저 보내주세요. 국민은행 123456-78-901234</p>
      <p style="background:#fff;border-radius:12px;padding:8px 12px">신고하면 집까지 찾아가겠습니다</p>
    </div></body>`);
  const png = await page.locator('#chat').screenshot();
  await page.close();
  return png;
}

let axeSource: string | undefined;
/** Runs axe-core in the page (evaluated through the debugger, as the page's CSP refuses injected scripts). */
async function expectAccessible(page: Page, screen: string): Promise<void> {
  axeSource ??= await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(axeSource);
  const { passes, violations } = await page.evaluate<{ passes: number; violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }> }>(`
    axe.run(document).then((r) => ({
      passes: r.passes.length,
      violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })),
    }))`);
  expect(passes, `axe checked nothing on ${screen}`).toBeGreaterThan(10);
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  writeFileSync(join(ARTIFACTS, `axe-${screen}.json`), `${JSON.stringify(violations, null, 2)}\n`);
  expect(serious, `accessibility violations on ${screen}`).toEqual([]);
}

const heading = (page: Page) => page.locator('main h1').innerText();

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('이메일').fill(email);
  await page.getByLabel('비밀번호').fill(password);
  await page.getByRole('button', { name: '로그인', exact: true }).click();
}

describe('admin console over HTTP', () => {
  it('serves the page with a strict CSP and its hashed assets gzip-compressed', async () => {
    const res = await fetch(`${origin()}/admin`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    const page = await res.text();
    expect(page).toContain('<div id="app">');
    expect(page).not.toMatch(/(src|href)="https?:/);
    expect(page).not.toMatch(/<script>|<style>|style="/); // nothing inline for the CSP to refuse
    expect(await (await fetch(`${origin()}/admin/`)).text()).toBe(page);

    const script = page.match(/src="(\/admin\/assets\/[^"]+\.js)"/)![1]!;
    const asset = await fetch(`${origin()}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-encoding')).toBe('gzip');
    expect((await fetch(`${origin()}/admin/assets/nope.js`)).status).toBe(404);
  });
});

describe('admin console in Chromium', () => {
  it('refuses a member, and lets the admin claim the most urgent report, see its evidence and ban the member', async () => {
    const reporter = await register('buyer');
    const target = await register('scammer');
    const bystander = await register('late');
    browser = await launchBrowser();
    const photo = await chatScreenshot();
    const photoKey = await uploadEvidence(reporter, 'image/png', photo);
    const pdfKey = await uploadEvidence(reporter, 'application/pdf', PDF);
    const around = await chatAndTrade(reporter, target);
    // A threat makes it URGENT (report priority rules); a NORMAL one from the same reporter sits below it.
    const urgent = await fileReport(reporter, {
      targetUserId: target.id,
      type: 'FRAUD',
      description: '선입금을 보냈는데 물건을 안 보내고, 신고하면 집까지 찾아가겠다고 협박했어요.',
      evidenceKeys: [photoKey, pdfKey],
      productId: around.productId,
      transactionId: around.tradeId,
      paymentIdentifiers: [{ type: 'BANK_ACCOUNT', value: `국민은행 ${around.account}` }],
    });
    expect(urgent.priority).toBe('URGENT');
    // An alert about the target, for the case view's list of them.
    const aboutTarget = await raiseAlert(target, await login(ADMIN.email, ADMIN.password));
    await fileReport(reporter, { targetUserId: bystander.id, type: 'NO_SHOW', description: '약속 장소에 나오지 않았어요. 연락도 없었습니다.' });

    // Authorization is the API's: a member's token gets FORBIDDEN from the queue whatever page they use.
    expect(codeOf((await call(`{ reports(first: 1) { id } }`, {}, reporter.token)).errors)).toBe('FORBIDDEN');

    // A member who signs in sees the refusal and nothing else; errors come back in the chosen language.
    const memberPage = await browser.context.newPage();
    await memberPage.goto(`${origin()}/admin`);
    await expect.poll(() => heading(memberPage), SLOW).toBe('운영자 로그인');
    await expectAccessible(memberPage, 'sign-in');
    await memberPage.screenshot({ path: join(ARTIFACTS, '1-sign-in.png') });
    await memberPage.getByRole('button', { name: 'Switch to English' }).click();
    await expect.poll(() => heading(memberPage), SLOW).toBe('Moderator sign-in');
    expect(await memberPage.evaluate('document.documentElement.lang')).toBe('en');
    await memberPage.getByLabel('Email').fill(reporter.email);
    await memberPage.getByLabel('Password').fill('not the password');
    await memberPage.getByRole('button', { name: 'Sign in', exact: true }).click();
    const wrong = memberPage.locator('form .error');
    await expect.poll(() => wrong.innerText(), SLOW).toMatch(/^Error: /);
    expect(await wrong.innerText()).not.toMatch(/[가-힣]/);
    await memberPage.getByRole('button', { name: '한국어로 보기' }).click();
    await expect.poll(() => heading(memberPage), SLOW).toBe('운영자 로그인');
    await signIn(memberPage, reporter.email, reporter.password);
    await expect.poll(() => heading(memberPage), SLOW).toBe('관리자만 사용할 수 있습니다');
    expect(await memberPage.locator('main table, main a[href^="#/reports"], main form').count()).toBe(0);
    // No token kept: only the language choice is in sessionStorage, nothing in localStorage.
    expect(await memberPage.evaluate('[sessionStorage.getItem("anshim.admin.refresh"), localStorage.length]')).toEqual([null, 0]);
    // The session that sign-in opened is ended (logout): the member holds only the one from signing up.
    await waitFor('the refused sign-in to be signed out', async () => (await ok(`{ me { sessions { id } } }`, {}, reporter.token)).me.sessions.length === 1);
    await expectAccessible(memberPage, 'refusal');
    await memberPage.screenshot({ path: join(ARTIFACTS, '2-member-refused.png') });
    await memberPage.close();

    // The admin: queue, most urgent first.
    const page = await browser.context.newPage();
    await page.goto(`${origin()}/admin`);
    await expect.poll(() => heading(page), SLOW).toBe('운영자 로그인');
    await signIn(page, ADMIN.email, ADMIN.password);
    await expect.poll(() => heading(page), SLOW).toBe('신고 대기열');
    const ours = page.locator(`tr[data-report-id="${urgent.id}"]`);
    await ours.waitFor(SLOW);
    // This file's database holds only its own reports: the top row is URGENT, as ours is.
    expect(await page.locator('tbody tr').first().locator('.badge.priority').innerText()).toContain('긴급');
    expect(await ours.locator('.badge.priority').innerText()).toContain('긴급');
    expect(await page.locator('select').first().locator('option:checked').innerText()).toMatch(/^접수됨 \(\d+/);
    // Filtering by type hides our FRAUD report under NO_SHOW, and focus stays on the filter.
    await page.locator('#queue-type').selectOption('NO_SHOW');
    await expect.poll(() => ours.count(), SLOW).toBe(0);
    expect(await page.locator('#queue-type option:checked').innerText()).toMatch(/^노쇼 \(\d+\)$/);
    expect(await page.evaluate('document.activeElement.id')).toBe('queue-type');
    await page.locator('#queue-type').selectOption('');
    await ours.waitFor(SLOW);
    // The refresh token is in this tab's sessionStorage, never in localStorage.
    expect(await page.evaluate('localStorage.length')).toBe(0);
    expect(await page.evaluate('sessionStorage.getItem("anshim.admin.refresh") !== null')).toBe(true);
    await expectAccessible(page, 'queue');
    await page.screenshot({ path: join(ARTIFACTS, '3-queue.png'), fullPage: true });

    // Claim it: the API moves it to IN_REVIEW and the case opens.
    await ours.getByRole('button', { name: /검토 시작/ }).click();
    await expect.poll(() => heading(page), SLOW).toBe(`신고 #${urgent.id}`);
    await expect.poll(() => page.locator('.case-main .badge.status').first().innerText(), SLOW).toContain('검토 중');
    expect(await page.locator('main [role="status"]').first().innerText()).toContain('검토를 시작했습니다');
    expect((await ok(`query($id: ID!) { report(id: $id) { status } }`, { id: urgent.id }, await login(ADMIN.email, ADMIN.password))).report.status).toBe('IN_REVIEW');

    // The evidence photo loads through its signed URL; the PDF is a link to its own signed URL.
    const image = page.locator('ul.evidence img');
    await expect.poll(() => image.evaluate((img: any) => img.complete && img.naturalWidth), SLOW).toBe(photo.readUInt32BE(16));
    const pdfLink = page.getByRole('link', { name: /PDF 증거 \d+ 열기/ });
    const pdfUrl = await pdfLink.getAttribute('href');
    expect(pdfUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/report\//);
    const pdf = await fetch(pdfUrl!);
    expect(pdf.status).toBe(200);
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    // The member beside the case: score with factors, and this report among the reports about them.
    await expect.poll(() => page.locator('.member h2').innerText(), SLOW).toContain('scammer');
    expect(await page.locator('.member table.factors tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('.member ul.against').innerText()).toContain('(이 신고)');
    await caseEvidenceScreens(page, { reportId: urgent.id, target, ...around, alertId: aboutTarget.id });
    await expectAccessible(page, 'case');
    await page.screenshot({ path: join(ARTIFACTS, '4-case.png'), fullPage: true });

    // Decide: accept, ban, a public reason apart from the internal note, then confirm.
    await page.getByLabel('수용 — 신고 내용이 사실임').check();
    await page.getByLabel('영구 정지', { exact: true }).check();
    const publicReason = '선입금을 받고 물건을 보내지 않은 사기가 확인되었습니다.';
    await page.getByLabel('공개 사유 (회원에게 보임, 500자 이내)').fill(publicReason);
    await page.getByLabel('내부 메모 (관리자만 봄, 필수)').fill('채팅 캡처와 입금 내역으로 미발송과 협박 확인.');
    const review = page.getByRole('button', { name: '결정 확인' });
    await review.click();
    const dialog = page.getByRole('dialog', { name: '이 결정을 확정할까요?' });
    await dialog.waitFor(SLOW);
    // The keyboard: focus starts on the safe choice, Escape backs out to the form, nothing is sent.
    expect(await page.evaluate('document.activeElement.textContent')).toBe('돌아가기');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', ...SLOW });
    expect(await page.evaluate('document.activeElement.textContent')).toBe('결정 확인');
    await page.keyboard.press('Enter');
    await dialog.waitFor(SLOW);
    expect(await dialog.innerText()).toContain(`공개 사유: ${publicReason}`);
    expect(await dialog.innerText()).toContain('영구 정지');
    await expectAccessible(page, 'confirm');
    await page.screenshot({ path: join(ARTIFACTS, '5-confirm.png') });
    await dialog.getByRole('button', { name: '확정' }).click();

    // The outcome on screen, and in the API.
    await expect.poll(() => page.locator('.outcome').innerText(), SLOW).toContain('조치 완료');
    expect(await page.locator('.outcome').innerText()).toContain(publicReason);
    const adminToken = await login(ADMIN.email, ADMIN.password);
    const decided = (await ok(`query($id: ID!) { report(id: $id) { status sanction { type reason } } }`, { id: urgent.id }, adminToken)).report;
    expect(decided).toEqual({ status: 'ACTION_TAKEN', sanction: { type: 'BAN', reason: publicReason } });
    await waitFor('the member to be graded DANGER and banned', async () => {
      const user = (await ok(`query($id: ID!) { user(id: $id) { status safetyScore { grade } } }`, { id: target.id }, adminToken)).user;
      return user.status === 'BANNED' && user.safetyScore.grade === 'DANGER';
    }, 30_000);
    // The console follows the recalculation by itself: the member panel turns DANGER without a reload.
    await expect.poll(() => page.locator('.member .score').getAttribute('data-grade'), { timeout: 30_000 }).toBe('DANGER');
    await page.getByRole('button', { name: '새로고침' }).click();
    await expect.poll(() => page.locator('.member .badge.account').innerText(), SLOW).toContain('영구 정지');
    // A reload keeps the moderator signed in: the tab's refresh token is rotated (refreshToken) for a new access token.
    const refreshBefore = await page.evaluate('sessionStorage.getItem("anshim.admin.refresh")');
    await page.reload();
    await expect.poll(() => heading(page), SLOW).toBe(`신고 #${urgent.id}`);
    expect(await page.evaluate('sessionStorage.getItem("anshim.admin.refresh")')).not.toBe(refreshBefore);
    await expectAccessible(page, 'decided');
    await page.screenshot({ path: join(ARTIFACTS, '6-decided.png'), fullPage: true });

    // A tablet: the member moves under the case, nothing overflows the page sideways.
    await page.setViewportSize({ width: 820, height: 1180 });
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, '7-tablet-case.png'), fullPage: true });
    await page.getByRole('link', { name: '← 대기열로' }).click();
    await expect.poll(() => heading(page), SLOW).toBe('신고 대기열');
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, '8-tablet-queue.png'), fullPage: true });

    // The dashboard: five figures, each a chart with a summary and a table; the banned member is in DANGER.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('link', { name: '현황판' }).click();
    await expect.poll(() => heading(page), SLOW).toBe('현황판');
    await expect.poll(() => page.locator('figure.chart').count(), SLOW).toBe(5);
    expect(await page.locator('figure.chart svg[role="img"]').count()).toBe(5);
    const gradeTable = page.locator('figure.chart').first().locator('table');
    expect(Number(await gradeTable.locator('tr', { hasText: '위험' }).locator('td').first().textContent())).toBeGreaterThanOrEqual(1);
    expect(await page.locator('figure.chart').nth(3).locator('.chart-summary').innerText()).toMatch(/조치 [1-9]\d*건/);
    await page.locator('#dashboard-period').selectOption('7');
    await expect.poll(() => page.locator('figure.chart').last().locator('tbody tr').count(), SLOW).toBe(7);
    await expectAccessible(page, 'dashboard');
    await page.screenshot({ path: join(ARTIFACTS, '9-dashboard.png'), fullPage: true });

    // The audit log: the claim and the ban, recorded by the report service, reach the one log (through
    // its outbox and the monitor's consumer), with the bootstrap admin as the actor; so does the ban
    // the user service applied.
    await page.getByRole('link', { name: '감사 기록' }).click();
    await expect.poll(() => heading(page), SLOW).toBe('감사 기록');
    const banRow = page.locator(`tr[data-action="report.processed"]`, { hasText: urgent.id });
    await expect.poll(async () => {
      await page.getByRole('button', { name: '적용' }).click();
      await page.locator('section.audit table, section.audit .empty').first().waitFor(SLOW);
      return banRow.count();
    }, { timeout: 30_000 }).toBe(1);
    expect(await banRow.innerText()).toContain('BAN');
    expect(await page.locator(`tr[data-action="report.review_started"]`, { hasText: urgent.id }).count()).toBe(1);
    // The conversation the case view opened: chat's audited read, the admin as the actor.
    await expect.poll(async () => {
      await page.getByRole('button', { name: '적용' }).click();
      await page.locator('section.audit table').first().waitFor(SLOW);
      return page.locator(`tr[data-action="chat.conversation_read"]`, { hasText: around.conversationId }).count();
    }, { timeout: 30_000 }).toBe(1);
    await expect.poll(async () => {
      await page.getByRole('button', { name: '적용' }).click();
      await page.locator('section.audit table').first().waitFor(SLOW);
      return page.locator(`tr[data-action="user.status_changed"]`, { hasText: target.id }).count();
    }, { timeout: 30_000 }).toBe(1);
    await page.getByLabel('작업').fill('report.processed');
    await page.getByRole('button', { name: '적용' }).click();
    await expect.poll(() => page.locator('section.audit tbody tr:not([data-action="report.processed"])').count(), SLOW).toBe(0);
    await expectAccessible(page, 'audit');
    await page.screenshot({ path: join(ARTIFACTS, '10-audit.png'), fullPage: true });
    await page.getByRole('link', { name: '신고 대기열' }).click();
    await expect.poll(() => heading(page), SLOW).toBe('신고 대기열');
    // English, signed in: the screen is redrawn in the other language.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await expect.poll(() => heading(page), SLOW).toBe('Report queue');
    expect(await page.locator('#queue-status option:checked').innerText()).toMatch(/^Received \(\d+/);
    await page.getByRole('button', { name: '한국어로 보기' }).click();
    await expect.poll(() => heading(page), SLOW).toBe('신고 대기열');
    await page.setViewportSize({ width: 1440, height: 900 });

    await memberScreens(page, { urgentId: urgent.id, target: { ...target, nickname: 'scammer' }, publicReason, member: reporter });
    await liveAlerts(page, { subject: { ...bystander, nickname: 'late' }, adminToken });

    // Nothing left this machine, and the pages raised no errors (CSP included) and no failed requests.
    expect(browser.requests.filter((url) => !isLocalUrl(url))).toEqual([]);
    expect(browser.problems).toEqual([]);
    writeFileSync(join(ARTIFACTS, 'requests.txt'), `${browser.requests.join('\n')}\n`);
  }, 300_000);
});

type Named = RegisteredPerson & { nickname: string };

/**
 * The case's further evidence: the named account (masked) with the registry's answer, the
 * target's trade, the alert about them, and the linked conversation, opened on request (an
 * audited read): the target's message with its payment warning.
 */
async function caseEvidenceScreens(page: Page, context: { reportId: string; target: RegisteredPerson; conversationId: string; tradeId: string; account: string; alertId: string }): Promise<void> {
  const named = page.locator('table.identifiers tbody tr');
  await named.first().waitFor(SLOW);
  expect(await named.count()).toBe(1);
  expect(await named.first().innerText()).toContain(`123456-**-***${context.account.slice(-3)}`);
  expect(await named.first().innerText()).toContain('기록 없음');
  expect(await page.locator('section.identifiers').innerText()).not.toContain(context.account);
  const trade = page.locator(`table.trades tr[data-trade-id="${context.tradeId}"]`);
  await trade.waitFor(SLOW);
  expect(await trade.innerText()).toMatch(/게임기 세트[\s\S]*buyer[\s\S]*판매[\s\S]*요청됨/);
  await page.locator(`.case-alerts article[data-alert-id="${context.alertId}"]`).waitFor(SLOW);
  await chatLinked(context.reportId);
  await page.getByRole('button', { name: '대화 열기 (감사 기록에 남음)' }).click();
  const conversation = page.locator(`article.linked-conversation[data-conversation-id="${context.conversationId}"]`);
  await conversation.waitFor(SLOW);
  expect(await page.locator('main [role="status"]').first().innerText()).toContain('감사 기록에 남습니다');
  const messages = conversation.locator('ol.messages > li');
  expect(await messages.count()).toBe(2);
  expect(await messages.first().innerText()).toContain('게임기 아직 판매 중인가요?');
  expect(await messages.last().locator('.message-warnings li[data-code="PAYMENT_IDENTIFIER"]').count()).toBe(1);
}

/** From the case to the banned member's view (graded DANGER, the ban in the sanctions history and the status history, the chart); then the search. */
async function memberScreens(page: Page, context: { urgentId: string; target: Named; publicReason: string; member: RegisteredPerson }): Promise<void> {
  const { target } = context;
  await page.evaluate(`location.hash = '#/reports/${context.urgentId}'`);
  await expect.poll(() => heading(page), SLOW).toBe(`신고 #${context.urgentId}`);
  await page.getByRole('link', { name: `${target.nickname} 회원 보기` }).click();
  await expect.poll(() => heading(page), SLOW).toBe(`회원: ${target.nickname}`);
  expect(await page.evaluate('location.hash')).toBe(`#/members/${target.id}`);
  const summary = page.locator('.member-summary');
  expect(await summary.locator('.score').getAttribute('data-grade')).toBe('DANGER');
  expect(await summary.locator('.badge.grade').innerText()).toContain('위험');
  expect(await summary.locator('.badge.account').innerText()).toContain('영구 정지');
  // A ban ends the member's sessions: the console shows the count (never the sessions themselves).
  expect(await summary.innerText()).toMatch(/로그인 세션\s+0개/);
  const sanctions = page.locator('table.sanctions tbody tr');
  expect(await sanctions.count()).toBe(1);
  expect(await sanctions.first().innerText()).toContain(context.publicReason);
  expect(await sanctions.first().innerText()).toContain('영구 정지');
  // The account's own record of the change the ban made: from active to banned, by the report, by whom.
  const changes = page.locator('table.status-history tbody tr');
  expect(await changes.count()).toBe(1);
  expect(await changes.first().getAttribute('data-origin')).toBe('REPORT_SANCTION');
  expect(await changes.first().innerText()).toMatch(/정상[\s\S]*→[\s\S]*영구 정지/);
  expect(await changes.first().locator(`a[href="#/reports/${context.urgentId}"]`).count()).toBe(1);
  // The chart is a picture for the eye; the summary and the table carry the same figures.
  expect(await page.locator('svg.score-chart polyline').count()).toBe(1);
  expect(await page.locator('svg.score-chart').getAttribute('aria-hidden')).toBe('true');
  expect(await page.locator('.chart-summary').innerText()).toMatch(/\d+번의 변화: .*위험/);
  expect(await page.locator('table.chart-table tbody tr').count()).toBeGreaterThan(0);
  expect(await page.locator('table.chart-table tbody tr').first().innerText()).toContain('위험');
  await expectAccessible(page, 'member');
  await page.screenshot({ path: join(ARTIFACTS, '11-member.png'), fullPage: true });

  // Search by part of the nickname; a member asking the API the same is refused.
  await page.getByRole('link', { name: '회원 조회', exact: true }).click();
  await expect.poll(() => heading(page), SLOW).toBe('회원 조회');
  await page.getByLabel('닉네임, 이메일 또는 회원 ID').fill(target.nickname.slice(0, 4));
  await page.keyboard.press('Enter');
  const row = page.locator(`tr[data-member-id="${target.id}"]`);
  await row.waitFor(SLOW);
  expect(await row.innerText()).toContain('영구 정지');
  await expectAccessible(page, 'members-search');
  await page.screenshot({ path: join(ARTIFACTS, '12-member-search.png'), fullPage: true });
  const refused = await call(`query($q: String!) { searchUsers(query: $q) { id } }`, { q: target.nickname }, context.member.token);
  expect(codeOf(refused.errors)).toBe('FORBIDDEN');
  await row.getByRole('link', { name: target.nickname }).click();
  await expect.poll(() => heading(page), SLOW).toBe(`회원: ${target.nickname}`);
}

const RECORD = `mutation($input: ActivityInput!) { recordActivity(input: $input) { alerts { id level rule } } }`;
/** An ADMIN's recorded chat message asking for money off the platform: a HIGH alert about `subject`. */
async function raiseAlert(subject: RegisteredPerson, adminToken: string): Promise<{ id: string; level: string; rule: string }> {
  const account = `${100000 + Math.floor(Math.random() * 899999)}-${10 + Math.floor(Math.random() * 89)}-${100000 + Math.floor(Math.random() * 899999)}`;
  const { recordActivity } = await ok(RECORD, { input: { type: 'CHAT_MESSAGE', userId: subject.id, text: `선입금 부탁드려요 국민은행 ${account}` } }, adminToken);
  expect(recordActivity.alerts).toHaveLength(1);
  return recordActivity.alerts[0];
}

/**
 * The live feed: an alert raised before the page opens is listed at once (recentRiskAlerts); the
 * socket is dropped under the page (routeWebSocket) and the feed reconnects by itself; an alert
 * raised then arrives live, at the top. The moderator acknowledges it, holds the member's trades
 * with a reason through the confirmation, and follows the alert to the member.
 */
async function liveAlerts(page: Page, context: { subject: Named; adminToken: string }): Promise<void> {
  const { subject, adminToken } = context;
  const earlier = await raiseAlert(subject, adminToken);
  const sockets: Array<{ page: import('playwright-core').WebSocketRoute; server: import('playwright-core').WebSocketRoute }> = [];
  await page.routeWebSocket(/\/graphql$/, (socket) => void sockets.push({ page: socket, server: socket.connectToServer() }));
  await page.getByRole('link', { name: '위험 알림', exact: true }).click();
  await expect.poll(() => heading(page), SLOW).toBe('실시간 위험 알림');
  const state = page.locator('.feed-state');
  await expect.poll(() => state.getAttribute('data-state'), SLOW).toBe('live');
  await page.locator(`article[data-alert-id="${earlier.id}"]`).waitFor(SLOW);
  expect(await page.locator(`article[data-alert-id="${earlier.id}"] .badge.risk`).innerText()).toContain('높음');

  // The socket drops: the page says so and reconnects on its own.
  expect(sockets).toHaveLength(1);
  await sockets[0]!.server.close({ code: 1011, reason: 'dropped by the test' });
  await sockets[0]!.page.close({ code: 1011, reason: 'dropped by the test' });
  await expect.poll(() => state.getAttribute('data-state'), SLOW).not.toBe('live');
  await expect.poll(() => state.getAttribute('data-state'), SLOW).toBe('live');
  expect(sockets).toHaveLength(2);

  // Raised while the page is open (after the reconnection): it arrives live, newest first.
  const live = await raiseAlert(subject, adminToken);
  const item = page.locator(`article[data-alert-id="${live.id}"]`);
  await item.waitFor(SLOW);
  expect(await page.locator('article.alert-item').first().getAttribute('data-alert-id')).toBe(live.id);
  expect(await item.getAttribute('class')).toContain('fresh');
  expect(await item.innerText()).toContain('외부 계좌 입금 요구');
  expect(await item.innerText()).toContain('OFF_PLATFORM_PAYMENT_REQUEST');
  expect(await item.innerText()).toContain(subject.nickname);
  expect(await item.locator('.badge.risk').innerText()).toContain('높음');
  expect(await page.locator('main [role="status"]').innerText()).toContain('새 위험 알림');
  await expectAccessible(page, 'alerts');
  await page.screenshot({ path: join(ARTIFACTS, '13-alerts.png'), fullPage: true });

  // Acknowledge: the API records it and the item says so.
  await item.getByRole('button', { name: `${subject.nickname}에 대한 알림 확인 처리` }).click();
  const acknowledged = page.locator(`article[data-alert-id="${live.id}"] .ack.done`);
  await acknowledged.waitFor(SLOW);
  const listed = (await ok(`query($u: ID) { riskAlerts(userId: $u, first: 5) { id acknowledged } }`, { u: subject.id }, adminToken)).riskAlerts;
  expect(listed.find((alert: { id: string }) => alert.id === live.id)).toEqual({ id: live.id, acknowledged: true });

  // Hold the member's trades: a reason is required, then confirmed in the dialog.
  const fresh = page.locator(`article[data-alert-id="${live.id}"]`);
  await fresh.getByRole('button', { name: `${subject.nickname}: 거래 보류` }).click();
  const dialog = page.getByRole('dialog', { name: `${subject.nickname}: 거래 보류` });
  await dialog.waitFor(SLOW);
  expect(await page.evaluate('document.activeElement.tagName')).toBe('TEXTAREA');
  await dialog.getByRole('button', { name: '확정' }).click();
  expect(await dialog.locator('.error').innerText()).toBe('조치 사유를 입력하세요.');
  await dialog.getByLabel('조치 사유 (감사 기록에 남음, 필수)').fill('외부 계좌 입금 요구가 반복되어 거래를 보류합니다.');
  await expectAccessible(page, 'risk-action');
  await page.screenshot({ path: join(ARTIFACTS, '14-risk-action.png') });
  await dialog.getByRole('button', { name: '확정' }).click();
  await dialog.waitFor({ state: 'detached', ...SLOW });
  await expect.poll(() => page.locator('main [role="status"]').innerText(), SLOW).toBe('조치를 적용했습니다: 거래 보류');

  // From the alert to its member, where the alert is listed too.
  await fresh.getByRole('link', { name: `${subject.nickname} 회원 보기` }).click();
  await expect.poll(() => heading(page), SLOW).toBe(`회원: ${subject.nickname}`);
  await page.locator(`.member-view article[data-alert-id="${live.id}"]`).waitFor(SLOW);
  expect(await page.locator('.member-summary .badge.risk').innerText()).toMatch(/높음|심각/);
  // A tablet: nothing overflows sideways on the new screens either.
  await page.setViewportSize({ width: 820, height: 1180 });
  expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
  await page.screenshot({ path: join(ARTIFACTS, '15-tablet-member.png'), fullPage: true });
  await page.getByRole('link', { name: '위험 알림', exact: true }).click();
  await expect.poll(() => state.getAttribute('data-state'), SLOW).toBe('live');
  expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
  await page.screenshot({ path: join(ARTIFACTS, '16-tablet-alerts.png'), fullPage: true });
  // In English the feed is redrawn (and reconnected) in the other language.
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await expect.poll(() => heading(page), SLOW).toBe('Live risk alerts');
  await expect.poll(() => state.getAttribute('data-state'), SLOW).toBe('live');
  await page.locator(`article[data-alert-id="${live.id}"]`).waitFor(SLOW);
  expect(await page.locator(`article[data-alert-id="${live.id}"]`).innerText()).toMatch(/High[\s\S]*Asked for payment off the platform[\s\S]*Acknowledged/);
  expect(await page.locator(`article[data-alert-id="${live.id}"] dd`).last().innerText()).not.toMatch(/[가-힣]/);
  await page.unrouteAll({ behavior: 'ignoreErrors' });
}
