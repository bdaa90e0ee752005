// The payment routes browsers and the provider reach through the gateway's pass-through:
// GET /payments/return — the provider's checkout sends the buyer back here; we confirm and send
//   them on to the app (PAYMENT_APP_RETURN_URL?payment=<id>&status=HELD|PENDING|FAILED|…);
// POST /payments/webhook — the provider's PAYMENT_STATUS_CHANGED: verified (signature and age),
//   then the payment is read back from the provider and applied. 401 with a code when refused.
import type { Express, Request } from 'express';
import { rawBodyOf, type Logger } from '@anshim/platform';
import { WebhookRejectedError, type PaymentProvider } from '../providers/provider.ts';
import type { ProviderSync } from '../payments/provider-sync.ts';

const DONE_SENTENCES = {
  HELD: '결제가 끝났어요. 물건을 받고 거래를 완료할 때까지 안심결제가 돈을 안전하게 보관해요.',
  PENDING: '결제를 확인하고 있어요. 잠시 뒤 거래 화면에서 결과를 볼 수 있어요.',
  FAILED: '결제가 이루어지지 않았어요. 돈은 나가지 않았어요.',
  AMOUNT_MISMATCH: '결제 금액이 거래 금액과 달라 승인하지 않았어요. 돈은 나가지 않았어요.',
  UNKNOWN_ORDER: '이 결제를 찾을 수 없어요.',
} as const;

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length <= 300 ? value : undefined);

export function mountPaymentRoutes(app: Express, deps: { sync: ProviderSync; provider: PaymentProvider; appReturnUrl: string; logger: Logger }): void {
  app.get('/payments/return', async (req: Request, res) => {
    res.setHeader('cache-control', 'no-store');
    const query = { paymentKey: text(req.query.paymentKey), orderId: text(req.query.orderId), amount: text(req.query.amount), code: text(req.query.code) };
    const target = new URL(deps.appReturnUrl);
    try {
      const { payment, outcome } = await deps.sync.checkoutReturned(query);
      if (payment) target.searchParams.set('payment', payment.id);
      target.searchParams.set('status', outcome);
    } catch (error) {
      deps.logger.error({ err: error, orderId: query.orderId }, 'checkout return failed; the settle job will confirm');
      target.searchParams.set('status', 'PENDING');
    }
    res.redirect(303, target.toString());
  });

  // Where a buyer lands after checkout when no app page is configured: plain words, nothing else.
  app.get('/payments/done', (req: Request, res) => {
    const status = text(req.query.status) ?? 'PENDING';
    const sentence = DONE_SENTENCES[status as keyof typeof DONE_SENTENCES] ?? DONE_SENTENCES.PENDING;
    res.setHeader('cache-control', 'no-store');
    res.type('html').send(`<!doctype html><html lang="ko"><meta charset="utf-8"><title>안심결제</title><body style="font-family:sans-serif;max-width:28rem;margin:2rem auto"><p>${sentence}</p><p>앱으로 돌아가 주세요.</p></body></html>`);
  });

  app.post('/payments/webhook', async (req: Request, res) => {
    const raw = rawBodyOf(req);
    try {
      const notice = deps.provider.verifyWebhook({ headers: req.headers, rawBody: raw ? raw.toString('utf8') : '', now: new Date() });
      const payment = await deps.sync.webhook(notice);
      // 200 for an order we do not know either: a retry would not make it known.
      res.status(200).json({ ok: true, payment: payment?.id ?? null });
    } catch (error) {
      if (error instanceof WebhookRejectedError) {
        deps.logger.warn({ reason: error.reason }, 'webhook refused');
        res.status(401).json({ error: { code: 'WEBHOOK_REJECTED', reason: error.reason } });
        return;
      }
      // Our side failed (database, provider read): 503 makes the provider send it again.
      deps.logger.error({ err: error }, 'webhook handling failed');
      res.status(503).json({ error: { code: 'TEMPORARILY_UNAVAILABLE' } });
    }
  });
}
