// The page a guardian's SMS links to (GUARDIAN_APPROVAL_URL?approval=<id>): the code from the SMS
// and two buttons, approve or decline. Guardians have no account and may be on any phone, so it is
// one plain HTML form with no script, served by the gateway (nothing from a CDN), in Korean (English
// with Accept-Language: en). The POST runs `decideGuardianApproval` through the gateway's own Apollo
// server as an anonymous caller, so the rate limits, the signing and the payment service's checks
// (wrong code, tries left, locked, expired) are exactly those of the API; the page shows the
// service's own plain-language answer.
import { localeFromHeader, pick, type Locale, type LocalizedText } from '@anshim/platform';
import type { ApolloServer } from '@apollo/server';
import express, { type Express, type Request, type Response } from 'express';
import type { GatewayContext } from './context.ts';

export const GUARDIAN_APPROVAL_PATH = '/guardian-approval';

const DECIDE = `mutation GuardianPage($approvalId: ID!, $code: String!, $approve: Boolean!) {
  decideGuardianApproval(approvalId: $approvalId, code: $code, approve: $approve) { status }
}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const texts = {
  title: { ko: '보호자 결제 확인', en: 'Guardian payment check' },
  intro: {
    ko: '가족(보호 대상)이 안심결제를 하려고 해요. 문자로 받은 승인번호 6자리를 넣고, 결제를 허락할지 골라 주세요.',
    en: 'Someone you look after wants to make a safe payment. Enter the 6-digit code from the text message and choose whether to allow it.',
  },
  codeLabel: { ko: '승인번호 (숫자 6자리)', en: 'Code (6 digits)' },
  approve: { ko: '결제 허락하기', en: 'Allow the payment' },
  decline: { ko: '허락하지 않기', en: 'Do not allow' },
  unsure: {
    ko: '잘 모르겠으면 허락하기 전에 먼저 가족에게 전화해 보세요. 답하지 않으면 결제는 자동으로 취소돼요.',
    en: 'If unsure, call them before you allow it. If you do not answer, the payment is cancelled on its own.',
  },
  badLink: { ko: '링크가 올바르지 않아요. 문자에 있는 링크를 그대로 눌러 주세요.', en: 'This link is not valid. Please open the link from the text message as it is.' },
  APPROVED: { ko: '결제를 허락했어요. 이제 가족이 결제할 수 있어요.', en: 'You allowed the payment. They can pay now.' },
  DECLINED: { ko: '결제를 허락하지 않았어요. 결제는 취소되었고, 돈은 나가지 않았어요.', en: 'You did not allow the payment. It was cancelled and no money was taken.' },
  failed: { ko: '지금은 처리할 수 없어요. 잠시 뒤에 다시 해 주세요.', en: 'This cannot be done right now. Please try again shortly.' },
} satisfies Record<string, LocalizedText>;

const escape = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** No script, no outside source; the form posts only to this gateway. */
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

function page(locale: Locale, body: string): string {
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(pick(texts.title, locale))}</title></head>
<body style="font-family: sans-serif; font-size: 1.15rem; max-width: 30rem; margin: 1.5rem auto; padding: 0 1rem; line-height: 1.6">
<h1 style="font-size: 1.4rem">${escape(pick(texts.title, locale))}</h1>
${body}
</body></html>`;
}

function form(locale: Locale, approvalId: string, notice?: string): string {
  const button = 'font-size: 1.15rem; padding: .7rem 1rem; margin: .3rem 0; width: 100%';
  return `${notice ? `<p role="alert" style="border: 2px solid #b00; padding: .6rem">${escape(notice)}</p>` : ''}
<p>${escape(pick(texts.intro, locale))}</p>
<form method="post" action="${GUARDIAN_APPROVAL_PATH}">
<input type="hidden" name="approval" value="${escape(approvalId)}">
<label for="code">${escape(pick(texts.codeLabel, locale))}</label><br>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required style="font-size: 1.6rem; letter-spacing: .3rem; width: 9rem; margin: .4rem 0 1rem">
<button name="decision" value="approve" style="${button}">${escape(pick(texts.approve, locale))}</button>
<button name="decision" value="decline" style="${button}">${escape(pick(texts.decline, locale))}</button>
</form>
<p style="color: #444">${escape(pick(texts.unsure, locale))}</p>`;
}

function send(res: Response, status: number, html: string): void {
  res.status(status).set({ 'Content-Type': 'text/html; charset=utf-8', ...SECURITY_HEADERS }).send(html);
}

export interface GuardianApprovalPageOptions {
  apollo: ApolloServer<GatewayContext>;
  /** The same context the /graphql route builds for this request (anonymous here: no Authorization is read). */
  context: (req: Request, res: Response) => Promise<GatewayContext>;
}

export function mountGuardianApprovalPage(app: Express, options: GuardianApprovalPageOptions): void {
  app.get(GUARDIAN_APPROVAL_PATH, (req, res) => {
    const locale = localeFromHeader(req.headers['accept-language']);
    const approvalId = typeof req.query.approval === 'string' ? req.query.approval : '';
    if (!UUID.test(approvalId)) return send(res, 400, page(locale, `<p>${escape(pick(texts.badLink, locale))}</p>`));
    send(res, 200, page(locale, form(locale, approvalId)));
  });

  app.post(GUARDIAN_APPROVAL_PATH, express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 5 }), async (req, res) => {
    const locale = localeFromHeader(req.headers['accept-language']);
    const { approval, code, decision } = (req.body ?? {}) as Record<string, unknown>;
    if (typeof approval !== 'string' || !UUID.test(approval) || (decision !== 'approve' && decision !== 'decline')) {
      return send(res, 400, page(locale, `<p>${escape(pick(texts.badLink, locale))}</p>`));
    }
    const context = await options.context(req, res);
    // Anonymous whatever the browser sends: the code is the proof, never a session.
    const anonymous: GatewayContext = { ...context, identity: null, authorization: undefined };
    try {
      const response = await options.apollo.executeOperation(
        { query: DECIDE, variables: { approvalId: approval, code: typeof code === 'string' ? code.trim() : '', approve: decision === 'approve' } },
        { contextValue: anonymous },
      );
      const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
      const status = (result?.data as { decideGuardianApproval?: { status?: string } } | null | undefined)?.decideGuardianApproval?.status;
      if (status === 'APPROVED' || status === 'DECLINED') return send(res, 200, page(locale, `<p role="status">${escape(pick(texts[status], locale))}</p>`));
      // The service's (or the rate limit's) own plain-language refusal: wrong code with tries left, locked, expired, already decided.
      const refusal = result?.errors?.[0];
      const codeOfRefusal = refusal?.extensions?.code;
      const message = refusal && codeOfRefusal !== 'INTERNAL_SERVER_ERROR' ? refusal.message : pick(texts.failed, locale);
      send(res, codeOfRefusal === 'RATE_LIMITED' ? 429 : 422, page(locale, form(locale, approval, message)));
    } catch (error) {
      anonymous.logger.error({ err: error }, 'guardian approval page could not decide');
      send(res, 503, page(locale, form(locale, approval, pick(texts.failed, locale))));
    }
  });
}
