import { describe, expect, it } from 'vitest';
import { mentionsThreat, priorityOf } from '../src/reports/priority.ts';

describe('report priority', () => {
  it('is URGENT for harassment whatever the words', () => {
    expect(priorityOf('HARASSMENT', '계속 메시지를 보내요 그만하라고 했는데')).toBe('URGENT');
  });

  it.each([
    ['죽여버린다고 문자를 보냈어요'],
    ['거래 취소했더니 집 앞에 찾아가겠다고 합니다'],
    ['칼 들고 기다리겠다고 했습니다'],
    ['가만 안 둬 라고 협박했어요'],
    ['때리겠다고 해서 무서워요'],
    ['He said he would kill me if I did not pay'],
    ['they THREATENED me after the trade'],
  ])('is URGENT for threat words: %s', (text) => {
    expect(mentionsThreat(text)).toBe(true);
    expect(priorityOf('NO_SHOW', text)).toBe('URGENT');
    expect(priorityOf('FRAUD', text)).toBe('URGENT');
  });

  it.each(['FRAUD', 'COUNTERFEIT', 'OFF_PLATFORM_PAYMENT'] as const)('is HIGH for %s', (type) => {
    expect(priorityOf(type, '입금했는데 물건을 보내지 않았어요')).toBe('HIGH');
  });

  it.each(['NO_SHOW', 'ABUSIVE_LANGUAGE', 'OTHER'] as const)('is NORMAL for %s without threat words', (type) => {
    expect(priorityOf(type, '약속 장소에 나오지 않았습니다. 연락도 안 돼요.')).toBe('NORMAL');
  });

  it('does not see threats in ordinary words', () => {
    expect(mentionsThreat('skills are fine, the knitted hat was not as described')).toBe(false);
    expect(mentionsThreat('칼국수 그릇 세트를 샀는데 금이 가 있어요')).toBe(false);
    expect(mentionsThreat('칼로리 계산기를 샀는데 고장났어요')).toBe(false);
    expect(mentionsThreat('물건 찾아가세요 라고 해서 갔는데 안 나왔어요')).toBe(false);
    expect(mentionsThreat('집 앞에서 거래하기로 했는데 오지 않았어요')).toBe(false);
  });
});
