// Guardians through the gateway, with the user subgraph as a real process: a user names a
// guardian, the guardian's phone receives an invitation code (dev message sink), the user
// confirms with it; then, when the user is warned by a HIGH alert, the guardian's phone gets a
// plain-Korean SMS naming the risky counterpart. The alert is real: the counterpart writes in the
// app's chat, the chat service's screening tells the monitor (chat.message_screened), whose rule
// raises it and whose monitor.alert_raised event reaches the user service through the bus.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayClient, waitFor } from '../support/gateway-client.ts';
import { accountNumberOfThisRun } from '../support/fraud-text.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { devMessages, type DevMessage } from '../support/dev-messages.ts';

const ADD = `mutation($input: GuardianInput!) { addGuardian(input: $input) { id name phone relation confirmedAt } }`;
const CONFIRM = `mutation($id: ID!, $code: String!) { confirmGuardian(guardianId: $id, code: $code) { id confirmedAt } }`;
const MY_GUARDIANS = `{ me { guardians { id name phone relation confirmedAt } } }`;

let stack: Stack;
const { call, ok, register } = gatewayClient(() => stack.gatewayUrl);

beforeAll(async () => {
  stack = await startStack({ subgraphs: ['user', 'transaction', 'chat', 'monitor'] });
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});


function smsTo(phone: string): Promise<DevMessage[]> {
  return devMessages(stack.operationsUrls.user!, phone);
}


const phone = () => `010-${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}-${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;


describe('guardians through the gateway', () => {
  it('a guardian confirms an invitation and then gets an SMS when the protected user receives a HIGH alert', async () => {
    const userPhone = phone();
    const grandma = await register('김순자', { phone: userPhone });
    // The number becomes her phone once she confirms the code sent to it.
    const challenge = (await ok<{ requestVerification: { id: string } }>(`mutation { requestVerification(method: SMS) { id } }`, {}, grandma.token)).requestVerification;
    const sent = /\b(\d{6})\b/.exec((await smsTo(userPhone))[0]!.text)![1];
    await ok(`mutation($id: ID!, $code: String!) { confirmVerification(challengeId: $id, code: $code) { id } }`, { id: challenge.id, code: sent }, grandma.token);
    const guardianPhone = phone();

    // Bad input through the gateway: the user's own number.
    const own = await call(ADD, { input: { name: '나', phone: userPhone, relation: '본인' } }, grandma.token);
    expect(own.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const { addGuardian } = await ok<{ addGuardian: { id: string; phone: string; confirmedAt: string | null } }>(
      ADD, { input: { name: '김민수', phone: guardianPhone, relation: '아들' } }, grandma.token,
    );
    expect(addGuardian).toMatchObject({ phone: guardianPhone, confirmedAt: null });

    const [invitation] = await smsTo(guardianPhone);
    // She proved her phone by SMS code, so the fixed text may name her by her (SMS-safe) nickname;
    // nothing else she typed (the guardian's name, the relation) is in it.
    expect(invitation?.text).toContain("안심 중고거래 회원 '김순자'님이");
    expect(invitation?.text).not.toContain('김민수');
    expect(invitation?.text).not.toContain('아들');
    const code = /인증번호 (\d{6})/.exec(invitation!.text)?.[1];
    expect(code).toBeDefined();

    // Someone else cannot confirm it, even with the right code.
    const stranger = await register('지나가는사람');
    const forbidden = await call(CONFIRM, { id: addGuardian.id, code }, stranger.token);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const { confirmGuardian } = await ok<{ confirmGuardian: { confirmedAt: string | null } }>(CONFIRM, { id: addGuardian.id, code }, grandma.token);
    expect(confirmGuardian.confirmedAt).toBeTruthy();
    const mine = await ok<{ me: { guardians: Array<{ id: string; confirmedAt: string | null }> } }>(MY_GUARDIANS, {}, grandma.token);
    expect(mine.me.guardians).toEqual([expect.objectContaining({ id: addGuardian.id, name: '김민수', relation: '아들', confirmedAt: expect.any(String) })]);

    // A risky account asks her to pay outside the app; the monitor warns her with a HIGH alert.
    const scammer = await register('급매왕');
    const product = (await ok(`mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`, { input: { title: '안마의자', description: '새것', price: 300_000, category: 'DIGITAL' } }, scammer.token)).createProduct;
    const conversationId = await waitFor('chat to know the listing', async () => {
      const result = await call(`mutation($p: ID!) { startConversation(productId: $p) { id } }`, { p: product.id }, grandma.token);
      return result.errors ? undefined : (result.data!.startConversation.id as string);
    }, 30_000);
    await ok(`mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }`, { id: conversationId, text: `선입금 부탁드려요 국민은행 ${accountNumberOfThisRun()}` }, scammer.token);

    const warning = await waitFor('the guardian SMS', async () => {
      const messages = await smsTo(guardianPhone);
      return messages.length === 2 ? messages[0] : undefined;
    });
    expect(warning.text).toContain("'김순자'님");
    expect(warning.text).toContain("'급매왕'");
    expect(warning.text).toContain('직접 만나서 물건을 확인하기 전에는');
    expect(warning.text).not.toContain(userPhone.slice(-4));
  });
});
