// The delivery providers and the one place that picks them from the settings: email through
// console (development) or SMTP, SMS through the email provider or, with SMS_PROVIDER=http, an
// HTTP SMS API. Everything else depends on the DeliveryProvider interface (delivery.ts) only.
import type { Logger, Redis } from '@anshim/platform';
import type { UserEnv } from '../env.ts';
import { ConsoleDeliveryProvider } from './console-provider.ts';
import { SmtpDeliveryProvider } from './smtp-provider.ts';
import type { DeliveryProvider } from './delivery.ts';
import { HttpSmsSender } from './http-sms-provider.ts';
import { SplitDeliveryProvider } from './split-provider.ts';

export * from './delivery.ts';
export { ConsoleDeliveryProvider, SmtpDeliveryProvider, HttpSmsSender, SplitDeliveryProvider };

export function createDeliveryProvider(env: UserEnv, redis: Redis, logger: Logger): DeliveryProvider {
  const email = createEmailProvider(env, redis, logger);
  if (env.SMS_PROVIDER !== 'http') return email;
  const sms = new HttpSmsSender(
    {
      urlTemplate: env.SMS_HTTP_URL!,
      method: env.SMS_HTTP_METHOD,
      bodyTemplate: env.SMS_HTTP_BODY,
      contentType: env.SMS_HTTP_CONTENT_TYPE,
      authHeader: env.SMS_HTTP_AUTH_HEADER,
      idempotencyHeader: env.SMS_HTTP_IDEMPOTENCY_HEADER,
      timeoutMs: env.SMS_HTTP_TIMEOUT_MS,
      attempts: env.SMS_HTTP_ATTEMPTS,
      backoffMs: env.SMS_HTTP_BACKOFF_MS,
      breaker: { errorPercent: env.SMS_BREAKER_ERROR_PERCENT, volume: env.SMS_BREAKER_VOLUME, resetMs: env.SMS_BREAKER_RESET_MS },
    },
    logger,
  );
  return new SplitDeliveryProvider(email, sms);
}

function createEmailProvider(env: UserEnv, redis: Redis, logger: Logger): DeliveryProvider {
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
