import { describe, expect, it } from 'vitest';
import { screenMessage } from '../../src/screening/screen.ts';
import { nobody, registry } from './support.ts';

const codesOf = (text: string, recentTexts: string[] = []) =>
  screenMessage({ text, recentTexts }, nobody).findings.map((finding) => `${finding.code}:${finding.level}`);

describe('payment identifiers in every spelling (Korean)', () => {
  it.each([
    ['the issue example, Hangul numerals', '국민 일이삼사오육 칠팔 구공일이삼사 으로 선입금 주세요', 'HIGH'],
    ['digits with dashes and a bank', '국민은행 123456-78-901234 로 입금해주세요', 'HIGH'],
    ['digits with spaces', '신한 110 123 456789 로 보내주세요 선입금이요', 'HIGH'],
    ['digits with dots', '우리은행 1002.123.456789 송금 부탁해요', 'HIGH'],
    ['full-width digits', '하나은행 １２３－４５６７８９－０１２３４ 이체 해주세요', 'HIGH'],
    ['mixed Hangul numerals and digits', '농협 352 일이삼사 5678 구삼 입금 먼저요', 'HIGH'],
    ['영 for zero', '카카오뱅크 삼삼삼삼 영일 일이삼사오육칠 선입금', 'HIGH'],
    ['abbreviation KB glued', 'KB123456-78-901234 입금 부탁', 'HIGH'],
    ['NH abbreviation', 'NH 301-1234-5678-11 로 송금', 'HIGH'],
    ['IBK abbreviation', 'IBK 010-123456-01-011 이체 부탁드려요', 'HIGH'],
    ['토스뱅크', '토스뱅크 1000-1234-5678 로 먼저 보내주세요', 'HIGH'],
    ['케이뱅크', '케이뱅크 100-123-456789 계좌로 보내주시면 바로 발송', 'HIGH'],
    ['SC제일', 'SC제일 123-45-678901 입금해주세요', 'HIGH'],
    ['새마을금고 with dashes between every digit group', '새마을 9002-1234-5678-9 로 선입금', 'HIGH'],
    ['우체국', '우체국 012345-01-234567 송금 부탁', 'HIGH'],
    ['zero-width spaces between digits', '국민 1\u200b2\u200b3\u200b4\u200b5\u200b6\u200b7\u200b8\u200b9\u200b0\u200b1\u200b2 입금', 'HIGH'],
    ['a bank account without a prepayment word', '제 계좌는 부산은행 101-2034-5678-01 이에요', 'MEDIUM'],
    ['an 8-digit account right after the bank', '수협 1234-5678 이에요', 'MEDIUM'],
    ['a mobile number', '010-1234-5678 로 연락주세요', 'MEDIUM'],
    ['a mobile number in Hangul numerals', '공일공 일이삼사 오육칠팔 로 문자주세요', 'MEDIUM'],
    ['a mobile number, mixed and glued', '공일공1234오육칠팔로 전화주세요', 'MEDIUM'],
    ['a mobile number with dots', '010.9876.5432 문자 주세요', 'MEDIUM'],
    ['a full-width mobile number ending in 000', '０１０８１６１３０００ 로 문자주세요', 'MEDIUM'],
    ['"이" between numerals is the digit 2', '공일공 이 삼사오 육칠팔구 문자', 'MEDIUM'],
    ['a mobile number one digit at a time', '0 1 0 9 8 7 6 5 4 3 2 로 연락', 'MEDIUM'],
    ['a mobile number with spaced dashes', '010 - 9876 - 5432 연락주세요', 'MEDIUM'],
    ['a mobile number with the Hangul dash ㅡ', '010ㅡ9876ㅡ5432 문자', 'MEDIUM'],
    ['a mobile number with +82', '+82 10 1234 5678 로 연락', 'MEDIUM'],
    ['a mobile number and a prepayment request', '입금하시고 010 1234 5678 로 문자주세요', 'HIGH'],
    ['circled digits', '①②③④⑤⑥⑦⑧⑨⓪①② 계좌로 보내주세요', 'HIGH'],
  ])('%s: %s', (_name, text, level) => {
    expect(codesOf(text)).toEqual([`PAYMENT_IDENTIFIER:${level}`]);
  });
});

describe('payment identifiers in English', () => {
  it.each([
    ['send the deposit to KB 123-456-78-901234 first', 'HIGH'],
    ['Please wire the money to Shinhan bank account 110-123-456789', 'HIGH'],
    ['pay upfront to 신한 110123456789 and I ship today', 'HIGH'],
    ['my account is Woori 1002 123 456789', 'MEDIUM'],
    ['call me at 010-2345-6789', 'MEDIUM'],
    ['text me on +82-10-2345-6789', 'MEDIUM'],
  ])('%s', (text, level) => {
    expect(codesOf(text)).toEqual([`PAYMENT_IDENTIFIER:${level}`]);
  });
});

describe('numbers split across messages of one sender', () => {
  it('joins the recent messages and attributes the finding to the current one', () => {
    const result = screenMessage({ text: '901234', recentTexts: ['선입금 부탁드려요', '국민 123456', '78'] }, nobody);
    expect(result.findings).toEqual([{ code: 'PAYMENT_IDENTIFIER', level: 'HIGH', span: { start: 0, end: 6 } }]);
  });

  it('joins a mobile number typed in three messages', () => {
    const result = screenMessage({ text: '오육칠팔', recentTexts: ['공일공', '1234'] }, nobody);
    expect(result.findings.map((finding) => finding.code)).toEqual(['PAYMENT_IDENTIFIER']);
    expect(result.findings[0]!.span).toEqual({ start: 0, end: 4 });
  });

  it('masks the part in the current message when the joined account is known fraud', () => {
    const known = registry({ accounts: ['12345678901234'] });
    const result = screenMessage({ text: '구공일이삼사 으로 보내주세요', recentTexts: ['국민', '일이삼사오육', '칠팔'] }, known);
    expect(result.findings).toEqual([{ code: 'KNOWN_FRAUD_IDENTIFIER', level: 'CRITICAL', span: { start: 0, end: 6 } }]);
    expect(result.deliveredText).toBe('▒▒▒ 으로 보내주세요');
    expect(result.masked).toBe(true);
  });

  it('raises an account sent earlier to HIGH when this message asks to be paid first', () => {
    const result = screenMessage({ text: '여기로 선입금 주세요', recentTexts: ['국민 123456-78-901234'] }, nobody);
    expect(result.findings).toEqual([{ code: 'PAYMENT_IDENTIFIER', level: 'HIGH' }]);
    expect(result.deliveredText).toBe('여기로 선입금 주세요');
  });

  it('does not report again an identifier that lies wholly in an earlier message', () => {
    expect(codesOf('감사합니다', ['국민 123456-78-901234 입금해주세요'])).toEqual([]);
    expect(codesOf('내일 봬요', ['010-1234-5678'])).toEqual([]);
  });

  it('does not invent a number out of unrelated short numbers in a row', () => {
    expect(codesOf('7시에 봬요', ['3만원에 가능할까요?', '합정역 3번 출구'])).toEqual([]);
    expect(codesOf('2개 있어요', ['사이즈 95', '100'])).toEqual([]);
  });
});

describe('known fraud identifiers', () => {
  const known = registry({ accounts: ['12345678901234'], phones: ['01098765432'] });

  it.each([
    ['국민 일이삼사오육 칠팔 구공일이삼사 으로 선입금 주세요', '국민 ▒▒▒ 으로 선입금 주세요'],
    ['send the deposit to KB 123-456-78-901234 first', 'send the deposit to KB ▒▒▒ first'],
    ['１２３４５６ ７８ ９０１２３４ 로 보내요', '▒▒▒ 로 보내요'],
    ['계좌 12345678901234이에요', '계좌 ▒▒▒이에요'],
    ['연락은 010-9876-5432 로 주세요', '연락은 ▒▒▒ 로 주세요'],
    ['공일공 구팔칠육 오사삼이 문자', '▒▒▒ 문자'],
    ['call +82 10 9876 5432', 'call +▒▒▒'],
  ])('masks %s', (text, delivered) => {
    const result = screenMessage({ text, recentTexts: [] }, known);
    expect(result.deliveredText).toBe(delivered);
    expect(result.masked).toBe(true);
    expect(result.findings.map((finding) => `${finding.code}:${finding.level}`)).toEqual(['KNOWN_FRAUD_IDENTIFIER:CRITICAL']);
  });

  it('asks the registry with the contracts canonical key (digits only, bank not part of it)', () => {
    const asking = registry({});
    screenMessage({ text: '국민은행 123456-78-901234', recentTexts: [] }, asking);
    expect(asking.asked).toContain('payment-identifier:BANK_ACCOUNT:12345678901234');
  });

  it('finds a known account even without any bank or payment word', () => {
    const result = screenMessage({ text: '12345678901234', recentTexts: [] }, known);
    expect(result.findings.map((finding) => finding.code)).toEqual(['KNOWN_FRAUD_IDENTIFIER']);
  });

  it('leaves an identifier the registry does not know unmasked', () => {
    const result = screenMessage({ text: '국민 111122223333 으로 선입금', recentTexts: [] }, known);
    expect(result.masked).toBe(false);
    expect(result.deliveredText).toBe('국민 111122223333 으로 선입금');
  });
});

describe('honest numbers are not identifiers', () => {
  it.each([
    '내일 7시에 합정역에서 뵐게요',
    '3만원에 가능할까요?',
    '택배비 포함 25,000원이에요',
    '사진 더 보내주실 수 있나요',
    '아이폰 13 128GB 팝니다',
    '갤럭시 S23 울트라 256GB',
    '갤럭시 SM-S918N 모델이에요',
    'RTX 3080 10GB 그래픽카드',
    '맥북 프로 2021 M1 16 512 입니다',
    '2026.12.05 14:30 에 입금 확인할게요',
    '2026-12-05 오후 3:00 강남역',
    '12월 24일 저녁 6시 반 가능해요',
    '1,500,000원에 올렸는데 1,450,000원까지 가능해요',
    '150만원 입금 가능하세요?',
    '운송장번호 6012 3456 7890 입니다. 입금 확인했어요',
    'CJ택배 송장 5123-4567-8901 보냈어요 입금 감사합니다',
    '사이즈 95 100 105 다 있어요',
    'https://m.bunjang.co.kr/products/016585441 이 상품 아직 있나요? 입금은 안전결제로',
    'bunjang.co.kr/products/0101234567 이거 계좌 말고 안전결제 되죠?',
    '운송장번호 8218 7301 6359 입니다',
    '주문 9876543 이 건 이체 완료',
    '12/25 이체 예정, 2회 분할 50000 50000',
    '계좌이체로 300000 200000 나눠서 보낼게요',
    '이 가격에 이거 사고 싶어요',
    '오늘 일 끝나고 사러 갈게요',
    '일이 있어서 삼일 뒤에 가능해요',
    '구매하고 싶은데 사이즈 이거 맞나요',
    '영수증 있어요 이사 가서 팔아요',
    '공구 세트 일괄 구만원',
    '3시 30분에 2번 출구에서 봬요',
    '에어팟 프로 2세대 미개봉 20만원',
    '전화번호는 앱에서 안심번호로 연락 주세요',
    'IMEI 356789012345678 정상 기기입니다 계좌 말고 안전결제로 할게요',
    'Can we meet at Gangnam station at 7:30?',
    'Would you take 30,000 won?',
    'iPhone 13 128GB, battery 89%',
    'Galaxy S23 Ultra, model SM-S918N',
  ])('%s', (text) => {
    expect(codesOf(text)).toEqual([]);
  });
});

describe('a message made of hundreds of numbers', () => {
  it('is screened within a bounded number of registry questions and still finds an identifier up front', () => {
    const asking = registry({ accounts: ['12345678901234'] });
    const flood = Array.from({ length: 600 }, (_, i) => String(1000 + i)).join(' ');
    const result = screenMessage({ text: `국민 123456-78-901234 선입금 ${flood}`, recentTexts: [] }, asking);
    expect(result.findings[0]).toMatchObject({ code: 'KNOWN_FRAUD_IDENTIFIER', level: 'CRITICAL' });
    expect(asking.asked.length).toBeLessThanOrEqual(800);
  });
});
