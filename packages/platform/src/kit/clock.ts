// The time as services read it. A service takes its clock as the constructor's last argument,
// `private readonly now: Clock = systemClock`, so a test can hand it a fixed one and no service
// writes its own default.
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** One day in milliseconds (UTC days: no daylight saving). */
export const DAY_MS = 86_400_000;
