import type { ValidationRule } from 'graphql';
import { describe, expect, it } from 'vitest';
import { graphqlRuntime } from '@anshim/platform';
import { defaultGatewaySettings } from '../src/env.ts';
import { aliasLimitRule } from '../src/limits/aliases.ts';
import { addressBucket, clientIpOf, parseTrustedProxies } from '../src/limits/client-ip.ts';
import { assertWithinLimits, QueryTooComplexError, shapeRefusal } from '../src/limits/complexity.ts';
import { costLimitRule, operationCost } from '../src/limits/cost.ts';
import { depthLimitRule } from '../src/limits/depth.ts';
import { EarlyDocumentCheck, SHAPE_MEASURED, TooManyTokensError } from '../src/limits/early-check.ts';
import { OperationGuard } from '../src/limits/operation-guard.ts';
import { rateCharges } from '../src/limits/rate-policy.ts';
import { rootFieldLimitRule, rootFieldsOf } from '../src/limits/root-fields.ts';

const { buildSchema, parse, validate, Kind } = graphqlRuntime;

// The documented limits, as a gateway with no settings of its own has them (env.ts).
const { complexity: DEFAULT_COMPLEXITY_LIMITS, rateLimits } = defaultGatewaySettings().limits;
const DEFAULT_RATE_LIMITS = rateLimits!;

// The shapes of the contract that matter for the limits: paged lists, a connection, plain lists.
const schema = buildSchema(`
  type User { id: ID! nickname: String! products(first: Int = 20): [Product!]! verifications: [Verification!]! badges: [String!]! }
  type Verification { method: String! }
  type Product { id: ID! title: String! seller: User! }
  type ProductEdge { cursor: String! node: Product! }
  type ProductConnection { edges: [ProductEdge!]! totalCount: Int! }
  type Query {
    me: User
    user(id: ID!): User
    products(first: Int = 20, after: String): ProductConnection!
    popularProducts(first: Int): [Product!]!
  }
  type Mutation { login(email: String!, password: String!): String! logout: Boolean! }
`);

const errorsOf = (query: string, rule: ValidationRule) => validate(schema, parse(query), [rule]);

function costOf(query: string, variables: Record<string, unknown> = {}, listSize = 10): number {
  const document = parse(query);
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [])));
  return operationCost(schema, operation as never, fragments, variables, { maxCost: Infinity, listSize });
}

describe('depth limit', () => {
  const nested = (levels: number) => `{ me ${'{ products { seller '.repeat(levels)}{ id }${' }'.repeat(levels * 2)} }`;

  it('counts the root field as depth 1 and follows fragments', () => {
    expect(errorsOf('{ me { id } }', depthLimitRule(2))).toEqual([]);
    expect(errorsOf('{ me { products { id } } }', depthLimitRule(2))).toHaveLength(1);
    const viaFragment = 'query { me { ...P } } fragment P on User { products { seller { id } } }';
    expect(errorsOf(viaFragment, depthLimitRule(4))).toEqual([]);
    const [error] = errorsOf(viaFragment, depthLimitRule(3));
    expect(error?.extensions).toEqual({ limit: 'DEPTH', max: 3, actual: 4 });
  });

  it('lets 12 levels through by default and refuses 13', () => {
    // nested(n) nests `me` + n × (products, seller) + id: 2n + 2 levels.
    expect(errorsOf(nested(5), depthLimitRule(DEFAULT_COMPLEXITY_LIMITS.maxDepth))).toEqual([]);
    expect(errorsOf(nested(6), depthLimitRule(DEFAULT_COMPLEXITY_LIMITS.maxDepth))[0]?.extensions).toMatchObject({ actual: 14 });
  });

  it('leaves introspection out (INTROSPECTION governs it)', () => {
    const introspection = '{ __schema { types { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } } }';
    expect(errorsOf(introspection, depthLimitRule(2))).toEqual([]);
  });

  it('does not loop on a fragment cycle (graphql reports the cycle itself)', () => {
    const cycle = '{ me { ...A } } fragment A on User { products { seller { ...A } } }';
    expect(errorsOf(cycle, depthLimitRule(12))).toEqual([]);
  });
});

describe('cost limit', () => {
  it('counts each object once, leaves free', () => {
    expect(costOf('{ me { id nickname } }')).toBe(1);
    expect(costOf('{ me { id } user(id: "1") { id } }')).toBe(2);
  });

  it('multiplies by first, literal, variable or declared default', () => {
    expect(costOf('{ popularProducts(first: 7) { id } }')).toBe(7);
    expect(costOf('query($n: Int) { popularProducts(first: $n) { id } }', { n: 30 })).toBe(30);
    expect(costOf('{ me { products { id } } }')).toBe(1 + 20); // declared default first: 20
    expect(costOf('{ popularProducts { id } }', {}, 10)).toBe(10); // no default: the list size
  });

  it('multiplies nested lists and counts a connection\'s edges as first items, not more', () => {
    expect(costOf('{ products(first: 5) { edges { node { id } } } }')).toBe(5 * (1 + 1 * (1 + 1)));
    expect(costOf('{ popularProducts(first: 10) { seller { products(first: 10) { id } } } }')).toBe(10 * (1 + 1 + 10));
    expect(costOf('{ me { verifications { method } } }', {}, 4)).toBe(1 + 4);
  });

  it('refuses what is above the maximum, with both numbers', () => {
    const query = '{ popularProducts(first: 100) { seller { products(first: 100) { seller { id } } } } }';
    const [error] = validate(schema, parse(query), [costLimitRule({ maxCost: 5_000, listSize: 10 })]);
    expect(error?.extensions).toEqual({ limit: 'COST', max: 5_000, actual: 100 * (1 + 1 + 100 * 2) });
    expect(validate(schema, parse('{ popularProducts(first: 100) { seller { id } } }'), [costLimitRule({ maxCost: 5_000, listSize: 10 })])).toEqual([]);
  });

  it('uses the variables it is given for the rule', () => {
    const query = 'query($n: Int) { popularProducts(first: $n) { id } }';
    expect(validate(schema, parse(query), [costLimitRule({ maxCost: 50, listSize: 10 }, { n: 50 })])).toEqual([]);
    expect(validate(schema, parse(query), [costLimitRule({ maxCost: 50, listSize: 10 }, { n: 51 })])).toHaveLength(1);
  });
});

describe('alias and root-field limits', () => {
  const logins = (n: number) => `mutation { ${Array.from({ length: n }, (_, i) => `a${i}: login(email: "x", password: "y")`).join(' ')} }`;

  it('counts aliases anywhere, fragments included', () => {
    expect(errorsOf(logins(3), aliasLimitRule(3))).toEqual([]);
    expect(errorsOf(logins(4), aliasLimitRule(3))[0]?.extensions).toEqual({ limit: 'ALIASES', max: 3, actual: 4 });
    const nested = '{ me { a: id b: nickname ...F } } fragment F on User { c: id }';
    expect(errorsOf(nested, aliasLimitRule(2))[0]?.extensions).toMatchObject({ actual: 3 });
  });

  it('counts root fields by name, once per occurrence, without __typename', () => {
    const document = parse('{ __typename me { id } x: me { id } ...R } fragment R on Query { popularProducts { id } }');
    const operation = document.definitions[0] as unknown as { selectionSet: never };
    const fragments = { R: document.definitions[1] as never };
    expect(rootFieldsOf(operation.selectionSet, fragments)).toEqual(['me', 'me', 'popularProducts']);
    expect(errorsOf('{ me { id } user(id: "1") { id } }', rootFieldLimitRule(1))[0]?.extensions).toEqual({ limit: 'ROOT_FIELDS', max: 1, actual: 2 });
  });
});

describe('assertWithinLimits', () => {
  it('throws QUERY_TOO_COMPLEX with the broken limit, in Korean and English', () => {
    const limits = { ...DEFAULT_COMPLEXITY_LIMITS, maxRootFields: 1 };
    let caught: unknown;
    try {
      assertWithinLimits(schema, parse('{ me { id } user(id: "1") { id } }'), {}, limits);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(QueryTooComplexError);
    const error = caught as QueryTooComplexError;
    expect(error.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'ROOT_FIELDS', max: 1, actual: 2, http: { status: 400 } });
    expect(error.localized?.ko).toContain('최상위 필드');
    expect(error.localized?.en).toContain('top-level fields');
    expect(() => assertWithinLimits(schema, parse('{ me { id } }'), {}, limits)).not.toThrow();
  });
});

describe('client address', () => {
  const request = (remoteAddress: string, forwardedFor?: string) => ({
    socket: { remoteAddress } as never,
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  });

  it('ignores X-Forwarded-For unless the peer is a trusted proxy', () => {
    expect(clientIpOf(request('203.0.113.9', '1.2.3.4'), parseTrustedProxies(''))).toBe('203.0.113.9');
    expect(clientIpOf(request('::ffff:127.0.0.1', '1.2.3.4'), parseTrustedProxies(''))).toBe('127.0.0.1');
  });

  it('walks trusted hops right to left and stops at the first untrusted address', () => {
    const trusted = parseTrustedProxies('loopback, 10.0.0.0/8');
    expect(clientIpOf(request('127.0.0.1', '1.2.3.4'), trusted)).toBe('1.2.3.4');
    // The client wrote "6.6.6.6" itself; the proxies appended the real hops after it.
    expect(clientIpOf(request('127.0.0.1', '6.6.6.6, 198.51.100.7, 10.1.2.3'), trusted)).toBe('198.51.100.7');
    expect(clientIpOf(request('127.0.0.1', 'garbage'), trusted)).toBe('127.0.0.1');
    expect(clientIpOf(request('::1', '2001:db8::1'), trusted)).toBe('2001:db8::1');
  });

  it('refuses a TRUSTED_PROXIES entry it cannot read', () => {
    expect(() => parseTrustedProxies('10.0.0.0/33')).toThrow(/10.0.0.0\/33/);
    expect(() => parseTrustedProxies('proxy.internal')).toThrow(/proxy.internal/);
  });
});

describe('rate-limit charges', () => {
  it('charges the address, the user when signed in, and each sensitive field occurrence', () => {
    const anonymous = rateCharges(DEFAULT_RATE_LIMITS, { identity: null, clientIp: '198.51.100.7' }, ['login', 'login']);
    expect(anonymous).toEqual([
      { key: 'rl:ip:198.51.100.7', hits: 1, ...DEFAULT_RATE_LIMITS.perIp },
      { key: 'rl:login:ip:198.51.100.7', hits: 2, ...DEFAULT_RATE_LIMITS.sensitive },
    ]);
    const signedIn = rateCharges(DEFAULT_RATE_LIMITS, { identity: { userId: 'u1', role: 'USER' }, clientIp: '198.51.100.7' }, ['fileReport', 'me']);
    expect(signedIn.map((charge) => charge.key)).toEqual(['rl:ip:198.51.100.7', 'rl:user:u1', 'rl:fileReport:ip:198.51.100.7', 'rl:fileReport:user:u1']);
  });
});

describe('address buckets', () => {
  it('counts an IPv6 client per /64 in any spelling, and an IPv4 client per address', () => {
    expect(addressBucket('2001:db8:1:2::5')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:0DB8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressBucket('2001:db8:1:3::5')).not.toBe(addressBucket('2001:db8:1:2::5'));
    expect(addressBucket('198.51.100.7')).toBe('198.51.100.7');
    expect(addressBucket('unknown')).toBe('unknown');
  });

  it('charges the /64, not the address', () => {
    const keys = rateCharges(DEFAULT_RATE_LIMITS, { identity: null, clientIp: '2001:db8:1:2::99' }, ['login']).map((charge) => charge.key);
    expect(keys).toEqual(['rl:ip:2001:db8:1:2::/64', 'rl:login:ip:2001:db8:1:2::/64']);
  });
});

describe('shape limits before validation', () => {
  const refusalOf = (query: string, variables: Record<string, unknown> = {}) => {
    const refused = shapeRefusal(schema, parse(query), variables, DEFAULT_COMPLEXITY_LIMITS);
    return refused && refused.extensions;
  };
  const afterValidation = (query: string, variables: Record<string, unknown> = {}) => {
    try {
      assertWithinLimits(schema, parse(query), variables, DEFAULT_COMPLEXITY_LIMITS);
      return null;
    } catch (error) {
      return (error as QueryTooComplexError).extensions;
    }
  };

  it('refuses what the validation rules refuse, with the same first limit', () => {
    const documents = [
      `{ me ${'{ products { seller '.repeat(6)}{ id }${' }'.repeat(12)} }`,
      `{ ${Array.from({ length: 21 }, (_, i) => `u${i}: user(id: "${i}") { id }`).join(' ')} }`,
      `{ me { ${Array.from({ length: 31 }, (_, i) => `n${i}: nickname`).join(' ')} } }`,
      'query($n: Int) { popularProducts(first: $n) { seller { products(first: $n) { id } } } }',
      '{ me { ...F } } fragment F on User { products(first: 100) { seller { products(first: 100) { id } } } }',
      '{ me { id nickname } }',
    ];
    for (const query of documents) expect(refusalOf(query, { n: 100 })).toEqual(afterValidation(query, { n: 100 }));
  });

  it('measures each fragment once, so spreading fragments twice per level stays linear', () => {
    const levels = 60;
    const bomb = `{ me { ...F0 } } ${Array.from({ length: levels }, (_, i) => `fragment F${i} on User { ...F${i + 1} ...F${i + 1} }`).join(' ')} fragment F${levels} on User { a: nickname products { id } }`;
    expect(refusalOf(bomb)).toMatchObject({ limit: 'ALIASES', actual: 2 ** levels });
  });
});

describe('the HTTP step\'s parsed documents', () => {
  const check = () => new EarlyDocumentCheck({ maxTokens: 50, limits: DEFAULT_COMPLEXITY_LIMITS, enabled: true });

  it('parses a text once and answers the same document after, still measured per request', () => {
    const early = check();
    const query = 'query($n: Int) { popularProducts(first: $n) { seller { products(first: $n) { id } } } }';
    const first = early.parseRemembered(query);
    expect(early.parseRemembered(query)).toBe(first);
    // The shape limits depend on the variables, so they are asked each time of the same document.
    expect(early.refusal(schema, first, { n: 1 })).toBeNull();
    expect(early.refusal(schema, early.parseRemembered(query), { n: 100 })?.extensions).toMatchObject({ limit: 'COST' });
  });

  it('keeps no error: a text over the token limit or with a syntax error is refused every time', () => {
    const early = check();
    const long = `{ ${Array.from({ length: 30 }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
    for (let i = 0; i < 2; i++) {
      expect(() => early.parseRemembered(long)).toThrow(TooManyTokensError);
      expect(() => early.parseRemembered('{ me { id }')).toThrow(/Syntax Error/);
    }
  });

  /** The express step over a fake request; answers what it did: passed on (with its flag) or refused. */
  const runStep = (early: EarlyDocumentCheck, req: { method: string; body?: unknown; query?: unknown }) => {
    const res = { locals: {} as Record<string, unknown>, statusCode: 200, body: undefined as unknown, status(code: number) { this.statusCode = code; return this; }, json(body: unknown) { this.body = body; return this; } };
    let passed = false;
    early.middleware(() => schema)({ headers: {}, ...req } as never, res as never, () => void (passed = true));
    return { passed, measured: res.locals[SHAPE_MEASURED] === true, status: res.statusCode };
  };

  it('tells the guard which requests it measured, with the variables Apollo will run them with', () => {
    const early = new EarlyDocumentCheck({ maxTokens: 500, limits: DEFAULT_COMPLEXITY_LIMITS, enabled: true });
    const query = 'query($n: Int) { popularProducts(first: $n) { id } }';
    expect(runStep(early, { method: 'POST', body: { query, variables: { n: 5 } } })).toEqual({ passed: true, measured: true, status: 200 });
    expect(runStep(early, { method: 'POST', body: [{ query }, { query: '{ me { id } }' }] })).toEqual({ passed: true, measured: true, status: 200 });
    // A GET's variables are JSON text until Apollo reads them: measured without them here, so not vouched for.
    expect(runStep(early, { method: 'GET', query: { query, variables: '{"n":5}' } })).toEqual({ passed: true, measured: false, status: 200 });
    // No text to measure (e.g. a persisted query's hash): the guard measures it after validation.
    expect(runStep(early, { method: 'POST', body: [{ query }, { extensions: {} }] })).toEqual({ passed: true, measured: false, status: 200 });
    expect(runStep(early, { method: 'POST', body: { query, variables: { n: 100_000 } } })).toMatchObject({ passed: false, status: 400 });
    const off = new EarlyDocumentCheck({ maxTokens: 500, limits: DEFAULT_COMPLEXITY_LIMITS, enabled: false });
    expect(runStep(off, { method: 'POST', body: { query } })).toEqual({ passed: true, measured: false, status: 200 });
  });

  it('the guard measures the shape again only when the HTTP step did not', async () => {
    const guard = new OperationGuard(DEFAULT_COMPLEXITY_LIMITS, null);
    const document = parse('query($n: Int) { popularProducts(first: $n) { id } }');
    const operation = document.definitions[0] as Parameters<OperationGuard['check']>[0]['operation'];
    const request = { schema, document, operation, variables: { n: 100_000 }, identity: null, clientIp: '127.0.0.1', logger: undefined as never };
    await expect(guard.check(request)).rejects.toBeInstanceOf(QueryTooComplexError);
    await expect(guard.check({ ...request, shapeMeasured: true })).resolves.toBeUndefined();
  });
});
