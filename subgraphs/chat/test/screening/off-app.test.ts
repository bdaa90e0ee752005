import { describe, expect, it } from 'vitest';
import { screenMessage } from '../../src/screening/screen.ts';
import { nobody } from './support.ts';

const codes = (text: string) => screenMessage({ text, recentTexts: [] }, nobody).findings.map((finding) => `${finding.code}:${finding.level}`);

describe('moving the deal to a messenger (Korean)', () => {
  it.each([
    '카톡 아이디 알려드릴게요 거기서 얘기해요',
    '카톡으로 연락주세요',
    '카 톡 주세요',
    '카카오톡 아이디 deal123 입니다',
    '오픈채팅으로 오세요',
    '오픈 채팅방 링크 드릴게요',
    'open.kakao.com/o/abcdef 로 들어오세요',
    '텔레그램으로 얘기해요',
    '텔.레.그.램 @deal_fast',
    '텔레 아이디 알려드릴게요',
    '라인 아이디 있으세요?',
    '위챗으로 연락 가능하세요?',
  ])('%s', (text) => {
    expect(codes(text)).toEqual(['OFF_APP_CONTACT:MEDIUM']);
  });
});

describe('moving the deal to a messenger (English)', () => {
  it.each([
    'add me on telegram @deal_fast',
    'Telegram: @deal_fast',
    'message me on WhatsApp',
    'my kakao id is deal123',
    'KakaoTalk me, faster there',
    'line id: seller77',
    'join t.me/deal_fast',
    'wa.me/821012345678',
  ])('%s', (text) => {
    expect(codes(text)).toContain('OFF_APP_CONTACT:MEDIUM');
  });

  it('is not masked: the recipient is warned, the text is delivered as written', () => {
    const result = screenMessage({ text: 'add me on telegram @deal_fast', recentTexts: [] }, nobody);
    expect(result.masked).toBe(false);
    expect(result.deliveredText).toBe('add me on telegram @deal_fast');
    expect(result.findings).toEqual([{ code: 'OFF_APP_CONTACT', level: 'MEDIUM' }]);
  });
});

describe('everyday words that only look like a messenger', () => {
  it.each([
    '온라인으로 주문한 거예요',
    '텔레비전 받침대도 같이 드려요',
    '라인이 예쁜 원피스예요',
    '카카오페이로 결제 가능한가요? 아니면 안전결제요',
    '카카오뱅크 앱에서 본인인증 했어요',
    'I bought it online, identity verified',
    'The telephone case is included',
    'Can you ship it by Monday?',
  ])('%s', (text) => {
    expect(codes(text)).toEqual([]);
  });
});
