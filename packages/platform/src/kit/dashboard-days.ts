// The ADMIN dashboards' time ranges, the same in every subgraph: a whole number of days from 1 to
// 90 (anything else is one BAD_USER_INPUT naming `days`), counted in Korean days (UTC+9, no daylight
// saving, so a fixed offset is exact) and ending today. A series has one point per day, zero on
// days nothing happened, so every chart of the console lines up day by day.
import { BadInputError } from '../errors.ts';
import { DAY_MS } from './clock.ts';

export const DASHBOARD_DAYS = { min: 1, max: 90, default: 30 } as const;
/** Korea's offset from UTC in hours: days start at 15:00 UTC. */
export const DASHBOARD_UTC_OFFSET_HOURS = 9;
const OFFSET_MS = DASHBOARD_UTC_OFFSET_HOURS * 3_600_000;

export const daysOutOfRange = {
  ko: `기간은 ${DASHBOARD_DAYS.min}일부터 ${DASHBOARD_DAYS.max}일까지 고를 수 있습니다.`,
  en: `Choose a period of ${DASHBOARD_DAYS.min} to ${DASHBOARD_DAYS.max} days.`,
};

export interface DayWindow {
  /** The first instant counted: the start of the first Korean day. */
  since: Date;
  /** Every day of the window, oldest first, as YYYY-MM-DD in Korean time. */
  days: string[];
}

/** Validates `days` (null: the default) and returns the window ending with today. */
export function dashboardWindow(days: number | null | undefined, now = new Date()): DayWindow {
  const n = days ?? DASHBOARD_DAYS.default;
  if (!Number.isInteger(n) || n < DASHBOARD_DAYS.min || n > DASHBOARD_DAYS.max) {
    throw new BadInputError(daysOutOfRange, { fields: [{ field: 'days', reason: 'outOfRange', min: DASHBOARD_DAYS.min, max: DASHBOARD_DAYS.max }] });
  }
  const todayStart = Math.floor((now.getTime() + OFFSET_MS) / DAY_MS) * DAY_MS - OFFSET_MS;
  const since = new Date(todayStart - (n - 1) * DAY_MS);
  return { since, days: Array.from({ length: n }, (_, i) => koreanDay(new Date(since.getTime() + i * DAY_MS))) };
}

/** YYYY-MM-DD of the Korean day an instant falls in. */
export function koreanDay(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** SQL for the Korean day of a UTC `timestamp` column, as YYYY-MM-DD (the same as koreanDay). */
export function koreanDaySql(column: string): string {
  return `to_char(${column} + interval '${DASHBOARD_UTC_OFFSET_HOURS} hours', 'YYYY-MM-DD')`;
}

/** One point per day of the window: the counted value, or zero. */
export function daySeries<T>(window: DayWindow, counted: ReadonlyMap<string, T>, zero: T): Array<{ day: string; value: T }> {
  return window.days.map((day) => ({ day, value: counted.get(day) ?? zero }));
}
