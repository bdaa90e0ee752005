// Webhook signatures in Toss Payments' documented scheme: the header
// `tosspayments-webhook-signature: v1:<base64>,v1:<base64>` holds HMAC-SHA256 digests, under the
// merchant's security key, of `<raw payload>:<tosspayments-webhook-transmission-time>`; any one
// matching is enough (keys rotate). The transmission time also bounds replays: an old request is
// refused even with a valid signature.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookRejectedError } from './provider.ts';

export const SIGNATURE_HEADER = 'tosspayments-webhook-signature';
export const TRANSMISSION_TIME_HEADER = 'tosspayments-webhook-transmission-time';

function digest(key: string, rawBody: string, transmissionTime: string): Buffer {
  return createHmac('sha256', key).update(`${rawBody}:${transmissionTime}`).digest();
}

/** The headers a sender (the sandbox provider) puts on a webhook. */
export function signWebhook(keys: readonly string[], rawBody: string, transmissionTime: string): Record<string, string> {
  return {
    [SIGNATURE_HEADER]: keys.map((key) => `v1:${digest(key, rawBody, transmissionTime).toString('base64')}`).join(','),
    [TRANSMISSION_TIME_HEADER]: transmissionTime,
  };
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Throws WebhookRejectedError unless one signature matches `key` and the request is at most `maxAgeMs` old. */
export function verifyWebhookSignature(
  request: { headers: Record<string, string | string[] | undefined>; rawBody: string; now: Date },
  key: string,
  maxAgeMs: number,
): void {
  const signatures = header(request.headers, SIGNATURE_HEADER);
  const transmissionTime = header(request.headers, TRANSMISSION_TIME_HEADER);
  if (!signatures || !transmissionTime) throw new WebhookRejectedError('MISSING_SIGNATURE');
  const sentAt = Date.parse(transmissionTime);
  if (Number.isNaN(sentAt)) throw new WebhookRejectedError('MALFORMED');
  // A little clock skew forward is tolerated; anything older than maxAgeMs is a replay.
  if (request.now.getTime() - sentAt > maxAgeMs || sentAt - request.now.getTime() > 60_000) throw new WebhookRejectedError('STALE');
  const expected = digest(key, request.rawBody, transmissionTime);
  const matches = signatures
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1:'))
    .some((part) => {
      const given = Buffer.from(part.slice(3), 'base64');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  if (!matches) throw new WebhookRejectedError('BAD_SIGNATURE');
}
