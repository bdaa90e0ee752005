// The sandbox payment provider as a process (npm start runs it when PAYMENT_PROVIDER=sandbox):
// PAYMENT_SANDBOX_PORT (4010), the development keys, and webhooks to the gateway's
// /payments/webhook. Never in production: the payment service refuses the sandbox there.
import { createLogger } from '@anshim/platform';
import { loadPaymentEnv } from '../env.ts';
import { startSandbox } from './sandbox-server.ts';

const env = loadPaymentEnv({}, 'payment-sandbox');
const logger = createLogger('payment-sandbox', env.LOG_LEVEL);
const sandbox = await startSandbox({
  port: env.PAYMENT_SANDBOX_PORT,
  secretKey: env.PAYMENT_SECRET_KEY,
  webhookKey: env.PAYMENT_WEBHOOK_KEY,
  webhookUrl: env.PAYMENT_SANDBOX_WEBHOOK_URL ?? `${env.PAYMENT_PUBLIC_URL.replace(/\/$/, '')}/payments/webhook`,
  publicUrl: env.PAYMENT_SANDBOX_PUBLIC_URL,
  log: (message) => logger.info(message),
});
logger.info({ url: sandbox.url }, 'listening');
const stop = () => void sandbox.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
