// ID card checks against a real user subgraph, PostgreSQL, Redis and the local storage folder:
// the purge job is a registered BullMQ job scheduler, and its sweep — run with a chosen clock —
// deletes photos 30 days after the decision (not before), and expires unused upload tickets.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ID_CARD_PURGE_SCHEDULER } from '../src/jobs/id-card-purge.ts';
import { onlyError, registerUser, UserHarness } from './support/harness.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const JPEG_HEAD = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1]);
const DAY = 24 * 60 * 60 * 1000;
const REQUEST = `mutation { requestVerification(method: ID_CARD) { id upload { url } } }`;
const DECIDE = `mutation($id: ID!, $d: IdCardDecision!, $r: String) { decideIdCardCheck(id: $id, decision: $d, reason: $r) { status decidedAt photoUrl } }`;

let dir: string;
let h: UserHarness;
const admin = { userId: '00000000-0000-4000-8000-00000000a0a0', role: 'ADMIN' as const };
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'anshim-idcard-'));
  h = await new UserHarness({ STORAGE_LOCAL_DIR: dir }).start();
});
afterAll(async () => {
  await h?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function submitted(): Promise<{ userId: string; checkId: string; token: string }> {
  const user = await registerUser(h);
  const { id, upload } = (await h.gql(REQUEST, {}, { token: user.accessToken })).data!.requestVerification;
  expect((await h.send(upload.url, { method: 'PUT', body: PNG, headers: { 'content-type': 'image/png' } })).status).toBe(200);
  return { userId: user.id, checkId: id, token: user.accessToken };
}

const filesOf = async (userId: string) => readdir(join(dir, 'id-cards', userId)).catch(() => [] as string[]);

describe('ID card uploads', () => {
  it('refuses a declared type its bytes do not prove, other types, and an oversized body', async () => {
    const user = await registerUser(h);
    const { upload } = (await h.gql(REQUEST, {}, { token: user.accessToken })).data!.requestVerification;
    expect((await h.send(upload.url, { method: 'PUT', body: JPEG_HEAD, headers: { 'content-type': 'image/png' } })).status).toBe(415);
    expect((await h.send(upload.url, { method: 'PUT', body: PNG, headers: { 'content-type': 'image/webp' } })).status).toBe(415);
    const big = Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)]);
    expect((await h.send(upload.url, { method: 'PUT', body: big, headers: { 'content-type': 'image/png' } })).status).toBe(413);
    expect(await filesOf(user.id)).toEqual([]);
    expect((await h.prisma.idCardCheck.findFirstOrThrow({ where: { userId: user.id }, select: { status: true } })).status).toBe('AWAITING_UPLOAD');
  });

  it('a second request while one is under review is a CONFLICT', async () => {
    const { token } = await submitted();
    expect(onlyError(await h.gql(REQUEST, {}, { token })).code).toBe('CONFLICT');
  });
});

describe('the 30-day purge', () => {
  it('is a repeatable BullMQ job', async () => {
    const schedulers = await h.server.idCardPurge.job.queue.getJobSchedulers();
    expect(schedulers.map((s) => s.key)).toContain(ID_CARD_PURGE_SCHEDULER);
    expect(schedulers.find((s) => s.key === ID_CARD_PURGE_SCHEDULER)?.every).toBe(60 * 60_000);
  });

  it('deletes the photo 30 days after the decision, not a day earlier; the decision stays on record', async () => {
    const approved = await submitted();
    const rejected = await submitted();
    const waiting = await submitted();
    const decidedAt = new Date((await h.gql(DECIDE, { id: approved.checkId, d: 'APPROVE' }, { identity: admin })).data!.decideIdCardCheck.decidedAt);
    expect((await h.gql(DECIDE, { id: rejected.checkId, d: 'REJECT', r: '흐림' }, { identity: admin })).data!.decideIdCardCheck.status).toBe('REJECTED');
    for (const u of [approved, rejected, waiting]) expect(await filesOf(u.userId)).toHaveLength(1);

    await h.server.idCardPurge.sweep(new Date(decidedAt.getTime() + 29 * DAY));
    expect(await filesOf(approved.userId)).toHaveLength(1);

    const result = await h.server.idCardPurge.sweep(new Date(decidedAt.getTime() + 30 * DAY + 60_000));
    expect(result.photosDeleted).toBeGreaterThanOrEqual(2);
    expect(await filesOf(approved.userId)).toEqual([]);
    expect(await filesOf(rejected.userId)).toEqual([]);
    // Undecided checks keep their photo: the clock starts at the decision.
    expect(await filesOf(waiting.userId)).toHaveLength(1);

    const row = await h.prisma.idCardCheck.findUniqueOrThrow({ where: { id: approved.checkId }, select: { status: true, photoDeletedAt: true } });
    expect(row.status).toBe('APPROVED');
    expect(row.photoDeletedAt).not.toBeNull();
    const pending = (await h.gql(`{ pendingIdCardChecks(first: 100) { id photoUrl } }`, {}, { identity: admin })).data!.pendingIdCardChecks;
    expect(pending.map((c: { id: string }) => c.id)).toContain(waiting.checkId);
    expect(pending.map((c: { id: string }) => c.id)).not.toContain(approved.checkId);
  });

  it('marks upload tickets nobody used as EXPIRED', async () => {
    const user = await registerUser(h);
    const { id } = (await h.gql(REQUEST, {}, { token: user.accessToken })).data!.requestVerification;
    await h.server.idCardPurge.sweep(new Date(Date.now() + DAY));
    expect((await h.prisma.idCardCheck.findUniqueOrThrow({ where: { id }, select: { status: true } })).status).toBe('EXPIRED');
    expect((await h.gql(`{ myIdCardCheck { status } }`, {}, { token: user.accessToken })).data!.myIdCardCheck.status).toBe('EXPIRED');
  });
});
