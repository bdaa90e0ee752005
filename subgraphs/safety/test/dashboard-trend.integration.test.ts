// safetyDashboard.averageScoreByDay against real PostgreSQL, in a database of this file's own (the
// average covers every member): each day's point is the average of every member's score as it stood
// at the end of that Korean day, from the score history; ADMIN only; days outside 1–90 refused.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { koreanDay } from '@anshim/platform';
import { ownDatabase, type OwnDatabase } from '../../../test/support/own-database.ts';
import { admin, onlyError, user } from '../../../test/support/subgraph-harness.ts';
import { SafetyHarness } from './support/harness.ts';

let db: OwnDatabase;
let h: SafetyHarness;
beforeAll(async () => {
  db = await ownDatabase('safety_trend', ['safety']);
  h = new SafetyHarness({ DATABASE_URL: db.databaseUrl });
  await h.start();
}, 120_000);
afterAll(async () => {
  await h?.stop();
  await db?.drop();
});

const TREND = `query($days: Int) { safetyDashboard { averageScoreByDay(days: $days) { day average members } } }`;
const DAY = 86_400_000;

describe('averageScoreByDay', () => {
  it('follows each member’s score day by day; a day before anyone had a score has no average', async () => {
    const client = new pg.Client({ connectionString: db.databaseUrl, options: '-c search_path=svc_safety' });
    await client.connect();
    const now = Date.now();
    const change = (userId: string, value: number, daysAgo: number) =>
      client.query(
        `INSERT INTO safety_score_changes (id, user_id, value, grade, delta, reason, cause, at) VALUES ($1, $2, $3, 'NORMAL', 0, '{}', 'test', ($4::timestamptz AT TIME ZONE 'UTC'))`,
        [randomUUID(), userId, value, new Date(now - daysAgo * DAY).toISOString()],
      );
    const [a, b] = [randomUUID(), randomUUID()];
    await change(a, 60, 10);
    await change(b, 80, 5);
    await change(a, 40, 2);
    await client.end();

    const points = (await h.ok(TREND, { days: 12 }, { identity: admin() })).safetyDashboard.averageScoreByDay as Array<{ day: string; average: number | null; members: number }>;
    expect(points).toHaveLength(12);
    const on = (daysAgo: number) => points.find((p) => p.day === koreanDay(new Date(now - daysAgo * DAY)))!;
    expect(on(11)).toEqual({ day: koreanDay(new Date(now - 11 * DAY)), average: null, members: 0 });
    expect(on(10)).toMatchObject({ average: 60, members: 1 });
    expect(on(5)).toMatchObject({ average: 70, members: 2 });
    expect(on(2)).toMatchObject({ average: 60, members: 2 });
    expect(on(0)).toMatchObject({ average: 60, members: 2 });
    expect(points.at(-1)!.day).toBe(koreanDay(new Date(now)));
  });

  it('is for ADMINs only and takes 1–90 days', async () => {
    expect(onlyError(await h.gql(TREND, {}, { identity: user() })).code).toBe('FORBIDDEN');
    for (const days of [0, 91, -1]) {
      const error = onlyError(await h.gql(TREND, { days }, { identity: admin() }));
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(error.extensions.fields[0]).toMatchObject({ field: 'days', reason: 'outOfRange' });
    }
  });
});
