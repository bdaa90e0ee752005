// user.deleted (issue 20.6): the monitor forgets the member's words in recorded activities and
// keeps what fraud prevention needs (device ids, counterparts, amounts). Other members' rows stay.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MonitorHarness } from './support/harness.ts';

let h: MonitorHarness;
beforeAll(async () => {
  h = await new MonitorHarness().start();
}, 60_000);
afterAll(() => h?.stop());

describe('user.deleted', () => {
  it('clears the text of the deleted member’s activities only, keeping device ids', async () => {
    const leaving = randomUUID();
    const staying = randomUUID();
    const row = (userId: string, text: string) => ({ id: randomUUID(), userId, type: 'CHAT_MESSAGE', counterpartId: randomUUID(), text, deviceId: 'device-1', occurredAt: new Date() });
    await h.prisma.activity.createMany({ data: [row(leaving, '입금 먼저 해 주세요 010-1234-5678'), row(leaving, '카톡 아이디 abc'), row(staying, '안녕하세요')] });

    await h.processed(await h.publish({ type: 'user.deleted', producer: 'user', subjectUserId: leaving, data: { userId: leaving, displayName: '탈퇴한 회원', deletedAt: new Date().toISOString() } }));

    const left = await h.prisma.activity.findMany({ where: { userId: leaving }, select: { text: true, deviceId: true } });
    expect(left).toEqual([
      { text: null, deviceId: 'device-1' },
      { text: null, deviceId: 'device-1' },
    ]);
    expect(await h.prisma.activity.findMany({ where: { userId: staying }, select: { text: true } })).toEqual([{ text: '안녕하세요' }]);
  });
});
