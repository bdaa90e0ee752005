import { describe, expect, it } from 'vitest';
import { screenMessage } from '../../src/screening/screen.ts';
import { imitatesBrand } from '../../src/screening/links.ts';
import { nobody } from './support.ts';

const screen = (text: string, allowedLinkDomains?: string[]) => screenMessage({ text, recentTexts: [] }, nobody, { allowedLinkDomains });

describe('lookalike links of safe-payment and marketplace sites', () => {
  it.each([
    ['naverpay-safe.com 에서 안전결제 하세요', '▒▒▒ 에서 안전결제 하세요'],
    ['안전결제 링크: https://naverpay-safe.com/order/123', '안전결제 링크: ▒▒▒'],
    ['kakaopay.co/pay?id=1 로 결제해주세요', '▒▒▒ 로 결제해주세요'],
    ['kakaopay.com.secure-check.net 들어가세요', '▒▒▒ 들어가세요'],
    ['http://pay.naver.com.order-safe.xyz/checkout', '▒▒▒'],
    ['https://pay.naver.com@evil.io/checkout 결제', '▒▒▒ 결제'],
    ['toss-pay.net 으로 송금', '▒▒▒ 으로 송금'],
    ['t0ss.im.safe.kr 확인', '▒▒▒ 확인'],
    ['www.bunjang-safe.shop 에서 번개페이로', '▒▒▒ 에서 번개페이로'],
    ['bunjang.com/pay 여기요', '▒▒▒ 여기요'],
    ['bunjnag.co.kr 안전결제', '▒▒▒ 안전결제'],
    ['joongna-pay.com 으로 오세요', '▒▒▒ 으로 오세요'],
    ['joonnga.com 결제', '▒▒▒ 결제'],
    ['daangn-pay.kr 로 결제하면 돼요', '▒▒▒ 로 결제하면 돼요'],
    ['daagn.com 당근페이', '▒▒▒ 당근페이'],
    ['navcrpay.com', '▒▒▒'],
    ['nаverpay.com (Cyrillic a)', '▒▒▒ (Cyrillic a)'],
    ['http://xn--nver-qoa.com 결제 (nåver)', '▒▒▒ 결제 (nåver)'],
    ['xn--nver-53d.com/pay (Cyrillic a, punycode)', '▒▒▒ (Cyrillic a, punycode)'],
    ['ｎａｖｅｒｐａｙ.ｃｏｍ 로 오세요', '▒▒▒ 로 오세요'],
    ['naverpay-safe[.]com 복붙하세요', '▒▒▒ 복붙하세요'],
    ['anshim-pay.com 안심결제 페이지예요', '▒▒▒ 안심결제 페이지예요'],
    ['네이버페이.com 으로 결제', '▒▒▒ 으로 결제'],
    ['pay this on kakaopay-secure.net please', 'pay this on ▒▒▒ please'],
  ])('%s', (text, delivered) => {
    const result = screen(text);
    expect(result.findings.map((finding) => `${finding.code}:${finding.level}`)).toContain('LOOKALIKE_LINK:HIGH');
    expect(result.deliveredText).toBe(delivered);
    expect(result.masked).toBe(true);
  });

  it('gives the span of the link in the message', () => {
    const result = screen('결제는 kakaopay.co 에서');
    expect(result.findings).toEqual([{ code: 'LOOKALIKE_LINK', level: 'HIGH', span: { start: 4, end: 15 } }]);
  });
});

describe('the real sites are allowed', () => {
  it.each([
    'https://pay.naver.com/order/123 에서 결제했어요',
    'naver.com 검색해보세요',
    'https://m.blog.naver.com/some-post 참고하세요',
    'naver.me/xyz 링크요',
    'https://kakaopay.com 안내',
    'www.kakaocorp.com',
    'https://toss.im/transfer',
    'https://m.bunjang.co.kr/products/12345 이 상품이요',
    'bunjang.co.kr',
    'https://web.joongna.com/product/123',
    'https://www.daangn.com/articles/123 이거요',
    'https://anshim.kr/help/safe-payment 참고',
    'my email is seller@naver.com',
    'https://www.coupang.com/vp/products/1 정가 비교',
    'google.com 에서 찾아보세요',
    'youtube.com/watch?v=abc 리뷰 영상',
    '네. 감사합니다. 내일 봬요.',
    '가격은 3.5만원이에요. 네고 가능',
    'OK. Thanks. See you tomorrow.',
  ])('%s', (text) => {
    const result = screen(text);
    expect(result.findings.filter((finding) => finding.code === 'LOOKALIKE_LINK')).toEqual([]);
    expect(result.deliveredText).toBe(text);
  });

  it('takes the allow-list the chat service passes', () => {
    expect(screen('https://naverpay-partner.com 공식').findings).toHaveLength(1);
    expect(screen('https://naverpay-partner.com 공식', ['naverpay-partner.com']).findings).toEqual([]);
  });
});

describe('what counts as imitating a brand', () => {
  it.each([
    ['naverpay-safe.com', true],
    ['kakaopay.co', true],
    ['tosspay.xyz', true],
    ['bunjang.shop', true],
    ['junggonara.net', true],
    ['danggeun-market.com', true],
    ['parrot.com', false],
    ['bungee.com', false],
    ['never.com', false],
    ['example.com', false],
    ['coupang.com', false],
  ])('%s → %s', (host, expected) => {
    expect(imitatesBrand(host)).toBe(expected);
  });
});
