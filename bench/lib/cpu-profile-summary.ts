// Where the time goes in a V8 .cpuprofile (node --cpu-prof): self time by package and by function.
//   node --import tsx bench/lib/cpu-profile-summary.ts <file.cpuprofile> [top=25] [from-s to-s]
// With a window (seconds since the profile started), only the samples inside it count: a bench's
// measured part without its seeding and start-up (`--timeline` prints busy ms per second to find it).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Each sample's offset in seconds from the profile's start (timeDeltas are µs since the previous one). */
function sampleSeconds(profile: Profile): number[] {
  let us = 0;
  return profile.timeDeltas.map((delta) => (us += delta) / 1e6);
}

/** Busy (not idle) ms in each second of the profile: where the measured part of a bench run is. */
export function timeline(profile: Profile): string {
  const idle = new Set(profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id));
  const busy: number[] = [];
  sampleSeconds(profile).forEach((at, i) => {
    const second = Math.floor(at);
    busy[second] = (busy[second] ?? 0) + (idle.has(profile.samples[i]!) ? 0 : (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return Array.from(busy, (ms, second) => `${second}s ${Math.round(ms ?? 0)}`).join('  ');
}

/** node_modules/<package> (scoped too), our own folder, or node: internals. */
function packageOf(url: string): string {
  if (!url) return '(native/idle)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  if (url.startsWith('node:')) return url;
  const ours = /\/(gateway|packages|subgraphs)\/([^/]+)/.exec(url);
  return ours ? `${ours[1]}/${ours[2]}` : url;
}

export function summarize(profile: Profile, top = 25, window?: { from: number; to: number }): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  const at = sampleSeconds(profile);
  profile.samples.forEach((id, i) => {
    if (window && (at[i]! < window.from || at[i]! >= window.to)) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    const pkg = frame.functionName === '(idle)' ? '(idle)' : frame.functionName === '(garbage collector)' ? '(gc)' : packageOf(frame.url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    const fn = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(gateway|packages)\//, '$1/')}:${frame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  }
  const lines = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => `  ${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`)
      .join('\n');
  return `total ${(total / 1e6).toFixed(1)} s sampled\nself time by package:\n${lines(byPackage)}\nself time by function:\n${lines(byFunction)}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [file, top, from, to] = process.argv.slice(2);
  if (!file) throw new Error('usage: cpu-profile-summary.ts <file.cpuprofile> [top|--timeline] [from-s to-s]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  if (top === '--timeline') console.log(timeline(profile));
  else console.log(summarize(profile, Number(top ?? 25), from !== undefined && to !== undefined ? { from: Number(from), to: Number(to) } : undefined));
}
