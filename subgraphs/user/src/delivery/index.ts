import type { Logger, Redis } from '@anshim/platform';
import type { UserEnv } from '../env.ts';
import { ConsoleDeliveryProvider } from './console-provider.ts';
import { SmtpDeliveryProvider } from './smtp-provider.ts';
import type { DeliveryProvider } from './delivery.ts';

export * from './delivery.ts';
export { ConsoleDeliveryProvider, SmtpDeliveryProvider };

export function createDeliveryProvider(env: UserEnv, redis: Redis, logger: Logger): DeliveryProvider {
  if (env.DELIVERY_PROVIDER === 'smtp') {
    return new SmtpDeliveryProvider(
      {
        host: env.SMTP_HOST!,
        port: env.SMTP_PORT,
        secure: env.SMTP_SECURE,
        user: env.SMTP_USER,
        password: env.SMTP_PASSWORD,
        from: env.SMTP_FROM,
        smsGatewayDomain: env.SMS_EMAIL_GATEWAY_DOMAIN,
        timeoutMs: env.DELIVERY_TIMEOUT_MS,
      },
      logger,
    );
  }
  return new ConsoleDeliveryProvider(redis, logger, env.DEV_MESSAGES_KEEP);
}
