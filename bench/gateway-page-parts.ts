// gateway-page-parts: two parts of the gateway's work on the products page, each measured in one
// process (issue 23, h23page; bench/RESULTS.md "Subgraph CPU per page"):
//   1. the guard's shape measure after validation (graphql validate with the limit rules) on the
//      page's document: what the guard no longer repeats when the HTTP step measured it;
//   2. the entity cache's read of a 20-listing `Product.sellerSafety` batch whose entries name two
//      dependencies each: the earlier two MGETs in series ("before") against the read script
//      ("after", upstream/entity-cache-read.ts), alternating, on the real Redis (own prefix, removed).
//   npm run bench gateway-page-parts   (GATEWAY_PARTS_READS, default 3000 per side)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpuUsage } from 'node:process';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { loadavg } from 'node:os';
import type { GraphQLSchema } from 'graphql';
import { createRedis, graphqlRuntime, type Redis } from '@anshim/platform';
import { defaultGatewaySettings } from '../gateway/src/env.ts';
import { assertWithinLimits } from '../gateway/src/limits/complexity.ts';
import { EntityReader } from '../gateway/src/upstream/entity-cache-read.ts';
import { IDENTICAL_PAGE } from './gateway-mix/workloads.ts';

const LISTINGS = 20;

function apiSchema(): GraphQLSchema {
  const { Supergraph } = createRequire(import.meta.url)('@apollo/federation-internals') as { Supergraph: { build(sdl: string): { apiSchema(): { toGraphQLJSSchema(): GraphQLSchema } } } };
  return Supergraph.build(readFileSync(new URL('../gateway/supergraph.graphql', import.meta.url), 'utf8')).apiSchema().toGraphQLJSSchema();
}

/** The page's entries as the cache stores them: each names its seller's and its category's versions. */
async function seedEntries(redis: Redis): Promise<{ entryKeys: string[]; versionKeys: string[]; all: string[] }> {
  const entryKeys: string[] = [];
  const versionKeys: string[] = [];
  const all: string[] = ['ec:v:safety:ProductCategory:OTHER'];
  await redis.set('ec:v:safety:ProductCategory:OTHER', 'c1', 'EX', 600);
  for (let i = 0; i < LISTINGS; i++) {
    const seller = `ec:v:safety:User:s${i}`;
    const x = { [seller]: 'v1', 'ec:v:safety:ProductCategory:OTHER': 'c1' };
    entryKeys.push(`ec:e:safety:Product:p${i}:digest:ko`);
    versionKeys.push(`ec:v:safety:Product:p${i}`);
    await redis.set(entryKeys[i]!, JSON.stringify({ v: 'pv', d: { sellerSafety: { grade: 'SAFE', label: '안전', color: '#2e7d32', icon: 'shield' } }, x }), 'EX', 600);
    await redis.set(versionKeys[i]!, 'pv', 'EX', 600);
    await redis.set(seller, 'v1', 'EX', 600);
    all.push(entryKeys[i]!, versionKeys[i]!, seller);
  }
  return { entryKeys, versionKeys, all };
}

export async function run(): Promise<void> {
  const reads = Number(process.env.GATEWAY_PARTS_READS ?? 3000);
  console.log(`gateway-page-parts: load ${loadavg().map((v) => v.toFixed(2)).join(' ')}; ${new Date().toISOString()}`);
  const schema = apiSchema();
  const document = graphqlRuntime.parse(IDENTICAL_PAGE);
  const limits = defaultGatewaySettings().limits.complexity;
  for (let i = 0; i < 500; i++) assertWithinLimits(schema, document, {}, limits);
  const started = performance.now();
  for (let i = 0; i < reads; i++) assertWithinLimits(schema, document, {}, limits);
  console.log(`the guard's shape measure after validation, products page: ${(((performance.now() - started) / reads) * 1000).toFixed(1)} µs per request`);

  const redis = createRedis({ url: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0', prefix: `anshim_bench_parts_${randomBytes(4).toString('hex')}` } as never);
  try {
    const { entryKeys, versionKeys, all } = await seedEntries(redis);
    const reader = new EntityReader(redis);
    const sides: Record<'before' | 'after', () => Promise<unknown>> = {
      before: async () => {
        const values = await redis.mget(...entryKeys, ...versionKeys);
        const dependencies = [...new Set(values.slice(0, LISTINGS).flatMap((text) => Object.keys((JSON.parse(text!) as { x: object }).x)))];
        return redis.mget(...dependencies);
      },
      after: () => reader.read(entryKeys, versionKeys),
    };
    const totals = { before: { ms: 0, cpuMs: 0 }, after: { ms: 0, cpuMs: 0 } };
    for (let i = 0; i < 300; i++) for (const side of Object.values(sides)) await side();
    for (let round = 0; round < 10; round++) {
      for (const name of round % 2 ? (['after', 'before'] as const) : (['before', 'after'] as const)) {
        const cpu = cpuUsage();
        const at = performance.now();
        for (let i = 0; i < reads / 10; i++) await sides[name]();
        totals[name].ms += performance.now() - at;
        const used = cpuUsage(cpu);
        totals[name].cpuMs += (used.user + used.system) / 1000;
      }
    }
    for (const name of ['before', 'after'] as const) {
      console.log(`entity-cache read, ${LISTINGS} listings with 2 dependencies each, ${name.padEnd(6)}: ${((totals[name].ms / reads) * 1000).toFixed(0)} µs wall, ${((totals[name].cpuMs / reads) * 1000).toFixed(0)} µs CPU of this process per read`);
    }
    await redis.del(...all);
  } finally {
    redis.disconnect();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
