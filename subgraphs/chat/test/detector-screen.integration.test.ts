// The chat service with its default screen (the screening folder's detectors): what a recipient
// sees for the example, a lookalike link, a number split over two messages and small talk,
// and that every finding code has words in Korean and English.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizePaymentIdentifier, paymentIdentifierHash } from '@anshim/contracts';
import { FieldCipher } from '@anshim/platform';
import { warningMessages } from '../src/messages.ts';
import { FINDING_CODES } from '../src/screening/screen.ts';
import { ChatHarness, MESSAGE_FIELDS, user } from './support/harness.ts';

const START = `mutation($productId: ID!) { startConversation(productId: $productId) { id } }`;
const SEND = `mutation($conversationId: ID!, $text: String!) { sendMessage(conversationId: $conversationId, text: $text) { ${MESSAGE_FIELDS} } }`;
const PAGE = `query($id: ID!) { conversation(id: $id) { messages(first: 10) { edges { node { ${MESSAGE_FIELDS} } } } } }`;

let h: ChatHarness;
beforeAll(async () => {
  h = await new ChatHarness().start();
});
afterAll(async () => {
  await h?.stop();
});

type Warning = { code: string; level: string; message: string };
type Message = { text: string; masked: boolean; warnings: Warning[] };

/** The seller sends `texts` in order; answers what the buyer sees of each, oldest first. */
async function buyerSees(texts: string[], lang?: 'en'): Promise<Message[]> {
  const seller = user();
  const buyer = user();
  const productId = await h.listing(seller);
  const { startConversation } = await h.ok(START, { productId }, { identity: buyer });
  for (const text of texts) await h.ok(SEND, { conversationId: startConversation.id, text }, { identity: seller });
  const page = await h.ok(PAGE, { id: startConversation.id }, { identity: buyer, lang });
  return page.conversation.messages.edges.map((edge: { node: Message }) => edge.node);
}

describe('the default screen in sendMessage', () => {
  it('warns the buyer (HIGH) about an account number in Hangul numerals with a prepayment request', async () => {
    const [message] = await buyerSees(['국민 일이삼사오육 칠팔 구공일이삼사 으로 선입금 주세요']);
    expect(message!.warnings).toEqual([{ code: 'PAYMENT_IDENTIFIER', level: 'HIGH', message: expect.stringContaining('선입금') }]);
    expect(message!.masked).toBe(false);
  });

  it('masks a lookalike payment link and says so in English on request', async () => {
    const [message] = await buyerSees(['안전결제는 여기서 해주세요 https://naverpay-safe.com/pay/123'], 'en');
    expect(message!.masked).toBe(true);
    expect(message!.text).not.toContain('naverpay-safe.com');
    expect(message!.warnings).toContainEqual({ code: 'LOOKALIKE_LINK', level: 'HIGH', message: expect.stringMatching(/imitate/) });
  });

  it('finds a phone number split over two messages, on the second', async () => {
    const messages = await buyerSees(['제 번호 010 1234', '5678 로 문자 주세요']);
    expect(messages[0]!.warnings).toEqual([]);
    expect(messages[1]!.warnings.map((w) => w.code)).toContain('PAYMENT_IDENTIFIER');
  });

  it('masks an account an accepted fraud report named, with a CRITICAL warning, once the registry event arrived', async () => {
    const text = '국민 일이삼사오육 칠팔 구공일이삼사 으로 선입금 주세요';
    const account = normalizePaymentIdentifier('BANK_ACCOUNT', '123456-78-901234')!;
    const lookupHash = paymentIdentifierHash(new FieldCipher(h.server.env.DATA_ENCRYPTION_KEY), account);
    const at = new Date().toISOString();
    await h.deliver({
      type: 'report.identifiers_confirmed',
      producer: 'report',
      subjectUserId: randomUUID(),
      data: { reportId: randomUUID(), targetUserId: randomUUID(), identifiers: [{ type: 'BANK_ACCOUNT', lookupHash }], confirmedAt: at },
    });
    const [message] = await buyerSees([text]);
    expect(message!.masked).toBe(true);
    expect(message!.text).toContain('▒▒▒');
    expect(message!.text).not.toContain('구공일이삼사');
    expect(message!.warnings[0]).toEqual({ code: 'KNOWN_FRAUD_IDENTIFIER', level: 'CRITICAL', message: expect.stringContaining('송금') });
    expect(await h.prisma.knownFraudIdentifier.count({ where: { lookupHash } })).toBe(1);
  });

  it('masks a known fraud account split over two messages, on the second (a candidate the facts read cannot know ahead)', async () => {
    const account = normalizePaymentIdentifier('BANK_ACCOUNT', '555566-77-889900')!;
    const lookupHash = paymentIdentifierHash(new FieldCipher(h.server.env.DATA_ENCRYPTION_KEY), account);
    await h.deliver({
      type: 'report.identifiers_confirmed',
      producer: 'report',
      subjectUserId: randomUUID(),
      data: { reportId: randomUUID(), targetUserId: randomUUID(), identifiers: [{ type: 'BANK_ACCOUNT', lookupHash }], confirmedAt: new Date().toISOString() },
    });
    const [first, second] = await buyerSees(['국민 555566 77', '889900 으로 선입금 주세요']);
    expect(first!.masked).toBe(false);
    expect(second!.masked).toBe(true);
    expect(second!.text).not.toContain('889900');
    expect(second!.warnings[0]).toMatchObject({ code: 'KNOWN_FRAUD_IDENTIFIER', level: 'CRITICAL' });
  });

  it('leaves small talk alone', async () => {
    const messages = await buyerSees(['내일 7시에 합정역에서 뵐게요', '3만원에 가능할까요?', '아이폰 13 128GB 맞나요?']);
    expect(messages.flatMap((m) => m.warnings)).toEqual([]);
  });
});

it('has a Korean and an English sentence for every finding code', () => {
  for (const code of FINDING_CODES) expect(warningMessages[code], code).toEqual({ ko: expect.any(String), en: expect.any(String) });
});
