// Evidence uploads cannot be abused (issue 16, point 6): a reporter holds a limited number of open
// evidence tickets, and evidence never attached to a report is deleted by the upload sweep after
// its ticket expired (time driven by the sweep's "now"); attached evidence stays, private.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SWEEP_GRACE_MS } from '@anshim/platform/storage';
import { onlyError, PNG, REPORT_FIELDS, ReportHarness, user } from './support/harness.ts';

const TICKET_TTL_SECONDS = 300;
const h = new ReportHarness({ UPLOAD_OPEN_TICKETS_PER_KIND: '2', UPLOAD_TICKET_TTL_SECONDS: String(TICKET_TTL_SECONDS) });
beforeAll(() => h.start());
afterAll(() => h.stop());

const UPLOAD = `mutation($contentType: String!, $size: Int!) { createEvidenceUpload(contentType: $contentType, size: $size) { key url headers expiresAt maxBytes } }`;
const FILE = `mutation($input: FileReportInput!) { fileReport(input: $input) { ${REPORT_FIELDS} } }`;

async function uploadEvidence(as: ReturnType<typeof user>): Promise<{ key: string; url: string }> {
  const { createEvidenceUpload: ticket } = await h.ok(UPLOAD, { contentType: 'image/png', size: PNG.length }, { identity: as });
  expect(await h.upload(ticket, PNG)).toBe(200);
  return ticket;
}
const onDisk = (key: string) => existsSync(join(h.storageDir, key));

describe('evidence tickets', () => {
  it('a third open ticket is RATE_LIMITED; filing frees a place; the sweep deletes unattached evidence after expiry and keeps attached evidence', async () => {
    const reporter = user();
    const attached = await uploadEvidence(reporter);
    const abandoned = await uploadEvidence(reporter);
    const refused = onlyError(await h.gql(UPLOAD, { contentType: 'image/png', size: PNG.length }, { identity: reporter }));
    expect(refused.code).toBe('RATE_LIMITED');
    expect(refused.extensions).toMatchObject({ reason: 'UPLOAD_QUOTA', max: 2 });
    // Never publicly served: the plain URL of an evidence file is refused.
    expect((await h.send(abandoned.url.slice(0, abandoned.url.indexOf('?')))).status).toBe(403);

    const target = user();
    await h.known(reporter, target);
    const report = (await h.ok(FILE, { input: { targetUserId: target.userId, type: 'FRAUD', description: '입금했는데 물건을 보내지 않았어요.', evidenceKeys: [attached.key] } }, { identity: reporter })).fileReport;
    expect(report.id).toBeTruthy();
    expect((await h.gql(UPLOAD, { contentType: 'image/png', size: PNG.length }, { identity: reporter })).errors).toBeUndefined();

    expect((await h.server.uploadSweep.sweep(new Date())).deleted).toBe(0);
    const swept = await h.server.uploadSweep.sweep(new Date(Date.now() + TICKET_TTL_SECONDS * 1000 + SWEEP_GRACE_MS + 1000));
    expect(swept.deleted).toBeGreaterThanOrEqual(2);
    expect(onDisk(abandoned.key)).toBe(false);
    expect(onDisk(attached.key)).toBe(true);
  });
});
