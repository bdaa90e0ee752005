// Who sees which part of a report. The reported member must never learn who reported them, and an
// admin's internal note is for admins only. The rules, per viewer of a report they may open:
// - ADMIN: everything as stored.
// - the reporter: their report, evidence, the product and trade they named, and a plain outcome
//   sentence instead of the admin's internal resolution.
// - the reported member (target): type, status, dates, sanction and the plain outcome; NOT the
//   reporter, the evidence, the reporter's own words, nor the product or trade. A trade has exactly
//   two parties and the filing rules only accept a trade between the reporter and the target, so
//   showing it (or the listing it was about) to the target would name the reporter every time.
// A PAYMENT_DISPUTE report's payment is hidden from the target like its trade; its `origin` is not:
// the seller's own payment already shows them it is DISPUTED, so the origin tells them nothing new.
// Sanctions are public (activeSanction): their reason is the admin's separate public reason or a
// standard sentence per sanction type, never the internal resolution. Pure: no I/O.
import type { Identity, Locale, LocalizedText } from '@anshim/platform';
import type { ReportStatus, SanctionType } from '../model.ts';
import type { ReportRecord, SanctionRecord } from './report-repository.ts';

export type ReportViewer = 'ADMIN' | 'REPORTER' | 'TARGET' | 'NONE';

export function viewerOf(identity: Identity | null, report: Pick<ReportRecord, 'reporterId' | 'targetUserId'>): ReportViewer {
  if (!identity) return 'NONE';
  if (identity.role === 'ADMIN') return 'ADMIN';
  if (identity.userId === report.reporterId) return 'REPORTER';
  if (identity.userId === report.targetUserId) return 'TARGET';
  return 'NONE';
}

/** May open the report at all (report(id), _entities, reportsAgainst for the target themself). */
export function maySee(identity: Identity | null, report: Pick<ReportRecord, 'reporterId' | 'targetUserId'>): boolean {
  return viewerOf(identity, report) !== 'NONE';
}

/** The reporter and ADMINs see what was reported and where; the target sees neither product nor trade. */
export function mayKnowWhere(identity: Identity | null, report: Pick<ReportRecord, 'reporterId' | 'targetUserId'>): boolean {
  const viewer = viewerOf(identity, report);
  return viewer === 'ADMIN' || viewer === 'REPORTER';
}

export const HIDDEN_DESCRIPTION: LocalizedText = {
  ko: '신고한 사람을 보호하기 위해 신고 내용은 보여 드리지 않습니다. 검토가 끝나면 결과를 알려 드립니다.',
  en: 'To protect the person who reported, what they wrote is not shown. You will be told the outcome once the review is done.',
};

/** The reporter's own words name places, times and people: for the target, a plain sentence instead. */
export function descriptionFor(identity: Identity | null, report: Pick<ReportRecord, 'reporterId' | 'targetUserId' | 'description'>, locale: Locale): string {
  return viewerOf(identity, report) === 'TARGET' ? HIDDEN_DESCRIPTION[locale] : report.description;
}

export const OUTCOME_TEXT: Partial<Record<ReportStatus, LocalizedText>> = {
  ACTION_TAKEN: {
    ko: '검토 결과 신고 내용이 확인되어 운영 정책에 따라 조치했습니다.',
    en: 'After review, the report was upheld and action was taken under our policies.',
  },
  DISMISSED: {
    ko: '검토 결과 조치할 만한 내용이 확인되지 않아 신고를 종료했습니다.',
    en: 'After review, nothing that calls for action was found, and the report was closed.',
  },
};

/**
 * The admin's resolution is an internal note (it may name people and evidence): ADMINs only. The
 * reporter and the target get a plain outcome once the report is decided, null before.
 */
export function resolutionFor(identity: Identity | null, report: Pick<ReportRecord, 'reporterId' | 'targetUserId' | 'status' | 'resolution'>, locale: Locale): string | null {
  const viewer = viewerOf(identity, report);
  if (viewer === 'ADMIN') return report.resolution;
  if (viewer === 'NONE') return null;
  return OUTCOME_TEXT[report.status]?.[locale] ?? null;
}

/** Shown when the admin wrote no public reason. */
export const STANDARD_SANCTION_REASON: Record<SanctionType, LocalizedText> = {
  WARNING: {
    ko: '신고가 사실로 확인되어 경고를 받은 계정입니다.',
    en: 'This account received a warning after a report was upheld.',
  },
  SUSPENSION: {
    ko: '운영 정책을 어겨 일정 기간 이용이 정지된 계정입니다.',
    en: 'This account is suspended for a while for breaking our policies.',
  },
  BAN: {
    ko: '운영 정책을 심각하게 어겨 이용이 영구 정지된 계정입니다.',
    en: 'This account is permanently banned for serious breaches of our policies.',
  },
};

/** Sanction.reason for everyone: the public reason the admin wrote, or the standard sentence. */
export function publicSanctionReason(sanction: Pick<SanctionRecord, 'type' | 'publicReason'>, locale: Locale): string {
  return sanction.publicReason ?? STANDARD_SANCTION_REASON[sanction.type][locale];
}

/** Who claimed or decided a report is for ADMINs only: a member must not learn which moderator handled them. */
export function reviewerFor(identity: Identity | null, report: Pick<ReportRecord, 'reviewerId'>): { id: string } | null {
  return identity?.role === 'ADMIN' && report.reviewerId ? { id: report.reviewerId } : null;
}
