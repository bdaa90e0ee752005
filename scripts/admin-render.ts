// `npm run admin:render`: the README's pictures of the moderator console from a real run with
// seeded data: a throw-away stack (scripts/lib/dashboard-stack.ts: every process on free ports, a
// fresh database and Redis prefix), the demo marketplace created through the public API
// (seed-marketplace.ts), then Debian's Chromium signs in at /admin as the bootstrap admin, opens the
// most urgent report (docs/admin-console.png) and the dashboard (docs/admin-dashboard.png).
// English unless the machine has a Korean font (`apt-get install fonts-nanum`; --lang ko to force).
// Needs the console built (`npm run build`), /usr/bin/chromium, PostgreSQL and Redis.
// Settings: --users N (20) --products N (60) --lang ko|en.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_PATH } from '../test/support/browser.ts';
import { startRenderStack, type RenderStack } from './lib/dashboard-stack.ts';
import { seedMarketplace } from './lib/seed-marketplace.ts';

const root = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({ options: { users: { type: 'string' }, products: { type: 'string' }, lang: { type: 'string' } } });
const log = (line: string) => console.log(`[admin:render] ${line}`);

function hasKoreanFont(): boolean {
  try {
    return execFileSync('fc-list', [':lang=ko'], { encoding: 'utf8' }).trim().length > 0;
  } catch {
    return false;
  }
}

const heading = (page: Page) => page.locator('main h1').innerText();

async function shoot(stack: RenderStack, english: boolean): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    await page.goto(`${stack.gatewayUrl.replace(/\/graphql$/, '')}/admin`);
    if (english) await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.locator('input[type="email"]').fill(stack.admin.email);
    await page.locator('input[type="password"]').fill(stack.admin.password);
    await page.locator('form button[type="submit"]').click();
    // The queue: the first row is the most urgent received report; open it.
    const first = page.locator('tbody tr').first();
    await first.waitFor({ timeout: 30_000 });
    await first.locator('a').first().click();
    await page.locator('.member table.factors').waitFor({ timeout: 30_000 });
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: resolve(root, 'docs/admin-console.png'), fullPage: true });
    log(`case view: ${await heading(page)}`);
    await page.goto(`${page.url().split('#')[0]}#/dashboard`);
    await page.locator('figure.chart').nth(4).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: resolve(root, 'docs/admin-dashboard.png'), fullPage: true });
    log('wrote docs/admin-console.png and docs/admin-dashboard.png');
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  let stack: RenderStack | undefined;
  try {
    stack = await startRenderStack(log);
    const seeded = await seedMarketplace({
      gatewayUrl: stack.gatewayUrl,
      userServiceUrl: stack.userOperationsUrl,
      adminEmail: stack.admin.email,
      adminPassword: stack.admin.password,
      users: Number(args.users ?? 20),
      products: Number(args.products ?? 60),
      concurrency: 3,
      waitTimeoutMs: 120_000,
      log,
    });
    log(`seeded: ${JSON.stringify(seeded.created)}`);
    await shoot(stack, args.lang ? args.lang === 'en' : !hasKoreanFont());
  } finally {
    await stack?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => (console.error(error), process.exit(1)),
);
