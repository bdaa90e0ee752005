// Headless Debian Chromium driven by playwright-core (which downloads nothing), with a fresh profile
// and every request the page makes logged, so a test can prove nothing left this machine.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Loopback http(s)/ws(s), or data:/blob: URLs (which never touch the network). */
export function isLocalUrl(url: string): boolean {
  const parsed = new URL(url);
  if (parsed.protocol === 'data:' || parsed.protocol === 'blob:') return true;
  return ['http:', 'https:', 'ws:', 'wss:'].includes(parsed.protocol) && LOCAL_HOSTS.has(parsed.hostname);
}

export interface Browser {
  context: BrowserContext;
  /** Every URL the browser requested (pages, assets, workers, fetches, WebSockets), in order. */
  requests: string[];
  /** Console errors, page errors and failed requests. */
  problems: string[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: run \`apt-get install -y chromium\` (Debian), or set CHROMIUM_PATH. .ci/run installs it.`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'anshim-chromium-'));
  // launchPersistentContext is how playwright takes an explicit --user-data-dir; the folder is new each run.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ARGS,
    viewport: { width: 1440, height: 900 },
    locale: 'en-US',
  });
  const requests: string[] = [];
  const problems: string[] = [];
  context.on('request', (request) => void requests.push(request.url()));
  context.on('requestfailed', (request) => void problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
  const watch = (page: import('playwright-core').Page) => {
    page.on('websocket', (socket) => void requests.push(socket.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => void problems.push(`page error: ${error.message}`));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    context,
    requests,
    problems,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
