// Rules over clusters of linked accounts (src/clusters/): a returning banned member and an account
// linked to a confirmed fraudster. The facts come from the cluster checks only (accountLink), never
// from an activity a member reports. The alert names how the accounts are linked (device, phone,
// payment identifier), never the other account nor the value: it goes to ADMINs and the subject only.
import type { LocalizedText } from '@anshim/platform';
import type { LinkKind } from '../clusters/cluster-limits.ts';
import type { Rule } from './types.ts';

const KIND_WORDS: Record<LinkKind, LocalizedText> = {
  DEVICE: { ko: '같은 기기', en: 'the same device' },
  PHONE: { ko: '같은 전화번호', en: 'the same phone number' },
  PAYMENT_IDENTIFIER: { ko: '채팅에 쓴 같은 계좌·결제 번호', en: 'the same bank account or payment number written in chat' },
};

/** "같은 기기·같은 전화번호" / "the same device and the same phone number". */
export function linkKindsText(kinds: readonly LinkKind[]): LocalizedText {
  const words = (kinds.length > 0 ? kinds : (['DEVICE'] as LinkKind[])).map((kind) => KIND_WORDS[kind]);
  const en = words.map((w) => w.en);
  return {
    ko: words.map((w) => w.ko).join('·'),
    en: en.length <= 2 ? en.join(' and ') : `${en.slice(0, -1).join(', ')} and ${en.at(-1)}`,
  };
}

/**
 * Sign-up, sign-in or phone verification with a device id or phone that a BANNED account holds
 * (and that is not a hub, cluster-limits.ts). CRITICAL: the automatic actions hold the account's
 * trades and ask for ID-card verification before anyone loses money to the same person again.
 */
export const RETURNING_BANNED_MEMBER: Rule = {
  code: 'RETURNING_BANNED_MEMBER',
  level: 'CRITICAL',
  message: {
    ko: '영구 정지된 계정이 쓰던 기기나 전화번호로 가입하거나 로그인했어요. 정지된 회원이 새 계정으로 돌아왔을 수 있어요.',
    en: 'This account signed up or signed in with a device or phone number that a banned account used. The banned member may be back under a new account.',
  },
  signalHours: 30 * 24,
  recipients: 'none',
  matches: ({ activity, accountLink }) =>
    activity.type === 'ACCOUNT_LINKED' && accountLink?.toBannedAccount === true && accountLink.hops === 1 && accountLink.kinds.some((kind) => kind !== 'PAYMENT_IDENTIFIER'),
};

/** One or more hops from a banned or confirmed fraud account in its cluster. HIGH: a review, not a verdict. */
export const LINKED_TO_CONFIRMED_FRAUD: Rule = {
  code: 'LINKED_TO_CONFIRMED_FRAUD',
  level: 'HIGH',
  message: {
    ko: '사기로 확인된 계정과 기기·전화번호·결제 번호로 연결된 계정이에요. 같은 사람이 여러 계정을 쓰는지 확인이 필요해요.',
    en: 'This account is linked to an account confirmed as fraud through a shared device, phone number or payment number. Check whether one person runs both.',
  },
  signalHours: 30 * 24,
  recipients: 'none',
  matches: ({ activity, accountLink }) => activity.type === 'ACCOUNT_LINKED' && accountLink != null && !RETURNING_BANNED_MEMBER.matches({ activity, accountLink, allowedDomains: [] }),
};

/** The rule a link calls for, its message naming the kinds of link and (for a cluster) the hops. */
export function accountLinkRule(link: { kinds: readonly LinkKind[]; hops: number; toBannedAccount: boolean }): Rule {
  const how = linkKindsText(link.kinds);
  const returning = link.toBannedAccount && link.hops === 1 && link.kinds.some((kind) => kind !== 'PAYMENT_IDENTIFIER');
  if (returning) {
    const direct = linkKindsText(link.kinds.filter((kind) => kind !== 'PAYMENT_IDENTIFIER'));
    return {
      ...RETURNING_BANNED_MEMBER,
      message: {
        ko: `영구 정지된 계정이 쓰던 것과 ${direct.ko}로 가입하거나 로그인했어요. 정지된 회원이 새 계정으로 돌아왔을 수 있어요.`,
        en: `This account signed up or signed in with ${direct.en} as a banned account. The banned member may be back under a new account.`,
      },
    };
  }
  const steps = link.hops === 1 ? { ko: '직접', en: 'directly' } : { ko: `${link.hops}단계를 거쳐`, en: `${link.hops} steps away` };
  return {
    ...LINKED_TO_CONFIRMED_FRAUD,
    message: {
      ko: `사기로 확인된 계정과 ${how.ko}로 ${steps.ko} 연결된 계정이에요. 같은 사람이 여러 계정을 쓰는지 확인이 필요해요.`,
      en: `This account is linked ${steps.en} to an account confirmed as fraud through ${how.en}. Check whether one person runs both.`,
    },
  };
}
