// The safety score model (ARCHITECTURE §6): a pure function from one user's factor inputs to a
// value, a grade, the factors that explain it and the badges a display shows. Deterministic: the
// same inputs and the same `now` always give the same score. Every weight lives in WEIGHTS; change
// them here, with evidence, and bump RULE_VERSION.
import { catalogue, type LocalizedText } from '@anshim/platform';
import { combinedReportWeight, REPORT_WEIGHTING } from '@anshim/contracts';
import data from './factor-names.json' with { type: 'json' };

export const RULE_VERSION = '2026-12.2';

export const SAFETY_GRADES = ['VERY_SAFE', 'SAFE', 'NORMAL', 'CAUTION', 'DANGER'] as const;
export type SafetyGrade = (typeof SAFETY_GRADES)[number];
export type VerificationMethod = 'EMAIL' | 'SMS' | 'ID_CARD' | 'OAUTH';
export type ReportType = 'FRAUD' | 'NO_SHOW' | 'COUNTERFEIT' | 'ABUSIVE_LANGUAGE' | 'HARASSMENT' | 'OFF_PLATFORM_PAYMENT' | 'OTHER';
export type ReportState = 'PENDING' | 'ACCEPTED' | 'DISMISSED';
export type SanctionType = 'WARNING' | 'SUSPENSION' | 'BAN';
export type RiskLevel = 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export type AccountStatus = 'ACTIVE' | 'SUSPENDED' | 'BANNED';

const DAY_MS = 86_400_000;

/** Every weight of the model, in one table. */
export const WEIGHTS = {
  base: 50,
  verification: { EMAIL: 5, SMS: 10, ID_CARD: 15, OAUTH: 5 } satisfies Record<VerificationMethod, number>,
  /** Profile completeness 0-100 maps linearly to 0..max. */
  profileMax: 5,
  accountAge: { max: 10, fullDays: 180 },
  /**
   * max · (1 − e^(−n/scale)) · quality; quality from the average stars received (1★ → min, 5★ → 1).
   * n counts a trade completed through safe payment (the money released from escrow to the seller)
   * as escrowWeight trades: the platform saw the money move and the buyer accept the item, where a
   * trade completed without it is only the two parties' word. The max stays the max.
   */
  trades: { max: 20, scale: 10, minQuality: 0.4, unratedQuality: 0.8, escrowWeight: 1.5 },
  cancellation: { each: -2, windowDays: 90 },
  dispute: { each: -5, windowDays: 90 },
  /** Reports that led to action, at full weight when filed today, halving every halfLifeDays. */
  acceptedReport: {
    FRAUD: -30,
    COUNTERFEIT: -20,
    HARASSMENT: -20,
    OFF_PLATFORM_PAYMENT: -15,
    ABUSIVE_LANGUAGE: -10,
    NO_SHOW: -5,
    OTHER: -5,
  } satisfies Record<ReportType, number>,
  reportHalfLifeDays: 180,
  /**
   * Unconfirmed reports: a little per full-weight reporter, capped, so report bombing cannot sink
   * anyone. Each reporter weighs by who they are (packages/contracts/src/reporter-trust.ts, the one
   * table): throwaway accounts with no dealings together weigh at most half a credible reporter,
   * and below `countsFrom` combined the reports count nothing (and name nothing).
   */
  pendingReports: { eachReporter: -1, max: -5, windowDays: 30, countsFrom: REPORT_WEIGHTING.pendingCountsFrom },
  risk: { HIGH: -20, MEDIUM: -10 },
  /** Highest value allowed while the condition holds. */
  caps: { SUSPENSION: 39, BAN: 10, CRITICAL_RISK: 19 },
  grades: { VERY_SAFE: 80, SAFE: 60, NORMAL: 40, CAUTION: 20 },
  badges: { tradesMany: 10, tradesLots: 50, highlyRatedAverage: 4.5, highlyRatedMinRatings: 5, newMemberDays: 7, noReportsMinTrades: 3, noReportsMinDays: 30 },
} as const;

export interface ReportInput {
  type: ReportType;
  state: ReportState;
  filedAt: Date;
  reporterId: string;
  /** What the report weighs while pending (reporter-trust.ts); 1 = a fully trusted reporter. */
  reporterWeight: number;
}

export interface SanctionInput {
  type: SanctionType;
  startsAt: Date;
  endsAt: Date | null;
  endedAt: Date | null;
}

export interface RiskSignalInput {
  level: RiskLevel;
  detectedAt: Date;
  expiresAt: Date | null;
}

/** One user's factor inputs, as the safety service's projection keeps them. */
export interface ScoreInputs {
  registeredAt: Date | null;
  verifiedMethods: readonly VerificationMethod[];
  /** 0-100, as the user service computes it. */
  profileCompleteness: number;
  completedTrades: number;
  /** Of completedTrades, those paid through safe payment and released from escrow (payment.released). */
  escrowTrades: number;
  ratingCount: number;
  /** Average stars received, null without ratings. */
  ratingAverage: number | null;
  /** When this user cancelled a trade. */
  cancellations: readonly Date[];
  /** When the other party disputed a trade with this user. */
  disputes: readonly Date[];
  reports: readonly ReportInput[];
  accountStatus: AccountStatus;
  /** End of a SUSPENDED status; null for BANNED or an open-ended suspension. */
  statusUntil: Date | null;
  sanctions: readonly SanctionInput[];
  riskSignals: readonly RiskSignalInput[];
  /** Signals detected before this no longer count (cleared by monitor or an admin). */
  riskClearedAt: Date | null;
}

export const EMPTY_INPUTS: ScoreInputs = {
  registeredAt: null,
  verifiedMethods: [],
  profileCompleteness: 0,
  completedTrades: 0,
  escrowTrades: 0,
  ratingCount: 0,
  ratingAverage: null,
  cancellations: [],
  disputes: [],
  reports: [],
  accountStatus: 'ACTIVE',
  statusUntil: null,
  sanctions: [],
  riskSignals: [],
  riskClearedAt: null,
};

export interface Factor {
  code: string;
  /** Signed points, one decimal. */
  contribution: number;
  description: LocalizedText;
}

export type BadgeCode = 'IDENTITY_VERIFIED' | 'TRADES_10' | 'TRADES_50' | 'HIGHLY_RATED' | 'NO_REPORTS' | 'NEW_MEMBER' | 'RESTRICTED';

export interface ScoreResult {
  value: number;
  grade: SafetyGrade;
  factors: Factor[];
  badges: BadgeCode[];
  ruleVersion: string;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));
const daysBetween = (from: Date, to: Date) => Math.max(0, (to.getTime() - from.getTime()) / DAY_MS);
const withinDays = (at: Date, now: Date, days: number) => at.getTime() <= now.getTime() && now.getTime() - at.getTime() <= days * DAY_MS;

export function gradeOf(value: number): SafetyGrade {
  const g = WEIGHTS.grades;
  if (value >= g.VERY_SAFE) return 'VERY_SAFE';
  if (value >= g.SAFE) return 'SAFE';
  if (value >= g.NORMAL) return 'NORMAL';
  if (value >= g.CAUTION) return 'CAUTION';
  return 'DANGER';
}

/** Weight of an accepted report filed `ageDays` ago: 1 today, ½ after one half-life. */
export function reportDecay(ageDays: number): number {
  return 2 ** (-Math.max(0, ageDays) / WEIGHTS.reportHalfLifeDays);
}

/** How a report type and a verification are named in a factor's description (factor-names.json, as data). */
const texts = catalogue(data, 'subgraphs/safety/src/score/factor-names.json');
const REPORT_NAMES: Record<ReportType, LocalizedText> = texts.REPORT_NAMES;

const VERIFICATION_TEXT: Record<VerificationMethod, LocalizedText> = texts.VERIFICATION_TEXT;

function activeSanctions(inputs: ScoreInputs, now: Date): Set<SanctionType> {
  const active = new Set<SanctionType>();
  for (const s of inputs.sanctions) {
    if (s.endedAt && s.endedAt.getTime() <= now.getTime()) continue;
    if (s.startsAt.getTime() > now.getTime()) continue;
    if (s.endsAt && s.endsAt.getTime() <= now.getTime()) continue;
    active.add(s.type);
  }
  if (inputs.accountStatus === 'BANNED') active.add('BAN');
  if (inputs.accountStatus === 'SUSPENDED' && (!inputs.statusUntil || inputs.statusUntil.getTime() > now.getTime())) active.add('SUSPENSION');
  return active;
}

/** The strongest risk signal still in force: not cleared, not expired. */
export function currentRisk(inputs: Pick<ScoreInputs, 'riskSignals' | 'riskClearedAt'>, now: Date): RiskLevel {
  const order: RiskLevel[] = ['NONE', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
  let level: RiskLevel = 'NONE';
  for (const signal of inputs.riskSignals) {
    if (inputs.riskClearedAt && signal.detectedAt.getTime() <= inputs.riskClearedAt.getTime()) continue;
    if (signal.expiresAt && signal.expiresAt.getTime() <= now.getTime()) continue;
    if (signal.detectedAt.getTime() > now.getTime()) continue;
    if (order.indexOf(signal.level) > order.indexOf(level)) level = signal.level;
  }
  return level;
}

/** Computes a user's score at `now`. Pure: no I/O, no clock. */
export function calculateSafetyScore(inputs: ScoreInputs, now: Date): ScoreResult {
  const w = WEIGHTS;
  const factors: Factor[] = [
    { code: 'BASE', contribution: w.base, description: { ko: '모든 회원은 50점에서 시작합니다.', en: 'Every member starts at 50 points.' } },
  ];
  const add = (code: string, contribution: number, description: LocalizedText) => {
    const rounded = round1(contribution);
    if (rounded !== 0) factors.push({ code, contribution: rounded, description });
  };

  // Verification
  const methods = new Set(inputs.verifiedMethods);
  for (const method of ['ID_CARD', 'SMS', 'EMAIL', 'OAUTH'] as const) {
    if (methods.has(method)) add(`${method === 'SMS' ? 'PHONE' : method}_VERIFIED`, w.verification[method], VERIFICATION_TEXT[method]);
  }
  if (methods.size === 0) {
    factors.push({ code: 'NOT_VERIFIED', contribution: 0, description: { ko: '아직 본인인증을 하지 않았습니다. 인증하면 점수가 올라갑니다.', en: 'Not verified yet; verifying raises the score.' } });
  }

  // Profile and account age
  const completeness = clamp(Math.round(inputs.profileCompleteness), 0, 100);
  add('PROFILE_COMPLETE', (w.profileMax * completeness) / 100, { ko: `프로필을 ${completeness}% 채웠습니다.`, en: `Profile ${completeness}% complete.` });
  const ageDays = inputs.registeredAt ? Math.floor(daysBetween(inputs.registeredAt, now)) : 0;
  const ageContribution = (w.accountAge.max * Math.min(ageDays, w.accountAge.fullDays)) / w.accountAge.fullDays;
  if (round1(ageContribution) !== 0) {
    add('ACCOUNT_AGE', ageContribution, ageDays >= w.accountAge.fullDays
      ? { ko: `가입한 지 ${ageDays}일 된 회원입니다.`, en: `A member for ${ageDays} days.` }
      : { ko: `가입한 지 ${ageDays}일 되었습니다. 오래될수록 점수가 올라갑니다.`, en: `A member for ${ageDays} days; this counts more over time.` });
  } else {
    factors.push({ code: 'NEW_ACCOUNT', contribution: 0, description: { ko: '최근에 가입한 회원입니다.', en: 'Joined recently.' } });
  }

  // Trades
  if (inputs.completedTrades > 0) {
    const quality = inputs.ratingCount > 0 && inputs.ratingAverage !== null
      ? w.trades.minQuality + ((1 - w.trades.minQuality) * (clamp(inputs.ratingAverage, 1, 5) - 1)) / 4
      : w.trades.unratedQuality;
    const n = inputs.completedTrades;
    const escrow = clamp(inputs.escrowTrades, 0, n);
    const weighted = n + (w.trades.escrowWeight - 1) * escrow;
    const amount = w.trades.max * (1 - Math.exp(-weighted / w.trades.scale)) * quality;
    const rating = inputs.ratingCount > 0 && inputs.ratingAverage !== null ? inputs.ratingAverage.toFixed(1) : null;
    const safe: LocalizedText = escrow > 0
      ? { ko: ` 그중 ${escrow}건은 안전결제로 마쳐 더 크게 반영됩니다.`, en: ` ${escrow} of them through safe payment, which counts more.` }
      : { ko: '', en: '' };
    add('COMPLETED_TRADES', amount, rating
      ? { ko: `거래 ${n}건을 마쳤고 받은 별점은 평균 ${rating}점입니다.${safe.ko}`, en: `${n} completed trade${n === 1 ? '' : 's'}, rated ${rating} stars on average.${safe.en}` }
      : { ko: `거래 ${n}건을 마쳤습니다.${safe.ko}`, en: `${n} completed trade${n === 1 ? '' : 's'}.${safe.en}` });
  }
  const cancellations = inputs.cancellations.filter((at) => withinDays(at, now, w.cancellation.windowDays)).length;
  add('CANCELLATIONS', cancellations * w.cancellation.each, { ko: `최근 90일 동안 거래를 ${cancellations}번 취소했습니다.`, en: `Cancelled ${cancellations} trade${cancellations === 1 ? '' : 's'} in the last 90 days.` });
  const disputes = inputs.disputes.filter((at) => withinDays(at, now, w.dispute.windowDays)).length;
  add('DISPUTES', disputes * w.dispute.each, { ko: `최근 90일 동안 거래 상대가 ${disputes}번 분쟁을 제기했습니다.`, en: `The other party disputed ${disputes} trade${disputes === 1 ? '' : 's'} in the last 90 days.` });

  // Reports
  const acceptedByType = new Map<ReportType, { count: number; points: number }>();
  const pending: Array<{ reporterId: string; weight: number }> = [];
  for (const report of inputs.reports) {
    if (report.state === 'ACCEPTED') {
      const entry = acceptedByType.get(report.type) ?? { count: 0, points: 0 };
      entry.count++;
      entry.points += w.acceptedReport[report.type] * reportDecay(daysBetween(report.filedAt, now));
      acceptedByType.set(report.type, entry);
    } else if (report.state === 'PENDING' && withinDays(report.filedAt, now, w.pendingReports.windowDays)) {
      pending.push({ reporterId: report.reporterId, weight: report.reporterWeight });
    }
  }
  for (const type of Object.keys(w.acceptedReport) as ReportType[]) {
    const entry = acceptedByType.get(type);
    if (!entry) continue;
    const name = REPORT_NAMES[type];
    add(`REPORT_${type}`, entry.points, {
      ko: `${name.ko} 신고가 사실로 확인되었습니다(${entry.count}건). 시간이 지나면 영향이 줄어듭니다.`,
      en: `${entry.count} confirmed report${entry.count === 1 ? '' : 's'} of ${name.en}; the effect fades over time.`,
    });
  }
  const pendingWeight = combinedReportWeight(pending);
  if (pendingWeight >= w.pendingReports.countsFrom) {
    const n = new Set(pending.map((report) => report.reporterId)).size;
    add('PENDING_REPORTS', Math.max(w.pendingReports.max, pendingWeight * w.pendingReports.eachReporter), {
      ko: `검토 중인 신고가 있습니다(${n}명). 아직 확인되지 않았고, 신고한 사람의 인증과 거래 이력에 따라 영향은 작습니다.`,
      en: `Reported by ${n} ${n === 1 ? 'person' : 'people'}, still under review; unconfirmed reports count only a little, weighed by who filed them.`,
    });
  }

  // Monitor risk (CRITICAL is a cap, below)
  const risk = currentRisk(inputs, now);
  if (risk === 'HIGH') add('RISK_HIGH', w.risk.HIGH, { ko: '최근 사기로 의심되는 활동이 감지되었습니다.', en: 'Activity that looks like fraud was detected recently.' });
  if (risk === 'MEDIUM') add('RISK_MEDIUM', w.risk.MEDIUM, { ko: '최근 주의가 필요한 활동이 감지되었습니다.', en: 'Activity that needs caution was detected recently.' });

  // Sum, clamp, caps
  const sum = factors.reduce((total, f) => total + f.contribution, 0);
  let value = clamp(sum, 0, 100);
  if (value !== sum) {
    factors.push({ code: 'RANGE_LIMIT', contribution: round1(value - sum), description: { ko: '점수는 0점에서 100점 사이입니다.', en: 'The score stays between 0 and 100.' } });
  }
  const sanctions = activeSanctions(inputs, now);
  const cap = (code: string, limit: number, description: LocalizedText) => {
    const capped = Math.min(value, limit);
    factors.push({ code, contribution: round1(capped - value), description });
    value = capped;
  };
  if (sanctions.has('BAN')) {
    cap('BAN_CAP', w.caps.BAN, { ko: '이용이 정지된 계정입니다. 거래하지 마세요.', en: 'This account is banned. Do not trade with it.' });
  } else if (sanctions.has('SUSPENSION')) {
    cap('SUSPENSION_CAP', w.caps.SUSPENSION, { ko: '일시 이용 정지 중인 계정이라 정지가 끝날 때까지 "주의" 등급을 넘을 수 없습니다.', en: 'Suspended for now, so the grade stays at "Caution" or below until the suspension ends.' });
  }
  if (risk === 'CRITICAL') {
    cap('RISK_CRITICAL_CAP', w.caps.CRITICAL_RISK, { ko: '심각한 사기 위험이 감지되어, 확인이 끝날 때까지 "위험" 등급입니다.', en: 'A serious fraud risk was detected; the grade is "Danger" until it is cleared.' });
  }

  value = round1(value);
  return { value, grade: gradeOf(value), factors, badges: badgesOf(inputs, now, { ageDays, sanctions, acceptedReports: acceptedByType.size > 0 }), ruleVersion: RULE_VERSION };
}

function badgesOf(
  inputs: ScoreInputs,
  now: Date,
  facts: { ageDays: number; sanctions: Set<SanctionType>; acceptedReports: boolean },
): BadgeCode[] {
  const b = WEIGHTS.badges;
  const badges: BadgeCode[] = [];
  if (facts.sanctions.has('BAN') || facts.sanctions.has('SUSPENSION')) badges.push('RESTRICTED');
  if (inputs.verifiedMethods.includes('ID_CARD') || inputs.verifiedMethods.includes('SMS')) badges.push('IDENTITY_VERIFIED');
  if (inputs.completedTrades >= b.tradesLots) badges.push('TRADES_50');
  else if (inputs.completedTrades >= b.tradesMany) badges.push('TRADES_10');
  if (inputs.ratingCount >= b.highlyRatedMinRatings && (inputs.ratingAverage ?? 0) >= b.highlyRatedAverage) badges.push('HIGHLY_RATED');
  // "No reports" means something only once there was a chance to be reported.
  if (!facts.acceptedReports && (inputs.completedTrades >= b.noReportsMinTrades || facts.ageDays >= b.noReportsMinDays)) badges.push('NO_REPORTS');
  if (inputs.registeredAt && facts.ageDays < b.newMemberDays && inputs.registeredAt.getTime() <= now.getTime()) badges.push('NEW_MEMBER');
  return badges;
}

/**
 * The next instant after `now` at which a time-bound input stops (or starts) counting: a risk
 * signal expiring, a sanction or suspension ending. The workers schedule a recalculation then, so
 * a score recovers on time instead of at the next nightly batch. null when nothing is pending.
 */
export function nextChangeAt(inputs: ScoreInputs, now: Date): Date | null {
  const t = now.getTime();
  const candidates: number[] = [];
  for (const s of inputs.riskSignals) if (s.expiresAt) candidates.push(s.expiresAt.getTime());
  for (const s of inputs.sanctions) {
    if (s.endedAt) continue;
    candidates.push(s.startsAt.getTime());
    if (s.endsAt) candidates.push(s.endsAt.getTime());
  }
  if (inputs.accountStatus === 'SUSPENDED' && inputs.statusUntil) candidates.push(inputs.statusUntil.getTime());
  const next = candidates.filter((c) => c > t).sort((a, b) => a - b)[0];
  return next === undefined ? null : new Date(next);
}
