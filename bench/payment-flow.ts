// payment-flow (issue 19): N buyers at once, each paying for an accepted trade the whole way
// through the gateway with user, transaction, payment and the sandbox provider as real processes:
// startSafePayment → the sandbox's checkout completed with one plain form POST → the browser's
// return through the gateway (our confirmation; the money is HELD) → the provider's webhook
// through the gateway (a no-op by then, or what holds the money when the return failed; webhooks
// the gateway did not answer are counted from the sandbox's log) → the buyer completes the trade → RELEASED (transaction's
// event reaches payment). It reports end-to-end p50/p99 and per step, ledger entries per payment,
// then runs `npm run payments:reconcile --all --json` against the run's database and the sandbox:
// the run passes only with zero differences and a ledger summing to zero.
//   npm run bench payment-flow            PAYMENT_BENCH_BUYERS (200), PAYMENT_BENCH_SETUP_CONCURRENCY (8)
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import pg from 'pg';
import { freePort } from '../test/support/free-port.ts';
import { startProcess, type StartedProcess } from '../test/support/processes.ts';
import { createBenchStack } from './support/bench-stack.ts';
import { gql } from './support/graphql-client.ts';
import { runWhenScript } from './support/script.ts';

const KEYS = { PAYMENT_SECRET_KEY: 'test_sk_payment_bench', PAYMENT_WEBHOOK_KEY: 'payment-bench-webhook-key' };
const PRICE = 35_000;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Trade {
  buyerToken: string;
  tradeId: string;
}

interface Timings {
  start: number;
  checkoutAndReturn: number;
  /** From the return's answer until our books show HELD (zero when the return held it; the webhook's time when the return failed). */
  held: number;
  complete: number;
  total: number;
}

async function pool<T, R>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  }));
  return results;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const buyers = Number(process.env.PAYMENT_BENCH_BUYERS ?? 200);
  const setupConcurrency = Number(process.env.PAYMENT_BENCH_SETUP_CONCURRENCY ?? 8);
  const gatewayPort = await freePort();
  const sandboxPort = await freePort();
  const gatewayOrigin = `http://127.0.0.1:${gatewayPort}`;
  const stack = await createBenchStack(['user', 'transaction', 'payment'], {
    ...KEYS,
    GATEWAY_PORT: String(gatewayPort),
    PAYMENT_PROVIDER_URL: `http://127.0.0.1:${sandboxPort}`,
    PAYMENT_PUBLIC_URL: gatewayOrigin,
    PAYMENT_APP_RETURN_URL: `${gatewayOrigin}/payments/done`,
  });
  let sandbox: StartedProcess | undefined;
  const sql = new pg.Pool({ connectionString: stack.env.DATABASE_URL, options: '-c search_path=svc_payment', max: 2 });
  try {
    sandbox = await startProcess('payment-sandbox', 'subgraphs/payment/src/sandbox/index.ts', {
      ...stack.env,
      ...KEYS,
      LOG_LEVEL: 'info',
      PAYMENT_SANDBOX_PORT: String(sandboxPort),
      PAYMENT_SANDBOX_WEBHOOK_URL: `${gatewayOrigin}/payments/webhook`,
    });
    const url = stack.gatewayUrl;
    const tag = Math.random().toString(36).slice(2, 8);
    const register = async (who: string) =>
      (await gql<{ register: { accessToken: string } }>(url, 'mutation($i: RegisterInput!) { register(input: $i) { accessToken } }', {
        i: { email: `${who}.${tag}@bench.test`, password: 'bench password 123', nickname: `벤치${who.slice(0, 6)}` },
      })).register.accessToken;

    // Setup (not measured): one seller, a listing per buyer, each buyer's trade accepted.
    console.log(`setting up ${buyers} accepted trades…`);
    const sellerToken = await register('seller');
    const trades = await pool(Array.from({ length: buyers }, (_, i) => i), setupConcurrency, async (i): Promise<Trade> => {
      const buyerToken = await register(`buyer${i}`);
      const { createProduct } = await gql<{ createProduct: { id: string } }>(url, 'mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }', {
        i: { title: `벤치 결제 상품 ${i}`, description: '결제 성능 측정용 상품입니다.', price: PRICE, category: 'OTHER' },
      }, sellerToken);
      const { startTransaction } = await gql<{ startTransaction: { id: string } }>(url, 'mutation($id: ID!) { startTransaction(productId: $id) { id } }', { id: createProduct.id }, buyerToken);
      await gql(url, 'mutation($id: ID!) { updateTransactionStatus(id: $id, status: ACCEPTED) { id } }', { id: startTransaction.id }, sellerToken);
      return { buyerToken, tradeId: startTransaction.id };
    });
    // payment learns of accepted trades from transaction's events; wait until it knows the last ones.
    await until('payment to know every accepted trade', async () => {
      const { rows } = await sql.query<{ n: string }>(`SELECT count(*) AS n FROM trade_copies WHERE status = 'ACCEPTED'`);
      return Number(rows[0]!.n) >= buyers ? true : undefined;
    }, 120_000);

    const load = loadavg();
    console.log(`${buyers} buyers paying at once…`);
    const started = performance.now();
    let returnsFailed = 0;
    const timings = await Promise.all(trades.map(async ({ buyerToken, tradeId }): Promise<Timings> => {
      const t0 = performance.now();
      const { startSafePayment } = await gql<{ startSafePayment: { id: string; checkoutUrl: string } }>(url, 'mutation($t: ID!) { startSafePayment(transactionId: $t) { id checkoutUrl } }', { t: tradeId }, buyerToken);
      const t1 = performance.now();
      const paid = await fetch(startSafePayment.checkoutUrl, { method: 'POST', body: new URLSearchParams({ action: 'pay' }), redirect: 'manual' });
      const back = await fetch(paid.headers.get('location')!, { redirect: 'manual' });
      const landed = back.status === 303 ? new URL(back.headers.get('location')!).searchParams.get('status') : null;
      // A return that failed (the gateway's timeout on a loaded machine) is what a browser may see:
      // the provider's webhook (or the settle job) must then hold the money; the flow goes on.
      if (landed !== 'HELD') returnsFailed++;
      const t2 = performance.now();
      await until('the money held (the return, else the webhook)', async () => {
        const { rows } = await sql.query<{ n: string }>(`SELECT count(*) AS n FROM payment_status_changes WHERE payment_id = $1 AND to_status = 'HELD'`, [startSafePayment.id]);
        return Number(rows[0]!.n) === 1 ? true : undefined;
      });
      const t3 = performance.now();
      await gql(url, 'mutation($id: ID!) { updateTransactionStatus(id: $id, status: COMPLETED) { id } }', { id: tradeId }, buyerToken);
      await until('the release', async () => {
        const { payment } = await gql<{ payment: { status: string } }>(url, 'query($id: ID!) { payment(id: $id) { status } }', { id: startSafePayment.id }, buyerToken);
        return payment.status === 'RELEASED' ? true : undefined;
      });
      const t4 = performance.now();
      return { start: t1 - t0, checkoutAndReturn: t2 - t1, held: t3 - t2, complete: t4 - t3, total: t4 - t0 };
    }));
    // The sandbox logs every webhook the gateway did not answer 2xx (it retries those).
    await sleep(1_000);
    const webhookFailures = sandbox.logs.filter((line) => /webhook .* (answered|failed)/.test(line)).length;
    const wallSeconds = (performance.now() - started) / 1_000;

    const { rows: [counts] } = await sql.query<{ payments: string; entries: string; postings: string; released: string }>(
      `SELECT (SELECT count(*) FROM payments) AS payments, (SELECT count(*) FROM ledger_entries) AS entries,
              (SELECT count(*) FROM ledger_postings) AS postings, (SELECT count(*) FROM payments WHERE status = 'RELEASED') AS released`,
    );
    const reconciliation = await new Promise<{ code: number | null; report: { differences: unknown[]; ledger: { trialBalance: number } } | null; stderr: string }>((done) =>
      execFile(process.execPath, ['--import', 'tsx', 'scripts/payments-reconcile.ts', '--all', '--json'], {
        env: { ...process.env, ...stack.env, ...KEYS, NODE_ENV: 'test', PAYMENT_PROVIDER_URL: `http://127.0.0.1:${sandboxPort}` },
      }, (error, stdout, stderr) => {
        let report = null;
        try {
          report = JSON.parse(stdout);
        } catch {}
        done({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, report, stderr });
      }),
    );

    const steps = Object.fromEntries((['total', 'start', 'checkoutAndReturn', 'held', 'complete'] as const).map((step) => {
      const sorted = timings.map((t) => t[step]).sort((a, b) => a - b);
      return [step, { p50: Math.round(percentile(sorted, 50)), p99: Math.round(percentile(sorted, 99)), max: Math.round(sorted.at(-1)!) }];
    }));
    const result = {
      buyers,
      wallSeconds: Number(wallSeconds.toFixed(1)),
      paymentsPerSecond: Number((buyers / wallSeconds).toFixed(1)),
      steps,
      payments: Number(counts!.payments),
      released: Number(counts!.released),
      returnsFailed,
      webhookFailures,
      ledgerEntriesPerPayment: Number(counts!.entries) / Number(counts!.payments),
      postingsPerPayment: Number(counts!.postings) / Number(counts!.payments),
      reconciliation: { exitCode: reconciliation.code, differences: reconciliation.report?.differences.length ?? null, trialBalance: reconciliation.report?.ledger.trialBalance ?? null },
      loadAverageAtStart: load.map((n) => Number(n.toFixed(2))),
    };
    console.log(`payment-flow, ${buyers} concurrent buyers (ms):`);
    console.table(steps);
    console.log(JSON.stringify(result, null, 2));
    if (reconciliation.code !== 0 || result.released !== buyers) throw new Error(`the books do not agree after the run: ${JSON.stringify(result.reconciliation)} ${reconciliation.stderr}`);
    return result;
  } finally {
    await sql.end();
    await sandbox?.stop();
    await stack.stop();
  }
}

runWhenScript(import.meta.url, () => run());
