// Guardian approval of a safe payment through the gateway, with user, transaction and payment as
// real processes and the sandbox provider over HTTP (issue 19 point 4): a protected member asks
// their confirmed guardian to approve payments; a 1,200,000-won safe payment then waits
// (AWAITING_GUARDIAN, no checkout); payment's event reaches the user service, which texts the
// guardian the amount, the item, why and the code; the guardian answers without an account
// (decideGuardianApproval), the payment gets its checkout, the member pays and the money is HELD.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../subgraphs/payment/src/sandbox/sandbox-server.ts';
import { devMessages } from '../support/dev-messages.ts';
import { codeOf, gatewayClient, waitFor } from '../support/gateway-client.ts';
import { freePort } from '../support/free-port.ts';
import { startStack, type Stack } from '../support/stack.ts';

let stack: Stack;
let sandbox: SandboxHandle;
const { call, ok, register } = gatewayClient(() => stack.gatewayUrl);
const KEYS = { PAYMENT_SECRET_KEY: 'test_sk_e2e_guardian', PAYMENT_WEBHOOK_KEY: 'e2e-guardian-webhook-key' };

beforeAll(async () => {
  const gatewayPort = String(await freePort());
  sandbox = await startSandbox({ port: 0, secretKey: KEYS.PAYMENT_SECRET_KEY, webhookKey: KEYS.PAYMENT_WEBHOOK_KEY, webhookUrl: `http://127.0.0.1:${gatewayPort}/payments/webhook` });
  stack = await startStack({ subgraphs: ['user', 'transaction', 'payment'], env: { GATEWAY_PORT: gatewayPort, PAYMENT_PROVIDER_URL: sandbox.url, ...KEYS } });
}, 180_000);
afterAll(async () => {
  await stack?.stop();
  await sandbox?.close();
});

const phone = () => `010-${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}-${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
const smsTo = (number: string) => devMessages(stack.operationsUrls.user!, number);
const PAYMENT = 'id status amount checkoutUrl history { from to reason } guardianApproval { id status reason expiresAt }';
const DECIDE = 'mutation($a: ID!, $c: String!, $ok: Boolean!) { decideGuardianApproval(approvalId: $a, code: $c, approve: $ok) { id status decidedAt } }';

describe('guardian approval through the gateway', () => {
  it('a large payment waits for the guardian, who approves by SMS code; the member then pays and the money is HELD', async () => {
    const member = await register('김순자');
    await ok(`mutation { updateProfile(input: { protectedMode: true, minCounterpartGrade: NORMAL }) { protectedMode } }`, {}, member.token);
    const guardianPhone = phone();
    const guardian = (await ok<{ addGuardian: { id: string } }>(`mutation($i: GuardianInput!) { addGuardian(input: $i) { id } }`, { i: { name: '김민수', phone: guardianPhone, relation: '아들' } }, member.token)).addGuardian;
    const invitationCode = /인증번호 (\d{6})/.exec((await smsTo(guardianPhone))[0]!.text)![1];
    await ok(`mutation($id: ID!, $c: String!) { confirmGuardian(guardianId: $id, code: $c) { id } }`, { id: guardian.id, c: invitationCode }, member.token);
    const set = await ok<{ setGuardianApprovesPayments: { approvesPayments: boolean } }>(
      `mutation($id: ID!) { setGuardianApprovesPayments(guardianId: $id, approvesPayments: true) { approvesPayments } }`, { id: guardian.id }, member.token,
    );
    expect(set.setGuardianApprovesPayments.approvesPayments).toBe(true);
    expect((await ok<{ me: { guardians: Array<{ approvesPayments: boolean }> } }>(`{ me { guardians { approvesPayments } } }`, {}, member.token)).me.guardians).toEqual([{ approvesPayments: true }]);

    const seller = await register('판매자');
    const product = (await ok(`mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`, { input: { title: '맥북 프로', description: '1년 사용', price: 1_200_000, category: 'DIGITAL' } }, seller.token)).createProduct;
    const trade = (await ok(`mutation($id: ID!) { startTransaction(productId: $id) { id } }`, { id: product.id }, member.token)).startTransaction;
    await ok(`mutation($id: ID!) { updateTransactionStatus(id: $id, status: ACCEPTED) { id } }`, { id: trade.id }, seller.token);
    const waiting = await waitFor('payment to know the accepted trade', async () => {
      const result = await call(`mutation($t: ID!) { startSafePayment(transactionId: $t) { ${PAYMENT} } }`, { t: trade.id }, member.token);
      return result.errors ? undefined : result.data!.startSafePayment;
    }, 30_000);
    expect(waiting).toMatchObject({ status: 'AWAITING_GUARDIAN', amount: 1_200_000, checkoutUrl: null, guardianApproval: { status: 'PENDING' } });
    expect(waiting.guardianApproval.reason).toContain('큰 금액');

    // The guardian's SMS: plain Korean, the amount, the item, why, the code and where to answer.
    const request = await waitFor('the guardian to be texted', async () => (await smsTo(guardianPhone)).find((m) => m.text.includes('승인번호')), 20_000);
    expect(request.text).toContain('1,200,000원');
    expect(request.text).toContain("'맥북 프로'");
    expect(request.text).toContain('큰 금액');
    const code = /승인번호 (\d{6})/.exec(request.text)![1]!;
    const approvalId = /approval=([0-9a-f-]{36})/.exec(request.text)![1]!;
    expect(approvalId).toBe(waiting.guardianApproval.id);

    // No account: the code is the proof. A wrong one is a coded error and changes nothing.
    const wrong = await call(DECIDE, { a: approvalId, c: code === '000000' ? '111111' : '000000', ok: true });
    expect(codeOf(wrong.errors)).toBe('BAD_USER_INPUT');
    expect(wrong.errors![0]!.extensions).toMatchObject({ reason: 'WRONG_CODE', attemptsLeft: 4 });

    // The SMS's link opens a plain form on the gateway (no script, no outside source) that answers
    // through the same mutation: a wrong code shows the service's own words and the tries left.
    const link = /(http\S+approval=[0-9a-f-]{36})/.exec(request.text)![1]!;
    const pageUrl = new URL(link, stack.gatewayUrl);
    const pageAt = `${stack.gatewayUrl.replace(/\/graphql$/, '')}${pageUrl.pathname}`;
    const opened = await fetch(`${pageAt}${pageUrl.search}`);
    expect(opened.status).toBe(200);
    expect(opened.headers.get('content-security-policy')).toContain("default-src 'none'");
    const form = await opened.text();
    expect(form).toContain('승인번호');
    expect(form).toContain(`value="${approvalId}"`);
    expect((await fetch(`${pageAt}?approval=not-an-id`)).status).toBe(400);
    const answer = (fields: Record<string, string>) => fetch(pageAt, { method: 'POST', body: new URLSearchParams({ approval: approvalId, ...fields }) });
    const wrongOnPage = await answer({ code: code === '000000' ? '111111' : '000000', decision: 'approve' });
    expect(wrongOnPage.status).toBe(422);
    expect(await wrongOnPage.text()).toMatch(/3/);
    const approvedOnPage = await answer({ code, decision: 'approve' });
    expect(approvedOnPage.status).toBe(200);
    expect(await approvedOnPage.text()).toContain('결제를 허락했어요');
    const again = await ok<{ payment: { guardianApproval: { status: string } } }>(`query($id: ID!) { payment(id: $id) { guardianApproval { status } } }`, { id: waiting.id }, member.token);
    expect(again.payment.guardianApproval.status).toBe('APPROVED');
    const decidedTwice = await call(DECIDE, { a: approvalId, c: code, ok: false });
    expect(decidedTwice.errors![0]!.extensions).toMatchObject({ reason: 'APPROVAL_DECIDED' });

    const approved = (await ok(`query($id: ID!) { payment(id: $id) { ${PAYMENT} } }`, { id: waiting.id }, member.token)).payment;
    expect(approved).toMatchObject({ status: 'AWAITING_PAYMENT', guardianApproval: { status: 'APPROVED' } });
    expect(approved.checkoutUrl).toMatch(/\/checkout\//);

    const paid = await fetch(approved.checkoutUrl, { method: 'POST', body: new URLSearchParams({ action: 'pay' }), redirect: 'manual' });
    const back = new URL(paid.headers.get('location')!);
    const landed = new URL((await fetch(back, { redirect: 'manual' })).headers.get('location')!);
    expect(landed.searchParams.get('status')).toBe('HELD');
    const held = (await ok(`query($id: ID!) { payment(id: $id) { ${PAYMENT} } }`, { id: waiting.id }, member.token)).payment;
    expect(held.status).toBe('HELD');
    expect(held.history.map((change: { to: string }) => change.to)).toEqual(['AWAITING_GUARDIAN', 'AWAITING_PAYMENT', 'HELD']);
  });
});
