// The page a guardian's SMS links to (GUARDIAN_APPROVAL_URL?approval=<id>): the code from the SMS
// and two buttons, approve or decline. Guardians have no account and may be on any phone, so it is
// one plain HTML form with no script, served by the gateway (nothing from a CDN), in Korean (English
// with Accept-Language: en). The POST runs `decideGuardianApproval` through the gateway's own Apollo
// server as an anonymous caller, so the rate limits, the signing and the payment service's checks
// (wrong code, tries left, locked, expired) are exactly those of the API; the page shows the
// service's own plain-language answer.
import { catalogue, localeFromHeader, pick, type Locale } from '@anshim/platform';
import type { ApolloServer } from '@apollo/server';
import express, { type Express, type Request, type Response } from 'express';
import type { GatewayContext } from './context.ts';
import data from './guardian-approval-page.json' with { type: 'json' };

export const GUARDIAN_APPROVAL_PATH = '/guardian-approval';

const DECIDE = `mutation GuardianPage($approvalId: ID!, $code: String!, $approve: Boolean!) {
  decideGuardianApproval(approvalId: $approvalId, code: $code, approve: $approve) { status }
}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the page says, as data (guardian-approval-page.json: translators edit it, not code). */
const texts = catalogue(data, 'gateway/src/guardian-approval-page.json').page;

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
