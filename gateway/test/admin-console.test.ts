// The moderator console's serving (gateway/src/admin-console.ts) on a real HTTP server over a
// bundle folder this test writes: the page with its CSP, hashed assets with gzip and caching, the
// "not built" answer, and ADMIN_CONSOLE* from the environment. The page in a browser:
// test/e2e/admin-console.e2e.test.ts.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { adminContentSecurityPolicy, createAdminConsole } from '../src/admin-console.ts';
import { defaultGatewaySettings } from '../src/env.ts';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

async function serve(dir: string, mediaOrigins: string[] = []): Promise<string> {
  const app = express();
  app.use(createAdminConsole({ dir, mediaOrigins }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((done) => server.once('listening', done));
  cleanups.push(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function bundle(): string {
  const dir = mkdtempSync(join(tmpdir(), 'anshim-admin-dist-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="app"></div><script type="module" src="/admin/assets/index-abc.js"></script>');
  const script = 'console.log("console");'.repeat(20);
  writeFileSync(join(dir, 'assets/index-abc.js'), script);
  writeFileSync(join(dir, 'assets/index-abc.js.gz'), gzipSync(script));
  return dir;
}

describe('admin console serving', () => {
  it('serves the page under a CSP that allows nothing inline and nothing from elsewhere', async () => {
    const origin = await serve(bundle());
    for (const path of ['/admin', '/admin/']) {
      const res = await fetch(`${origin}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      );
      expect(await res.text()).toContain('<div id="app">');
    }
  });

  it('names evidence storage origins in img-src only', () => {
    const policy = adminContentSecurityPolicy(['https://bucket.s3.ap-northeast-2.amazonaws.com']);
    expect(policy).toContain("img-src 'self' data: https://bucket.s3.ap-northeast-2.amazonaws.com;");
    expect(policy.match(/amazonaws/g)).toHaveLength(1);
  });

  it('sends hashed assets gzip-compressed and cached for good, 304 on a known ETag, 404 for unknown names', async () => {
    const origin = await serve(bundle());
    const asset = await fetch(`${origin}/admin/assets/index-abc.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-encoding')).toBe('gzip');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toContain('console.log');
    const etag = asset.headers.get('etag')!;
    expect((await fetch(`${origin}/admin/assets/index-abc.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await fetch(`${origin}/admin/assets/missing.js`)).status).toBe(404);
  });

  it('answers 503 with how to build it when the bundle is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'anshim-admin-empty-'));
    cleanups.push(() => rmSync(empty, { recursive: true, force: true }));
    const res = await fetch(`${await serve(empty)}/admin`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build');
  });
});

describe('ADMIN_CONSOLE settings', () => {
  it('is on by default, off with ADMIN_CONSOLE=false, and keeps only the origin of each media URL', () => {
    expect(defaultGatewaySettings().adminConsole).toMatchObject({ mediaOrigins: [] });
    expect(defaultGatewaySettings({ ADMIN_CONSOLE: 'false' }).adminConsole).toBeUndefined();
    const settings = defaultGatewaySettings({ ADMIN_CONSOLE_MEDIA_ORIGINS: 'https://bucket.s3.amazonaws.com/evidence/, https://cdn.example.com' });
    expect(settings.adminConsole?.mediaOrigins).toEqual(['https://bucket.s3.amazonaws.com', 'https://cdn.example.com']);
    expect(() => defaultGatewaySettings({ ADMIN_CONSOLE_MEDIA_ORIGINS: 'not a url' })).toThrow();
  });
});
