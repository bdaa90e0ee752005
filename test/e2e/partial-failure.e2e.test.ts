// One subgraph down, the rest up (user, report and gateway as real processes): a query touching
// the report subgraph gets the user subgraph's data plus SUBGRAPH_UNAVAILABLE errors exactly on
// the fields report would have filled (a root field and an entity field), the gateway keeps
// serving, /readyz says `degraded` (200) and names the subgraph, and once report is started again
// on the same port everything answers as before, through the same pooled connections.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerUrls } from '../support/owners.ts';
import { startProcess } from '../support/processes.ts';
import { graphql, startStack, type Stack } from '../support/stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ subgraphs: ['user', 'report'], startTimeoutMs: 90_000 });
}, 240_000);
afterAll(async () => {
  await stack?.stop();
});

async function register(): Promise<{ id: string; token: string }> {
  const email = `partial.${randomBytes(4).toString('hex')}@example.com`;
  const answer = await graphql<{ register: { accessToken: string; user: { id: string } } }>(
    stack.gatewayUrl,
    'mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }',
    { input: { email, password: 'correct horse battery', nickname: 'partial' } },
  );
  if (!answer.body.data) throw new Error(JSON.stringify(answer.body.errors));
  return { id: answer.body.data.register.user.id, token: answer.body.data.register.accessToken };
}

async function readiness(): Promise<{ status: number; body: { status: string; checks: Record<string, string>; down?: string[] } }> {
  // The detail (checks, down) is on the gateway's operations port; the public /readyz says only the status.
  const publicStatus = (await (await fetch(new URL('/readyz', stack.gatewayUrl))).json()) as { status: string };
  const response = await fetch(`${stack.operationsUrls.gateway}/readyz`);
  const detail = await response.clone().json() as { status: string };
  expect(publicStatus).toEqual({ status: detail.status });
  return { status: response.status, body: (await response.json()) as never };
}

// `myReports` is a root field of report; `activeSanction` a nullable report field on User (an entity fetch).
const QUERY = '{ me { id nickname activeSanction { type } } myReports { id } }';

describe('a subgraph goes away and comes back', () => {
  it('serves partial data with coded errors while report is down, and recovers when it returns', async () => {
    const user = await register();
    const auth = { authorization: `Bearer ${user.token}`, 'accept-language': 'en' };
    const healthy = await graphql(stack.gatewayUrl, QUERY, {}, auth);
    expect(healthy.body).toEqual({ data: { me: { id: user.id, nickname: 'partial', activeSanction: null }, myReports: [] } });
    // Only user and report run here: the supergraph's other four subgraphs are down from the start.
    const before = await readiness();
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ status: 'degraded', checks: { redis: 'ok', 'subgraph:user': 'ok', 'subgraph:report': 'ok' } });
    expect(before.body.down?.sort()).toEqual(['subgraph:chat', 'subgraph:monitor', 'subgraph:payment', 'subgraph:safety', 'subgraph:transaction']);

    const report = stack.processes.find((p) => p.name === 'report')!;
    const port = report.port!;
    await report.stop('SIGKILL'); // a crash, not a graceful stop

    const partial = await graphql<Record<string, unknown>>(stack.gatewayUrl, QUERY, {}, auth);
    expect(partial.status).toBe(200);
    // myReports is non-null ([Report!]!): its null reaches the root, and data becomes null.
    // Hence the assertion on a query where report only fills nullable places, below.
    expect(partial.body.errors?.every((error) => error.extensions?.code === 'SUBGRAPH_UNAVAILABLE')).toBe(true);

    const nullable = '{ me { id nickname activeSanction { type } } report(id: "00000000-0000-0000-0000-000000000000") { id } }';
    const answer = await graphql<Record<string, unknown>>(stack.gatewayUrl, nullable, {}, auth);
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({ me: { id: user.id, nickname: 'partial', activeSanction: null }, report: null });
    const byPath = Object.fromEntries((answer.body.errors ?? []).map((error) => [JSON.stringify((error as { path?: unknown }).path), error]));
    expect(Object.keys(byPath).sort()).toEqual([JSON.stringify(['me', 'activeSanction']), JSON.stringify(['report'])]);
    for (const error of Object.values(byPath)) {
      expect(error.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', service: 'report' });
      expect(error.message).toContain("'report' service is not answering");
    }

    // The gateway keeps serving what does not need report, and says which subgraph is missing.
    const userOnly = await graphql(stack.gatewayUrl, '{ me { id nickname } }', {}, auth);
    expect(userOnly.body).toEqual({ data: { me: { id: user.id, nickname: 'partial' } } });
    const degraded = await readiness();
    expect(degraded.status).toBe(200);
    expect(degraded.body.status).toBe('degraded');
    expect(degraded.body.down?.sort()).toEqual(['subgraph:chat', 'subgraph:monitor', 'subgraph:payment', 'subgraph:report', 'subgraph:safety', 'subgraph:transaction']);
    expect(degraded.body.checks['subgraph:report']).toMatch(/^down: /);
    expect(degraded.body.checks['subgraph:user']).toBe('ok');

    const restarted = await startProcess('report', 'subgraphs/report/src/index.ts', { ...ownerUrls('report', stack.subgraphUrls), ...stack.env, REPORT_PORT: String(port), REPORT_OPS_PORT: '0' }, { timeoutMs: 90_000 });
    stack.processes.push(restarted);
    expect(restarted.port).toBe(port);

    const recovered = await graphql(stack.gatewayUrl, QUERY, {}, auth);
    expect(recovered.body).toEqual({ data: { me: { id: user.id, nickname: 'partial', activeSanction: null }, myReports: [] } });
    const after = await readiness();
    expect(after.status).toBe(200);
    expect(after.body.checks['subgraph:report']).toBe('ok');
    expect(after.body.down).not.toContain('subgraph:report');
  }, 240_000);
});
