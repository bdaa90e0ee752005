import { describe, expect, it } from 'vitest';
import { FINDING_CODES, MASK, screenMessage } from '../../src/screening/screen.ts';
import { foldText } from '../../src/screening/normalise.ts';
import { nobody, registry } from './support.ts';

describe('screenMessage: the issue example', () => {
  const text = '국민 일이삼사오육 칠팔 구공일이삼사 으로 선입금 주세요';

  it('is a HIGH payment identifier, delivered as written', () => {
    const result = screenMessage({ text, recentTexts: [] }, nobody);
    expect(result).toEqual({ deliveredText: text, masked: false, findings: [{ code: 'PAYMENT_IDENTIFIER', level: 'HIGH', span: { start: 3, end: 19 } }] });
  });

  it('is CRITICAL and masked when the account is a confirmed fraud account', () => {
    const result = screenMessage({ text, recentTexts: [] }, registry({ accounts: ['12345678901234'] }));
    expect(result).toEqual({
      deliveredText: `국민 ${MASK} 으로 선입금 주세요`,
      masked: true,
      findings: [{ code: 'KNOWN_FRAUD_IDENTIFIER', level: 'CRITICAL', span: { start: 3, end: 19 } }],
    });
  });
});

describe('screenMessage: several findings in one message', () => {
  it('lists them most severe first and masks each masked part', () => {
    const result = screenMessage(
      { text: '카톡 주세요. 결제는 naverpay-safe.com 에서, 안되면 국민 123456-78-901234 로 선입금', recentTexts: [] },
      registry({ accounts: ['12345678901234'] }),
    );
    expect(result.findings.map((finding) => finding.code)).toEqual(['KNOWN_FRAUD_IDENTIFIER', 'LOOKALIKE_LINK', 'OFF_APP_CONTACT']);
    expect(result.deliveredText).toBe(`카톡 주세요. 결제는 ${MASK} 에서, 안되면 국민 ${MASK} 로 선입금`);
  });

  it('reports each identifier of the message', () => {
    const result = screenMessage({ text: '010-1234-5678 또는 010-8765-4321 로 연락', recentTexts: [] }, nobody);
    expect(result.findings).toEqual([
      { code: 'PAYMENT_IDENTIFIER', level: 'MEDIUM', span: { start: 0, end: 13 } },
      { code: 'PAYMENT_IDENTIFIER', level: 'MEDIUM', span: { start: 17, end: 30 } },
    ]);
  });

  it('takes the prepayment request from an earlier message of the sender', () => {
    const result = screenMessage({ text: '신한 110-123-456789', recentTexts: ['선입금 해주셔야 보내드려요'] }, nobody);
    expect(result.findings).toEqual([{ code: 'PAYMENT_IDENTIFIER', level: 'HIGH', span: { start: 3, end: 17 } }]);
  });
});

describe('honest small talk gets nothing', () => {
  it.each([
    '내일 7시에 합정역에서 뵐게요',
    '3만원에 가능할까요?',
    '택배비 포함 25,000원이에요',
    '사진 더 보내주실 수 있나요',
    '아이폰 13 128GB 상태 좋아요',
    '갤럭시 S23 케이스 포함이에요',
    '안녕하세요! 아직 판매 중인가요?',
    '네고 가능할까요? 2만 5천원이면 바로 살게요',
    '직거래 원해요. 토요일 오후 2시 어떠세요?',
    '안전결제로 할게요',
    '오늘 퇴근하고 6시 반쯤 연락드릴게요',
    '박스랑 충전기 다 있어요',
    '혹시 실사용 기간이 얼마나 되나요?',
    '12월 5일 토요일 가능합니다',
    '택배 보내드렸어요 내일 도착 예정이에요',
    '감사합니다 잘 쓸게요 ^^',
    '2층 203호 문 앞에 두고 가주세요',
    'Hi, is this still available?',
    'Can we meet tomorrow at 7 at Hapjeong station?',
    'Would 30,000 won be ok?',
    'Shipping included, 25,000 won.',
    'Could you send more photos?',
  ])('%s', (text) => {
    expect(screenMessage({ text, recentTexts: ['안녕하세요', '3만원에 가능할까요?'] }, nobody)).toEqual({ deliveredText: text, masked: false, findings: [] });
  });
});

describe('folding keeps offsets', () => {
  it.each([['０１０－１２３４'], ['𝟎𝟏𝟎 1234'], ['①②③'], ['a\u200bb'], ['ＫＢ국민']])('%s folds to the same length', (text) => {
    expect(foldText(text)).toHaveLength(text.length);
  });

  it('reads full-width, mathematical and circled digits as digits', () => {
    expect(foldText('０１２ 𝟑𝟒 ⑤')).toBe('012 3\u200b4\u200b 5');
  });
});

describe('FINDING_CODES', () => {
  it('names every code screening can give, once', () => {
    expect([...FINDING_CODES].sort()).toEqual(['KNOWN_FRAUD_IDENTIFIER', 'LOOKALIKE_LINK', 'OFF_APP_CONTACT', 'PAYMENT_IDENTIFIER']);
  });
});
