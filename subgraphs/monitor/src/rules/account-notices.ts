// Not rules over activity: notices to the people a user recently dealt with when that user is
// banned or suspended (user.status_changed). They warn the counterparts only; the subject gets no
// risk signal (the sanction itself already sets their safety grade).
import type { LocalizedText } from '@anshim/platform';
import type { RiskLevel } from '../model.ts';

export interface AccountNotice {
  code: string;
  level: Exclude<RiskLevel, 'NONE'>;
  message: LocalizedText;
}

/** Counterparts from this far back are warned. */
export const CONTACT_LOOKBACK_DAYS = 30;

export const ACCOUNT_NOTICES: Record<'BANNED' | 'SUSPENDED', AccountNotice> = {
  BANNED: {
    code: 'COUNTERPART_BANNED',
    level: 'HIGH',
    message: {
      ko: '최근 대화하거나 거래한 상대의 계정이 사기 등으로 영구 정지되었어요. 돈을 보내지 말고 진행 중인 거래는 취소하세요. 이미 돈을 보냈다면 신고해 주세요.',
      en: 'Someone you recently talked to or traded with has been banned, for example for fraud. Do not send them money and cancel any trade in progress. If you already paid, please file a report.',
    },
  },
  SUSPENDED: {
    code: 'COUNTERPART_SUSPENDED',
    level: 'MEDIUM',
    message: {
      ko: '최근 대화하거나 거래한 상대의 계정이 이용 정지되었어요. 정지가 끝날 때까지 거래할 수 없어요. 앱 밖에서 돈을 보내자는 연락에는 응하지 마세요.',
      en: 'Someone you recently talked to or traded with has been suspended and cannot trade until it ends. Do not answer requests to pay outside the app.',
    },
  },
};
