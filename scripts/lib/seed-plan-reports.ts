// Who reports whom and how each report ends.
import type { PlannedProduct, PlannedUser, PlannedReport, Role } from './seed-plan-model.ts';
import { buyersWith, membersWith, scaledCount as count } from './seed-plan-model.ts';
import type { Trades } from './seed-plan-trades.ts';
import type { SeededRandom } from './seed-random.ts';

export function planReports(rnd: SeededRandom, users: PlannedUser[], products: PlannedProduct[], { trades, disputedOfCaution, fraudTrades }: Trades): PlannedReport[] {
  const userCount = users.length;
  const byRole = (role: Role) => membersWith(users, role);
  const buyers = (role: Role) => buyersWith(users, role);
  const fraudsters = byRole('FRAUD');
  const reports: PlannedReport[] = [];
  const report = (r: Omit<PlannedReport, 'index'>) => reports.push({ index: reports.length, ...r });
  /** A report by a trade's buyer about that trade. */
  const reportTrade = (trade: number, target: number, r: Omit<PlannedReport, 'index' | 'reporter' | 'target' | 'product' | 'trade'>) =>
    report({ reporter: trades[trade]!.buyer, target, product: trades[trade]!.product, trade, ...r });
  fraudsters.forEach((fraudster, i) => {
    const { asked, disputed } = fraudTrades.get(fraudster.index)!;
    const banned = i % 2 === 0;
    reportTrade(disputed, fraudster.index, {
      type: 'FRAUD',
      description: `${products[trades[disputed]!.product]!.title} 값으로 국민은행 ${fraudster.account} 계좌에 입금했는데 물건을 보내지 않고 연락이 끊겼어요.`,
      paymentAccount: fraudster.account!,
      outcome: banned ? 'ACTION_TAKEN' : 'IN_REVIEW',
      sanction: banned ? 'BAN' : null,
      sanctionDays: null,
      resolution: banned ? '입금 내역과 대화 기록으로 사기가 확인되어 영구 이용 정지합니다.' : null,
    });
    reportTrade(asked, fraudster.index, {
      type: 'OFF_PLATFORM_PAYMENT', description: '채팅으로 선입금을 요구하고 안심결제라며 이상한 링크를 보냈어요.',
      paymentAccount: null, outcome: 'RECEIVED', sanction: null, sanctionDays: null, resolution: null,
    });
  });
  for (const member of byRole('CAUTION')) {
    const trade = disputedOfCaution.get(member.index);
    if (trade === undefined) continue;
    reportTrade(trade, member.index, {
      type: 'COUNTERFEIT', description: '정품이라고 해서 샀는데 정품 인증에서 가품으로 나왔어요. 환불도 거절했어요.',
      paymentAccount: null, outcome: 'ACTION_TAKEN', sanction: 'SUSPENSION', sanctionDays: 30, resolution: '감정 결과 가품으로 확인되어 30일 이용 정지합니다.',
    });
  }
  // Reporters of the remaining reports: SAFE members who are never sanctioned, three reports at most each.
  const reporterLoad = new Map<number, number>();
  const reporterFor = (target: number) => {
    const pool = rnd.shuffle([...buyers('SAFE'), ...byRole('VERY_SAFE')]).filter((u) => u.index !== target && (reporterLoad.get(u.index) ?? 0) < 3);
    const chosen = pool[0]!;
    reporterLoad.set(chosen.index, (reporterLoad.get(chosen.index) ?? 0) + 1);
    return chosen.index;
  };
  /** One report about each member, about them rather than a listing or a trade, filed by `reporterFor`. */
  const reportEach = (members: PlannedUser[], r: Pick<PlannedReport, 'type' | 'description' | 'outcome' | 'sanction' | 'resolution'>) => {
    for (const member of members) {
      report({ reporter: reporterFor(member.index), target: member.index, product: null, trade: null, paymentAccount: null, sanctionDays: null, ...r });
    }
  };
  const normals = rnd.shuffle(byRole('NORMAL'));
  const warnings = count(userCount, 0.01, 1);
  reportEach(normals.slice(0, warnings), {
    type: 'NO_SHOW', description: '약속 장소에 30분을 기다렸는데 나오지 않았고 연락도 받지 않았어요.',
    outcome: 'ACTION_TAKEN', sanction: 'WARNING', resolution: '약속 불이행이 확인되어 경고 조치합니다.',
  });
  reportEach(normals.slice(warnings, warnings + count(userCount, 0.01, 1)), {
    type: 'ABUSIVE_LANGUAGE', description: '가격 문의만 했는데 채팅으로 반말과 비속어를 했어요.',
    outcome: 'RECEIVED', sanction: null, resolution: null,
  });
  // Reports against honest SAFE members: most turn out unfounded, one is still being looked at.
  const safeTargets = rnd.shuffle(byRole('SAFE').filter((u) => u.verify.length === 2));
  const dismissed = count(userCount, 0.015, 2);
  reportEach(safeTargets.slice(0, dismissed), {
    type: 'NO_SHOW', description: '거래 약속을 했는데 나타나지 않은 것 같아요. 확인 부탁드려요.',
    outcome: 'DISMISSED', sanction: null, resolution: '확인해 보니 약속 시간이 서로 달랐던 것으로 보여 신고를 기각합니다.',
  });
  reportEach(safeTargets.slice(dismissed, dismissed + count(userCount, 0.01, 1)), {
    type: 'OTHER', description: '판매글 사진과 실제 물건 색상이 조금 달라요. 확인 부탁드립니다.',
    outcome: 'IN_REVIEW', sanction: null, resolution: null,
  });
  return reports;
}
