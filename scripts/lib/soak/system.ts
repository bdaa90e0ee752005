// The whole Anshim as real processes for a soak: every subgraph, the safety worker and the gateway
// (test/faults/support/fault-stack.ts) on a PostgreSQL cluster and a Redis of their own (restarted at
// will: never the machine's shared 5432/6379), the payment sandbox provider as its own process, and
// the user service texting through a local SMS vendor that can fail. A killed process restarts with
// the same environment on the same port, so the gateway's routes and every URL stay valid.
import { randomBytes } from 'node:crypto';
import { SUBGRAPHS } from '@anshim/contracts';
import { FaultStack } from '../../../test/faults/support/fault-stack.ts';
import { freePort } from '../../../test/support/free-port.ts';
import { startProcess, type StartedProcess } from '../../../test/support/processes.ts';
import { SmsVendor } from '../../../test/support/sms-vendor.ts';

export const PAYMENT_KEYS = { PAYMENT_SECRET_KEY: 'test_sk_payment_soak', PAYMENT_WEBHOOK_KEY: 'payment-soak-webhook-key' };
const RESTART_TIMEOUT_MS = 300_000;

export interface SoakSystemOptions {
  checkInAlertSeconds: number;
  log: (line: string) => void;
}

export class SoakSystem {
  readonly stack: FaultStack;
  readonly sms: SmsVendor;
  readonly admin: { email: string; password: string };
  sandbox: StartedProcess | undefined;
  gatewayOrigin = '';
  /** Every process start: name, pid and when (ms since epoch), for the memory samples and the report. */
  readonly incarnations: Array<{ name: string; pid: number; startedAt: number }> = [];

  private constructor(stack: FaultStack, sms: SmsVendor, admin: { email: string; password: string }, private readonly options: SoakSystemOptions) {
    this.stack = stack;
    this.sms = sms;
    this.admin = admin;
  }

  static async start(options: SoakSystemOptions): Promise<SoakSystem> {
    const gatewayPort = await freePort();
    const sandboxPort = await freePort();
    const gatewayOrigin = `http://127.0.0.1:${gatewayPort}`;
    const sms = await new SmsVendor().start();
    const admin = { email: `soak.admin.${randomBytes(3).toString('hex')}@example.com`, password: 'soak-admin-password-1' };
    const system = new SoakSystem(
      new FaultStack({
        subgraphs: SUBGRAPHS.map(({ name }) => name),
        workers: ['safety'],
        env: {
          GATEWAY_PORT: String(gatewayPort),
          USER_PUBLIC_URL: gatewayOrigin,
          TRANSACTION_PUBLIC_URL: `${gatewayOrigin}/transaction`,
          REPORT_PUBLIC_URL: `${gatewayOrigin}/report`,
          PAYMENT_PUBLIC_URL: gatewayOrigin,
          PAYMENT_APP_RETURN_URL: `${gatewayOrigin}/payments/done`,
          PAYMENT_PROVIDER_URL: `http://127.0.0.1:${sandboxPort}`,
          PAYMENT_SANDBOX_PORT: String(sandboxPort),
          PAYMENT_SANDBOX_WEBHOOK_URL: `${gatewayOrigin}/payments/webhook`,
          ...PAYMENT_KEYS,
          TRANSACTION_CHECK_IN_ALERT_SECONDS: String(options.checkInAlertSeconds),
          // The shortest collapse window: the soak counts one SMS per notification row, and the
          // one-per-(guardian, counterpart)-per-day collapse would otherwise swallow some on purpose.
          GUARDIAN_LIMIT_WINDOW_SECONDS: '1',
          SAFETY_NIGHTLY_ENABLED: 'false',
          BOOTSTRAP_ADMIN_EMAIL: admin.email,
          BOOTSTRAP_ADMIN_PASSWORD: admin.password,
          ...sms.env(),
        },
      }),
      sms,
      admin,
      options,
    );
    system.gatewayOrigin = gatewayOrigin;
    try {
      await system.stack.up();
      system.sandbox = await startProcess('payment-sandbox', 'subgraphs/payment/src/sandbox/index.ts', { ...system.stack.env, LOG_LEVEL: 'info' }, { timeoutMs: RESTART_TIMEOUT_MS });
    } catch (error) {
      await system.stop();
      throw error;
    }
    for (const [name, p] of system.allProcesses()) system.incarnations.push({ name, pid: p.child.pid!, startedAt: Date.now() });
    return system;
  }

  get gatewayUrl(): string {
    return `${this.gatewayOrigin}/graphql`;
  }

  get databaseUrl(): string {
    return this.stack.databaseUrl;
  }

  /** The processes the chaos loop may kill (the provider stand-in is outside the system). */
  killable(): string[] {
    return [...this.stack.processes.keys()];
  }

  /** Every process with its current child, the sandbox included. */
  allProcesses(): Array<[string, StartedProcess]> {
    return [...this.stack.processes, ...(this.sandbox ? ([['payment-sandbox', this.sandbox]] as Array<[string, StartedProcess]>) : [])];
  }

  /** kill -9, then the same process again with the same environment and port; resolves once it is ready. */
  async killAndRestart(name: string): Promise<{ pid: number; newPid: number; restartMs: number }> {
    const old = this.stack.process(name);
    const pid = old.child.pid!;
    const port = old.port;
    const exited = new Promise<void>((resolve) => (old.child.exitCode !== null || old.child.signalCode !== null ? resolve() : old.child.once('exit', () => resolve())));
    old.child.kill('SIGKILL');
    await exited;
    const started = Date.now();
    let fresh: StartedProcess;
    if (name === 'gateway') fresh = await this.stack.startGateway();
    else if (name.endsWith('-worker')) fresh = await this.stack.startWorker(name.slice(0, -'-worker'.length));
    else fresh = await this.stack.startSubgraph(name, { [`${name.toUpperCase()}_PORT`]: String(port) });
    this.incarnations.push({ name, pid: fresh.child.pid!, startedAt: Date.now() });
    return { pid, newPid: fresh.child.pid!, restartMs: Date.now() - started };
  }

  /** Processes that died without the chaos loop killing them (a crash is a finding). */
  crashed(): string[] {
    return Object.entries(this.stack.alive()).filter(([, alive]) => !alive).map(([name]) => name);
  }

  async stop(): Promise<void> {
    await this.sandbox?.stop().catch(() => undefined);
    await this.stack.stop().catch((error: Error) => this.options.log(`stopping the stack: ${error.message}`));
    await this.sms.stop();
  }
}
