// CPU time a process (and its children) has used, from /proc: unlike req/s, CPU milliseconds per
// request hardly move when other work shares the machine, so it is the fairer figure on a busy box.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function stat(pid: number): { ppid: number; ticks: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces: fields start after the closing parenthesis.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/** User + system CPU milliseconds of `pid` alone (one read of /proc; e.g. a PostgreSQL backend). 0 once it is gone. */
export function processCpuMs(pid: number): number {
  return ((stat(pid)?.ticks ?? 0) * 1000) / TICKS_PER_SECOND;
}

/** User + system CPU milliseconds of `pid` and every live descendant. */
export function processTreeCpuMs(pid: number): number {
  const all = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(Number(entry));
    if (s) all.set(Number(entry), s);
  }
  let ticks = 0;
  const queue = [pid];
  while (queue.length) {
    const current = queue.pop()!;
    const s = all.get(current);
    if (!s) continue;
    ticks += s.ticks;
    for (const [child, info] of all) if (info.ppid === current) queue.push(child);
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** The whole machine's busy CPU milliseconds (every core, every process, the kernel's too), and PostgreSQL's and Redis' share. */
export interface MachineCpu {
  busyMs: number;
  postgresMs: number;
  redisMs: number;
  at: number;
}

/** One reading of /proc/stat and of the postgres and redis-server processes (every backend). */
export function machineCpu(): MachineCpu {
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice: busy is the first eight but idle and
  // iowait (guest time is already counted in user and nice).
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const busyTicks = fields.reduce((sum, value, i) => (i === 3 || i === 4 ? sum : sum + value), 0);
  let postgres = 0;
  let redis = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let name: string;
    try {
      name = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (name.startsWith('postgres')) postgres += stat(Number(entry))?.ticks ?? 0;
    else if (name.startsWith('redis-server')) redis += stat(Number(entry))?.ticks ?? 0;
  }
  const ms = (ticks: number) => (ticks * 1000) / TICKS_PER_SECOND;
  return { busyMs: ms(busyTicks), postgresMs: ms(postgres), redisMs: ms(redis), at: performance.now() };
}
