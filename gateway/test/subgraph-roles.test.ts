// The gateway names no subgraph in code (issue 17 point 3): which subgraph serves /auth, which keep
// files and which see bearer tokens are settings whose defaults are today's (user; transaction and
// report; user), and a name the supergraph does not have stops the process with exit 1.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultGatewaySettings } from '../src/env.ts';
import { matchPassThrough, passThroughRoutes } from '../src/pass-through/allow-list.ts';
import { assertKnownSubgraphs, unknownSubgraphProblems } from '../src/upstream/subgraph-roles.ts';

const root = resolve(import.meta.dirname, '../..');
/** The subgraphs of the committed supergraph, as its join__Graph enum names them. */
const supergraphNames = [...readFileSync(resolve(root, 'gateway/supergraph.graphql'), 'utf8').matchAll(/@join__graph\(name: "([^"]+)"/g)].map((match) => match[1]!);

describe('subgraph roles from the environment', () => {
  it('default to the subgraphs that serve these routes today, all of them in the supergraph', () => {
    const settings = defaultGatewaySettings();
    expect(settings.subgraphRoles).toEqual({ authPassThrough: 'user', paymentPassThrough: 'payment', filePassThrough: ['transaction', 'report', 'user'], forwardAuthorizationTo: ['user'] });
    expect(unknownSubgraphProblems(settings, supergraphNames)).toEqual([]);
  });

  it('read names and comma lists, and empty as none', () => {
    const settings = defaultGatewaySettings({ AUTH_PASS_THROUGH_SUBGRAPH: '', PAYMENT_PASS_THROUGH_SUBGRAPH: '', FILE_PASS_THROUGH_SUBGRAPHS: ' report , courier ', FORWARD_AUTHORIZATION_TO: '' });
    expect(settings.subgraphRoles).toEqual({ authPassThrough: null, paymentPassThrough: null, filePassThrough: ['report', 'courier'], forwardAuthorizationTo: [] });
  });

  it('refuse what is not a subgraph name (it becomes a path segment)', () => {
    expect(() => defaultGatewaySettings({ FILE_PASS_THROUGH_SUBGRAPHS: 'report,../graphql' })).toThrow(/FILE_PASS_THROUGH_SUBGRAPHS/);
    expect(() => defaultGatewaySettings({ AUTH_PASS_THROUGH_SUBGRAPH: 'User' })).toThrow(/AUTH_PASS_THROUGH_SUBGRAPH/);
  });
});

describe('the check against the supergraph', () => {
  const roles = { authPassThrough: 'accounts', paymentPassThrough: 'escrow', filePassThrough: ['report', 'courier'], forwardAuthorizationTo: ['user', 'accounts'] };

  it('names each setting with the subgraphs it names that the supergraph does not have', () => {
    expect(unknownSubgraphProblems({ subgraphUrls: { shipping: 'http://127.0.0.1:1/graphql' }, subgraphRoles: roles }, supergraphNames)).toEqual([
      'SUBGRAPH_URLS names unknown subgraph(s): shipping',
      'AUTH_PASS_THROUGH_SUBGRAPH names unknown subgraph(s): accounts',
      'PAYMENT_PASS_THROUGH_SUBGRAPH names unknown subgraph(s): escrow',
      'FILE_PASS_THROUGH_SUBGRAPHS names unknown subgraph(s): courier',
      'FORWARD_AUTHORIZATION_TO names unknown subgraph(s): accounts',
    ]);
  });

  it('throws every problem at once with the names the supergraph has', () => {
    expect(() => assertKnownSubgraphs({ subgraphUrls: {}, subgraphRoles: { ...roles, authPassThrough: null, paymentPassThrough: null, forwardAuthorizationTo: [] } }, ['user', 'report'])).toThrow(
      'FILE_PASS_THROUGH_SUBGRAPHS names unknown subgraph(s): courier (the supergraph has user, report)',
    );
    expect(() => assertKnownSubgraphs({ subgraphUrls: {}, subgraphRoles: { authPassThrough: null, paymentPassThrough: null, filePassThrough: [], forwardAuthorizationTo: [] } }, ['people'])).not.toThrow();
  });

  it('stops the gateway process with exit 1 and the message', () => {
    const secret = () => randomBytes(32).toString('hex');
    // Real secrets, so that nothing is generated into .data/; the committed supergraph has no `courier`.
    const env = { PATH: process.env.PATH, INTERNAL_SECRET: secret(), JWT_SECRET: secret(), DATA_ENCRYPTION_KEY: secret() };
    Object.assign(env, { REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0', GATEWAY_PORT: '0', GATEWAY_OPS_PORT: '0', EXPLORER: 'false', FORWARD_AUTHORIZATION_TO: 'user,courier' });
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'gateway/src/index.ts'], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('FORWARD_AUTHORIZATION_TO names unknown subgraph(s): courier (the supergraph has');
    expect(run.stdout).not.toContain('"msg":"listening"');
  });
});

describe('the pass-through routes of the configured subgraphs', () => {
  it('own /auth, /payments and each file store\'s /<name>/files, routed to that subgraph', () => {
    const { prefixes, routes } = passThroughRoutes(defaultGatewaySettings().subgraphRoles);
    expect(prefixes).toEqual(['/auth', '/payments', '/transaction/files', '/report/files', '/user/files']);
    expect(matchPassThrough(routes, 'POST', '/payments/webhook')?.service).toBe('payment');
    expect(matchPassThrough(routes, 'GET', '/payments/return')?.service).toBe('payment');
    expect(matchPassThrough(routes, 'GET', '/payments/webhook')).toBeNull();
    expect(matchPassThrough(routes, 'POST', '/payments/anything-else')).toBeNull();
    expect(matchPassThrough(routes, 'GET', '/auth/oidc/kakao/start')?.service).toBe('user');
    expect(matchPassThrough(routes, 'GET', '/report/files/evidence/owner/a.png')).toEqual({ service: 'report', path: '/files/evidence/owner/a.png', query: '' });
    expect(matchPassThrough(routes, 'GET', '/user/files/profile-photos/owner/a.jpg')).toEqual({ service: 'user', path: '/files/profile-photos/owner/a.jpg', query: '' });
    expect(matchPassThrough(routes, 'GET', '/safety/files/evidence/owner/a.png')).toBeNull();
  });

  it('keep /auth with no route when no subgraph serves it', () => {
    const { prefixes, routes } = passThroughRoutes({ authPassThrough: null, paymentPassThrough: null, filePassThrough: [] });
    expect(prefixes).toEqual(['/auth', '/payments']);
    expect(matchPassThrough(routes, 'POST', '/payments/webhook')).toBeNull();
    expect(matchPassThrough(routes, 'GET', '/auth/oidc/kakao/start')).toBeNull();
  });
});
