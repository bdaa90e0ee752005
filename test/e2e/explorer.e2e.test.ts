// The explorer in a real browser (docs/running-locally.md, "Explorer"): headless Debian Chromium opens GraphiQL from
// the gateway, reads the docs, signs in with a pasted login mutation, lists products with their
// seller's safety, and receives a live myRiskAlerts alert over graphql-ws when a seller asks the
// buyer to pay outside the app. Every browser request is logged; any non-local one fails the test.
// Screenshots go to test-artifacts/explorer/.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLocalUrl, launchBrowser, type Browser } from '../support/browser.ts';
import { accountNumberOfThisRun } from '../support/fraud-text.ts';
import { graphql, startStack, type Stack } from '../support/stack.ts';
import { waitFor } from '../support/gateway-client.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const ARTIFACTS = join(ROOT, 'test-artifacts/explorer');
const PASSWORD = 'correct horse battery';

let stack: Stack;
let browser: Browser | undefined;
beforeAll(async () => {
  if (!existsSync(join(ROOT, 'gateway/explorer-dist/index.html'))) {
    throw new Error('the explorer is not built: run `npm run build` (npm test builds it first)');
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startStack({ subgraphs: ['user', 'transaction', 'chat', 'monitor', 'safety'] });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const origin = () => new URL(stack.gatewayUrl).origin;

async function ok<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
  const res = await graphql<T>(stack.gatewayUrl, query, variables, token ? { authorization: `Bearer ${token}` } : {});
  if (res.body.errors?.length) throw new Error(JSON.stringify(res.body.errors));
  return res.body.data!;
}

async function register(nickname: string): Promise<{ id: string; email: string; token: string }> {
  const email = `${nickname}.${randomBytes(4).toString('hex')}@example.com`;
  const data = await ok(`mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }`, { input: { email, password: PASSWORD, nickname } });
  return { id: data.register.user.id, email, token: data.register.accessToken };
}

describe('explorer over HTTP', () => {
  it('answers browsers with the page and every other client with GraphQL JSON', async () => {
    const html = await fetch(stack.gatewayUrl, { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('cache-control')).toBe('no-cache');
    expect(html.headers.get('vary')).toMatch(/Accept\b/);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'self'");
    const page = await html.text();
    expect(page).toContain('<div id="explorer">');
    expect(page).not.toMatch(/(src|href)="https?:/); // nothing from elsewhere
    expect(await (await fetch(`${origin()}/explorer`)).text()).toBe(page);

    // The same URL still speaks GraphQL: POST, GET with a JSON Accept, and curl's */*.
    const post = await graphql(stack.gatewayUrl, '{ __typename }');
    expect(post.body.data).toEqual({ __typename: 'Query' });
    for (const accept of ['application/json', '*/*']) {
      const get = await fetch(`${stack.gatewayUrl}?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept, 'apollo-require-preflight': 'true' } });
      expect(get.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
      expect(await get.json()).toEqual({ data: { __typename: 'Query' } });
    }

    // Hashed assets: right type, cached for good, gzip when accepted; unknown names are 404.
    const script = page.match(/src="(\/explorer\/assets\/[^"]+\.js)"/)![1]!;
    const asset = await fetch(`${origin()}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-encoding')).toBe('gzip');
    const etag = asset.headers.get('etag')!;
    expect((await fetch(`${origin()}${script}`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await fetch(`${origin()}/explorer/assets/nope.js`)).status).toBe(404);
  });
});

/** Replaces an editor's text the way a person pastes (typing would trip the editor's auto-closing brackets). */
async function paste(page: Page, editor: string, text: string): Promise<void> {
  await page.locator(`${editor} .monaco-editor .view-lines`).click();
  await page.keyboard.press('ControlOrMeta+A');
  // Runs in the page (a string, as this file is type-checked without the DOM library).
  await page.evaluate(`(() => {
    const data = new DataTransfer();
    data.setData('text/plain', ${JSON.stringify(text)});
    document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  })()`);
}

// Generous: a loaded CI machine renders slowly; a broken explorer still fails.
const SLOW = { timeout: 20_000 };
const QUERY_EDITOR = '.graphiql-query-editor';
const HEADER_EDITOR = '.graphiql-editor-tool .graphiql-editor:not(.hidden)';
const RESPONSE = '.graphiql-response';
/** What an editor shows (Monaco renders spaces as no-break spaces). */
const textOf = async (page: Page, editor: string) => (await page.locator(`${editor} .view-lines`).innerText()).replace(/\u00a0/g, ' ');
const responseText = (page: Page) => textOf(page, RESPONSE);

/**
 * Pastes one named operation and runs it. GraphiQL picks the operation name up after a short
 * debounce (the tab takes its name): running earlier would send the previous operation's name.
 */
async function runOperation(page: Page, name: string, text: string): Promise<void> {
  await paste(page, QUERY_EDITOR, text);
  await expect.poll(() => page.locator('[role="tab"][aria-selected="true"]').innerText(), SLOW).toBe(name);
  await page.locator('.graphiql-execute-button').click();
}

describe('explorer in Chromium', () => {
  it('shows the docs, signs in, lists products with seller safety and receives a live alert, all from this machine', async () => {
    const seller = await register('seller');
    const buyer = await register('buyer');
    const listing = (await ok(`mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`, { input: { title: 'iPad Air', description: 'like new', price: 450_000, category: 'DIGITAL' } }, seller.token)).createProduct;
    // The seller's message below goes through the app's chat (screened there; the monitor hears of it from chat).
    const chat = await waitFor('chat to know the listing', async () => {
      const result = await graphql<any>(stack.gatewayUrl, `mutation($p: ID!) { startConversation(productId: $p) { id } }`, { p: listing.id }, { authorization: `Bearer ${buyer.token}` });
      return result.body.data?.startConversation?.id as string | undefined;
    }, 30_000);

    browser = await launchBrowser();
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const started = performance.now();
    await page.goto(stack.gatewayUrl);
    // Ready: the editor shows the starter tab and the schema has loaded (the docs button works).
    await expect.poll(() => textOf(page, QUERY_EDITOR), SLOW).toContain('Welcome to the Anshim explorer');
    await page.locator('button[aria-label="Show Documentation Explorer"]').click();
    await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).first().click({ timeout: 20_000 });
    const readyMs = Math.round(performance.now() - started);
    await expect.poll(() => page.locator('.graphiql-doc-explorer').innerText(), SLOW).toContain('products');
    const navigation = await page.evaluate<{ domContentLoadedMs: number; loadMs: number }>(`(() => {
      const [entry] = performance.getEntriesByType('navigation');
      return { domContentLoadedMs: Math.round(entry.domContentLoadedEventEnd), loadMs: Math.round(entry.loadEventEnd) };
    })()`);
    await page.screenshot({ path: join(ARTIFACTS, '1-docs.png') });

    // Log in by pasting the mutation; the token comes back in the response pane.
    const login = page.waitForResponse((res) => res.url() === stack.gatewayUrl && res.request().method() === 'POST' && (res.request().postData() ?? '').includes('Login'));
    await runOperation(page, 'Login', `mutation Login {\n  login(email: "${buyer.email}", password: "${PASSWORD}") {\n    accessToken\n    user { id nickname }\n  }\n}\n`);
    const answer = (await (await login).json()) as { data?: { login: { accessToken: string } } };
    const token = answer.data?.login.accessToken;
    if (!token) {
      await page.screenshot({ path: join(ARTIFACTS, 'login-failed.png') });
      throw new Error(`login from the explorer failed: ${JSON.stringify(answer)}`);
    }
    await expect.poll(() => responseText(page), SLOW).toContain('accessToken');

    // The headers editor carries the token for queries (HTTP header) and subscriptions (connectionParams).
    await page.getByRole('button', { name: 'Headers' }).click();
    await paste(page, HEADER_EDITOR, JSON.stringify({ Authorization: `Bearer ${token}`, 'Accept-Language': 'en' }, null, 2));

    // Other test files share this database (some list products for sellers only their own subgraph knows): ask for our seller's.
    await runOperation(page, 'Products', `query Products {\n  me { nickname }\n  products(first: 5, filter: { sellerId: "${seller.id}" }) {\n    edges {\n      node {\n        title\n        price\n        seller { nickname }\n        sellerSafety { grade label }\n      }\n    }\n  }\n}\n`);
    await expect.poll(() => responseText(page), SLOW).toContain('iPad Air');
    expect(await responseText(page)).toContain('"nickname": "buyer"');
    await page.screenshot({ path: join(ARTIFACTS, '2-products.png') });

    // The subscription runs over graphql-ws on /graphql; a seller's chat asking for an advance
    // transfer is pushed to it. The subscription is live once the socket carries it, but the
    // gateway opens the upstream one asynchronously: repeat the chat until the alert arrives.
    const socket = page.waitForEvent('websocket').catch(async (error: Error) => {
      await page.screenshot({ path: join(ARTIFACTS, 'no-websocket.png') });
      throw new Error(`${error.message}\nbrowser problems: ${browser!.problems.join('\n')}`);
    });
    await runOperation(page, 'MyRiskAlerts', `subscription MyRiskAlerts {\n  myRiskAlerts {\n    level\n    rule\n    message\n    subject { nickname safetyScore { grade } }\n  }\n}\n`);
    const frames: string[] = [];
    (await socket).on('framereceived', ({ payload }) => void frames.push(String(payload)));
    const deadline = Date.now() + 20_000;
    while (!frames.some((frame) => frame.includes('OFF_PLATFORM_PAYMENT_REQUEST'))) {
      if (Date.now() > deadline) throw new Error(`no alert reached the explorer; frames: ${frames.join('\n')}`);
      await ok(`mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }`, { id: chat, text: `선입금 부탁드려요 국민은행 ${accountNumberOfThisRun()}` }, seller.token);
      await new Promise((done) => setTimeout(done, 1_000));
    }
    await expect.poll(() => responseText(page), SLOW).toContain('OFF_PLATFORM_PAYMENT_REQUEST');
    const shown = await responseText(page);
    expect(shown).toContain('"level": "HIGH"');
    expect(shown).toContain('"nickname": "seller"');
    await page.screenshot({ path: join(ARTIFACTS, '3-live-alert.png') });

    // Nothing came from outside this machine, and the page raised no errors (CSP included).
    expect(browser.requests.length).toBeGreaterThan(5);
    expect(browser.requests.filter((url) => !isLocalUrl(url))).toEqual([]);
    expect(browser.requests.some((url) => url.startsWith('ws://'))).toBe(true);
    expect(browser.problems).toEqual([]);

    const timing = { readyMs, ...navigation, requests: browser.requests.length };
    writeFileSync(join(ARTIFACTS, 'timing.json'), `${JSON.stringify(timing, null, 2)}\n`);
    writeFileSync(join(ARTIFACTS, 'requests.txt'), `${browser.requests.join('\n')}\n`);
    console.log(`explorer ready in ${readyMs} ms (DOMContentLoaded ${navigation.domContentLoadedMs} ms, load ${navigation.loadMs} ms), ${browser.requests.length} local requests`);
  }, 120_000);
});
