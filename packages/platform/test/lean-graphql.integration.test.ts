// The lean GraphQL path (lean-graphql.ts) answers exactly what Apollo answers: the same requests go
// over HTTP to two real subgraph servers built the same way, one with the lean path and one without
// (SUBGRAPH_LEAN_PATH=false), and status, body bytes, content type and recorded metrics must match.
// A counter in express (behind the signature check) shows which requests the lean path answered
// itself, so the comparison cannot pass by everything quietly falling through to Apollo.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import pg from 'pg';
import { freePort as closedPort } from '../../../test/support/free-port.ts'; // nothing listens there: every connection is refused
import {
  BadInputError,
  bodySha256,
  buildSubgraphServer,
  createLogger,
  createMetrics,
  signIdentityHeaders,
  type Identity,
  type Metrics,
  type RequestContext,
} from '../src/index.ts';

const SECRET = randomBytes(32).toString('hex');
const NAME = 'leanprobe';
const logger = createLogger('lean-graphql-test', (process.env.LEAN_TEST_LOG as 'silent') ?? 'silent');
const ME: Identity = { userId: 'user-1', role: 'USER' };

interface Probe {
  url: string;
  metrics: Metrics;
  /** Requests express saw past the signature check (the lean path's own answers never get there). */
  expressHits: number;
  /** Times the mutation ran. */
  writes: number;
  stop(): Promise<void>;
}

async function probe(leanPath: boolean, production: boolean, deadPort: number): Promise<Probe> {
  const metrics = createMetrics(NAME);
  const state = { expressHits: 0, writes: 0 };
  const server = await buildSubgraphServer<RequestContext & { shout: boolean }>({
    name: NAME,
    leanPath,
    production,
    metrics,
    internalSecret: SECRET,
    logger,
    readiness: [],
    typeDefs: parse(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
      type Item @key(fields: "id") { id: ID!, name: String!, broken: String! }
      type Query { whoAmI: String, item(id: ID!): Item, items(ids: [ID!]!): [Item!], badInput(n: Int!): Int, crash: String, outage: String }
      type Mutation { write(value: String!): Int! }
    `),
    buildContext: (base, headers) => {
      if (headers['x-probe-context'] === 'fail') throw new Error('the context could not be built');
      return { ...base, shout: headers['x-probe-shout'] === '1' };
    },
    routes: (app) => {
      app.use((_req, _res, next) => {
        state.expressHits += 1;
        next();
      });
    },
    resolvers: {
      Query: {
        whoAmI: (_: unknown, __: unknown, ctx: RequestContext & { shout: boolean }) => `${ctx.identity?.userId ?? 'anonymous'}/${ctx.locale}/${ctx.shout}`,
        item: (_: unknown, { id }: { id: string }) => ({ id, name: `item ${id}` }),
        items: (_: unknown, { ids }: { ids: string[] }) => ids.map((id) => ({ id, name: `item ${id}` })),
        badInput: (_: unknown, { n }: { n: number }) => {
          if (n < 0) throw new BadInputError({ ko: '음수는 안 됩니다.', en: 'No negative numbers.' }, { field: 'n' });
          return n;
        },
        crash: () => {
          throw new Error('secret internals at 10.0.0.1');
        },
        outage: async () => {
          const client = new pg.Client({ host: '127.0.0.1', port: deadPort, user: 'root', database: 'postgres' });
          await client.connect();
          return 'unreachable';
        },
      },
      Item: {
        broken: (item: { id: string }) => {
          if (item.id === 'x') throw new BadInputError('broken item');
          return `fine ${item.id}`;
        },
      },
      Mutation: {
        write: () => {
          state.writes += 1;
          return state.writes;
        },
      },
    },
  });
  const running = await server.start(0);
  return {
    url: running.url,
    metrics,
    get expressHits() {
      return state.expressHits;
    },
    get writes() {
      return state.writes;
    },
    stop: () => server.stop(),
  };
}

interface Sent {
  body?: string;
  identity?: Identity | null;
  /** false: no signature headers; 'forged': signed with another secret. */
  signed?: boolean | 'forged';
  headers?: Record<string, string>;
  method?: string;
}

async function send(url: string, sent: Sent) {
  const body = sent.body ?? '';
  const method = sent.method ?? 'POST';
  const target = { method, subgraph: NAME, path: '/graphql', bodySha256: bodySha256(body) };
  const signature = sent.signed === false ? {} : signIdentityHeaders(sent.signed === 'forged' ? 'not-the-secret' : SECRET, sent.identity === undefined ? ME : sent.identity, target, 'req-1');
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...signature, ...sent.headers },
    body: method === 'GET' ? undefined : body,
  });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

const json = (value: unknown) => JSON.stringify(value);

/**
 * Every case: a name, the request, and who answers it on the lean server: the lean path itself
 * (`true`), Apollo (`false`: express sees it past the signature check), or express before that
 * (`'early'`: the body limit).
 */
const CASES: Array<{ name: string; sent: Sent; lean: boolean | 'early' }> = [
  { name: 'success', sent: { body: json({ query: 'query Who { whoAmI }' }) }, lean: true },
  { name: 'success, anonymous, English, context from headers', sent: { body: json({ query: 'query Who { whoAmI }' }), identity: null, headers: { 'accept-language': 'en', 'x-probe-shout': '1' } }, lean: true },
  { name: 'variables and operationName among several operations', sent: { body: json({ query: 'query A { whoAmI } query B($id: ID!) { item(id: $id) { id name } }', operationName: 'B', variables: { id: '7' } }) }, lean: true },
  { name: 'entities (_entities, as the gateway asks)', sent: { body: json({ query: 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Item { id broken } } }', variables: { representations: [{ __typename: 'Item', id: '1' }, { __typename: 'Item', id: 'x' }] } }) }, lean: true },
  { name: 'BAD_USER_INPUT from a resolver, Korean', sent: { body: json({ query: '{ badInput(n: -1) }' }) }, lean: true },
  { name: 'BAD_USER_INPUT from a resolver, English', sent: { body: json({ query: '{ badInput(n: -1) }' }), headers: { 'accept-language': 'en' } }, lean: true },
  { name: 'an error in a non-null field nulls its parent', sent: { body: json({ query: '{ items(ids: ["1", "x"]) { id broken } }' }) }, lean: true },
  { name: 'unexpected resolver error', sent: { body: json({ query: 'query Crash { crash whoAmI }' }) }, lean: true },
  { name: 'outage error', sent: { body: json({ query: '{ outage }' }), headers: { 'accept-language': 'en' } }, lean: true },
  { name: 'mutation', sent: { body: json({ query: 'mutation W($v: String!) { write(value: $v) }', variables: { v: 'a' } }) }, lean: true },
  { name: 'parse error', sent: { body: json({ query: '{ whoAmI' }) }, lean: false },
  { name: 'validation error', sent: { body: json({ query: '{ nope }' }) }, lean: false },
  { name: 'variables that do not coerce', sent: { body: json({ query: 'query($n: Int!) { badInput(n: $n) }', variables: { n: 'many' } }) }, lean: false },
  { name: 'unknown operationName', sent: { body: json({ query: 'query A { whoAmI }', operationName: 'Z' }) }, lean: false },
  { name: 'context creation fails', sent: { body: json({ query: '{ whoAmI }' }), headers: { 'x-probe-context': 'fail' } }, lean: false },
  { name: 'no query', sent: { body: json({ variables: {} }) }, lean: false },
  { name: 'batched request', sent: { body: json([{ query: '{ whoAmI }' }]) }, lean: false },
  { name: 'variables as a string', sent: { body: json({ query: '{ whoAmI }', variables: '{}' }) }, lean: false },
  { name: 'introspection', sent: { body: json({ query: '{ __schema { queryType { name } } }' }) }, lean: false },
  { name: 'missing signature', sent: { body: json({ query: '{ whoAmI }' }), signed: false }, lean: true },
  { name: 'forged signature', sent: { body: json({ query: '{ whoAmI }' }), signed: 'forged' }, lean: true },
  { name: 'not JSON', sent: { body: '{ "query": ' }, lean: true },
  { name: 'JSON but not an object', sent: { body: '"{ whoAmI }"' }, lean: true },
  { name: 'oversized body', sent: { body: json({ query: '{ whoAmI }', padding: 'x'.repeat(1024 * 1024) }) }, lean: 'early' },
  { name: 'graphql-response+json accepted', sent: { body: json({ query: '{ whoAmI }' }), headers: { accept: 'application/graphql-response+json' } }, lean: false },
];

/** The recorded request metrics of a server, without timings (counts by labels). */
async function requestMetrics(metrics: Metrics) {
  const errors = (await metrics.operationErrors.get()).values.map((v) => `${json(v.labels)}=${v.value}`).sort();
  const operations = (await metrics.operationDuration.get()).values.filter((v) => v.metricName?.endsWith('_count')).map((v) => `${json(v.labels)}=${v.value}`).sort();
  return { errors, operations };
}

for (const production of [true, false]) {
  describe(`lean path = Apollo (production: ${production})`, () => {
    let lean: Probe;
    let apollo: Probe;

    beforeAll(async () => {
      const deadPort = await closedPort();
      [lean, apollo] = await Promise.all([probe(true, production, deadPort), probe(false, production, deadPort)]);
    });

    afterAll(async () => {
      await Promise.all([lean?.stop(), apollo?.stop()]);
    });

    for (const { name, sent, lean: answeredLean } of CASES) {
      it(`${name}: same status, content type and body${answeredLean === true ? ', answered on the lean path' : answeredLean ? ', refused by express' : ', handed to Apollo'}`, async () => {
        const hitsBefore = lean.expressHits;
        const writesBefore = lean.writes;
        const [viaLean, viaApollo] = [await send(lean.url, sent), await send(apollo.url, sent)];
        // Outside production Apollo adds stack traces; their frames name the pipeline that ran.
        const comparable = (text: string) => (production ? text : text.replace(/"stacktrace":\[.*?"\]/g, '"stacktrace":[…]'));
        expect(comparable(viaLean.text)).toBe(comparable(viaApollo.text));
        expect(viaLean.status).toBe(viaApollo.status);
        expect(viaLean.type).toBe(viaApollo.type);
        expect(lean.expressHits - hitsBefore).toBe(answeredLean === false ? 1 : 0);
        expect(lean.writes - writesBefore).toBeLessThanOrEqual(1);
      });
    }

    it('answers as expected where it matters (not merely the same)', async () => {
      const who = await send(lean.url, { body: json({ query: 'query Who { whoAmI }' }), headers: { 'accept-language': 'en' } });
      expect(who).toMatchObject({ status: 200, type: 'application/json; charset=utf-8' });
      expect(who.text).toBe(`${json({ data: { whoAmI: 'user-1/en/false' } })}\n`);
      const unsigned = await send(lean.url, { body: json({ query: '{ whoAmI }' }), signed: false });
      expect(unsigned.status).toBe(401);
      expect(JSON.parse(unsigned.text).errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'unsigned' });
      const bad = JSON.parse((await send(lean.url, { body: json({ query: '{ badInput(n: -1) }' }), headers: { 'accept-language': 'en' } })).text);
      expect(bad.errors[0]).toMatchObject({ message: 'No negative numbers.', extensions: { code: 'BAD_USER_INPUT', field: 'n' } });
      const outage = JSON.parse((await send(lean.url, { body: json({ query: '{ outage }' }) })).text);
      expect(outage.errors[0].extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', retryable: true });
      expect(outage.errors[0].message).not.toContain(String('127.0.0.1'));
      const crash = JSON.parse((await send(lean.url, { body: json({ query: '{ crash }' }) })).text);
      if (production) expect(crash.errors[0]).toEqual({ message: '일시적인 문제가 발생했습니다. 잠시 후 다시 시도해 주세요.', locations: [{ line: 1, column: 3 }], path: ['crash'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      else expect(crash.errors[0].extensions.stacktrace.length).toBeGreaterThan(0);
    });

    it('a cached document is reused across requests and a mutation runs once per request', async () => {
      const before = lean.writes;
      for (let i = 0; i < 3; i++) {
        const answer = await send(lean.url, { body: json({ query: 'mutation W($v: String!) { write(value: $v) }', variables: { v: String(i) } }) });
        expect(JSON.parse(answer.text)).toEqual({ data: { write: before + i + 1 } });
      }
      expect(lean.writes).toBe(before + 3);
    });

    it('records the same request metrics (operation counts by name and status, errors by code)', async () => {
      // Both servers saw the same requests, except the extra ones above, which went to the lean one only.
      const extra = await probe(false, production, await closedPort());
      try {
        await send(extra.url, { body: json({ query: 'query Who { whoAmI }' }), headers: { 'accept-language': 'en' } });
        await send(extra.url, { body: json({ query: '{ whoAmI }' }), signed: false });
        await send(extra.url, { body: json({ query: '{ badInput(n: -1) }' }), headers: { 'accept-language': 'en' } });
        await send(extra.url, { body: json({ query: '{ outage }' }) });
        await send(extra.url, { body: json({ query: '{ crash }' }) });
        for (let i = 0; i < 3; i++) await send(extra.url, { body: json({ query: 'mutation W($v: String!) { write(value: $v) }', variables: { v: String(i) } }) });
        const [a, b, c] = await Promise.all([requestMetrics(lean.metrics), requestMetrics(apollo.metrics), requestMetrics(extra.metrics)]);
        const sum = (x: string[], y: string[]) => {
          const totals = new Map<string, number>();
          for (const line of [...x, ...y]) {
            const at = line.lastIndexOf('=');
            totals.set(line.slice(0, at), (totals.get(line.slice(0, at)) ?? 0) + Number(line.slice(at + 1)));
          }
          return [...totals].map(([k, v]) => `${k}=${v}`).sort();
        };
        expect(a.operations.length).toBeGreaterThan(3);
        expect(a.operations).toEqual(sum(b.operations, c.operations));
        expect(a.errors).toEqual(sum(b.errors, c.errors));
      } finally {
        await extra.stop();
      }
    });
  });
}
