// What a soak run does and when: its length, how much load, and the chaos schedule. Everything has a
// default derived from the run's length (the 30-minute run: a kill -9 every 2 minutes, one
// Redis and one PostgreSQL restart, a 10-minute SMS outage), and every part can be set by a flag or
// an environment variable, so a 3-minute CI run and a long run after a merge use the same code.
import { parseArgs } from 'node:util';

export interface ChaosPlan {
  /** Seconds from the load's start at which a random service process is killed with SIGKILL (then restarted). */
  killsAt: number[];
  /** Seconds from the start at which Redis is stopped and started again (null: never). */
  redisRestartAt: number | null;
  /** Seconds from the start at which PostgreSQL is stopped (fast) and started again (null: never). */
  postgresRestartAt: number | null;
  /** Redis and PostgreSQL stay down this long before they start again. */
  downSeconds: number;
  /** The SMS vendor answers 503 from `from` for `seconds` (null: no outage). */
  smsOutage: { from: number; seconds: number } | null;
  /** After a fault ends (the process ready again, the server back), 5xx answers are still excused this long. */
  recoverySeconds: number;
}

export interface SoakOptions {
  minutes: number;
  /** Concurrent scenario loops driving the load. */
  concurrency: number;
  /** Protected members, each with one confirmed guardian (their SMS are what the SMS invariant checks). */
  protectedMembers: number;
  /** Members holding a graphql-ws subscription open (chatMessages, myRiskAlerts) all run long. */
  subscribers: number;
  /** A protected member's check-in becomes overdue after this many seconds (a guardian SMS). */
  checkInAlertSeconds: number;
  chaos: ChaosPlan;
  /** After the load stops: how long the system may take to drain (outboxes sent, events consumed, SMS sent). */
  drainSeconds: number;
  /** RSS sampling period, and the slope (MB per minute) over the last 2/3 above which a process's memory is not flat. */
  memorySampleSeconds: number;
  memorySlopeMbPerMinute: number;
  /** Seed of the chaos loop's random choices (which process dies). */
  seed: number;
  /** Where the JSON report goes. */
  reportPath: string;
}

const number = (raw: string | undefined, fallback: number): number => {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`not a non-negative number: "${raw}"`);
  return value;
};

/** The default chaos for a run of `minutes`: scaled so that a 3-minute run still meets every fault once. */
export function defaultChaos(minutes: number, overrides: { killEverySeconds?: number; smsOutageSeconds?: number } = {}): ChaosPlan {
  const duration = minutes * 60;
  const killEvery = overrides.killEverySeconds ?? 120;
  const redisRestartAt = Math.round(duration * 0.3);
  const postgresRestartAt = Math.round(duration * 0.6);
  // Kills from early on, every `killEvery`, until three quarters in (the end is for recovery), kept
  // away from the Redis and PostgreSQL restarts so each fault's window stays its own.
  const killsAt: number[] = [];
  for (let t = Math.min(60, Math.round(duration * 0.12)); t < duration * 0.75; t += killEvery) {
    if (Math.abs(t - redisRestartAt) < 20 || Math.abs(t - postgresRestartAt) < 20) t += 25;
    if (t < duration * 0.75) killsAt.push(t);
  }
  const smsSeconds = overrides.smsOutageSeconds ?? Math.round(duration / 3);
  return {
    killsAt,
    redisRestartAt,
    postgresRestartAt,
    downSeconds: 5,
    smsOutage: smsSeconds > 0 ? { from: Math.round(duration * 0.4), seconds: smsSeconds } : null,
    recoverySeconds: 20,
  };
}

export function soakOptions(partial: Partial<Omit<SoakOptions, 'chaos'>> & { chaos?: Partial<ChaosPlan> } = {}): SoakOptions {
  const minutes = partial.minutes ?? 30;
  return {
    minutes,
    concurrency: partial.concurrency ?? 4,
    protectedMembers: partial.protectedMembers ?? 4,
    subscribers: partial.subscribers ?? 6,
    checkInAlertSeconds: partial.checkInAlertSeconds ?? 5,
    drainSeconds: partial.drainSeconds ?? 120,
    memorySampleSeconds: partial.memorySampleSeconds ?? 10,
    memorySlopeMbPerMinute: partial.memorySlopeMbPerMinute ?? 2,
    seed: partial.seed ?? Date.now() % 1_000_000,
    reportPath: partial.reportPath ?? 'test-artifacts/soak-report.json',
    chaos: { ...defaultChaos(minutes), ...partial.chaos },
  };
}

export const USAGE = `npm run soak [-- --minutes N]
  --minutes N            length of the load (default 30; env SOAK_MINUTES)
  --concurrency N        scenario loops (default 4; SOAK_CONCURRENCY)
  --protected N          protected members with a guardian (default 4; SOAK_PROTECTED)
  --subscribers N        members with open subscriptions (default 6; SOAK_SUBSCRIBERS)
  --kill-every S         seconds between kill -9s (default 120; SOAK_KILL_EVERY)
  --sms-outage S         SMS outage length in seconds (default minutes*20; 0: none; SOAK_SMS_OUTAGE)
  --no-redis-restart     skip the Redis restart (SOAK_REDIS_RESTART=false)
  --no-postgres-restart  skip the PostgreSQL restart (SOAK_POSTGRES_RESTART=false)
  --drain S              seconds the system may take to settle after the load (default 120; SOAK_DRAIN)
  --slope MB             memory slope limit in MB/minute over the last 2/3 (default 2; SOAK_MEMORY_SLOPE)
  --seed N               seed of the chaos choices (SOAK_SEED)
  --report PATH          JSON report (default test-artifacts/soak-report.json; SOAK_REPORT)`;

/** Options from command-line flags, then SOAK_* environment variables, then the defaults. */
export function soakOptionsFromArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): SoakOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: 'string' },
      concurrency: { type: 'string' },
      protected: { type: 'string' },
      subscribers: { type: 'string' },
      'kill-every': { type: 'string' },
      'sms-outage': { type: 'string' },
      'no-redis-restart': { type: 'boolean' },
      'no-postgres-restart': { type: 'boolean' },
      drain: { type: 'string' },
      slope: { type: 'string' },
      seed: { type: 'string' },
      report: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  const minutes = number(values.minutes ?? env.SOAK_MINUTES, 30);
  if (minutes <= 0) throw new Error('--minutes must be above 0');
  const chaos = defaultChaos(minutes, {
    killEverySeconds: number(values['kill-every'] ?? env.SOAK_KILL_EVERY, 120) || 120,
    smsOutageSeconds: number(values['sms-outage'] ?? env.SOAK_SMS_OUTAGE, Math.round((minutes * 60) / 3)),
  });
  if (values['no-redis-restart'] || env.SOAK_REDIS_RESTART === 'false') chaos.redisRestartAt = null;
  if (values['no-postgres-restart'] || env.SOAK_POSTGRES_RESTART === 'false') chaos.postgresRestartAt = null;
  const seed = values.seed ?? env.SOAK_SEED;
  return soakOptions({
    minutes,
    concurrency: number(values.concurrency ?? env.SOAK_CONCURRENCY, 4),
    protectedMembers: number(values.protected ?? env.SOAK_PROTECTED, 4),
    subscribers: number(values.subscribers ?? env.SOAK_SUBSCRIBERS, 6),
    drainSeconds: number(values.drain ?? env.SOAK_DRAIN, 120),
    memorySlopeMbPerMinute: number(values.slope ?? env.SOAK_MEMORY_SLOPE, 2),
    ...(seed !== undefined ? { seed: number(seed, 0) } : {}),
    ...((values.report ?? env.SOAK_REPORT) ? { reportPath: (values.report ?? env.SOAK_REPORT)! } : {}),
    chaos,
  });
}
