// Compares V8 heap snapshots (.heapsnapshot, as --heapsnapshot-signal writes them) without DevTools:
// objects and self bytes per (type, constructor/name), the growth between two snapshots, and for
// the classes named in HEAP_RETAINERS, what holds them (parent class and edge name).
// node --import tsx scripts/probe/heap-diff.ts a.heapsnapshot b.heapsnapshot
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface Snapshot {
  nodeFields: string[];
  nodeTypes: string[];
  edgeFields: string[];
  edgeTypes: string[];
  nodes: Float64Array;
  edges: Float64Array;
  strings: string[];
}

function numbersAfter(buffer: Buffer, marker: string): Float64Array {
  let at = buffer.indexOf(marker) + marker.length;
  const end = buffer.indexOf(']', at);
  const values: number[] = [];
  let current = -1;
  for (; at < end; at++) {
    const c = buffer[at]!;
    if (c >= 48 && c <= 57) current = (current < 0 ? 0 : current * 10) + (c - 48);
    else if (current >= 0) {
      values.push(current);
      current = -1;
    }
  }
  if (current >= 0) values.push(current);
  return Float64Array.from(values);
}

export function readSnapshot(path: string): Snapshot {
  const buffer = readFileSync(path);
  const metaEnd = buffer.indexOf('"nodes":');
  const head = buffer.subarray(0, metaEnd).toString('utf8').replace(/,\s*$/, '') + '}';
  const meta = JSON.parse(head).snapshot.meta;
  const stringsAt = buffer.indexOf('"strings":');
  const strings = JSON.parse(buffer.subarray(stringsAt + '"strings":'.length, buffer.lastIndexOf(']') + 1).toString('utf8')) as string[];
  return {
    nodeFields: meta.node_fields,
    nodeTypes: meta.node_types[0],
    edgeFields: meta.edge_fields,
    edgeTypes: meta.edge_types[0],
    nodes: numbersAfter(buffer, '"nodes":['),
    edges: numbersAfter(buffer, '"edges":['),
    strings,
  };
}

function label(s: Snapshot, node: number): string {
  const width = s.nodeFields.length;
  const type = s.nodeTypes[s.nodes[node * width]!]!;
  const name = s.strings[s.nodes[node * width + 1]!]!;
  if (type === 'string' || type === 'concatenated string' || type === 'sliced string') return `(${type})`;
  if (type === 'number') return '(heap number)';
  if (type === 'code') return '(code)';
  if (type === 'hidden') return `(hidden) ${name.slice(0, 60)}`;
  return `${type}:${name.slice(0, 80)}`;
}

export function summary(s: Snapshot): Map<string, { count: number; bytes: number }> {
  const width = s.nodeFields.length;
  const sizeAt = s.nodeFields.indexOf('self_size');
  const result = new Map<string, { count: number; bytes: number }>();
  for (let node = 0; node < s.nodes.length / width; node++) {
    const key = label(s, node);
    const entry = result.get(key) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += s.nodes[node * width + sizeAt]!;
    result.set(key, entry);
  }
  return result;
}

/** Parents (label + edge name) of every node whose label is one of `wanted`. */
function retainers(s: Snapshot, wanted: Set<string>): Map<string, Map<string, number>> {
  const width = s.nodeFields.length;
  const edgeWidth = s.edgeFields.length;
  const edgeCountAt = s.nodeFields.indexOf('edge_count');
  const result = new Map<string, Map<string, number>>();
  let edge = 0;
  for (let node = 0; node < s.nodes.length / width; node++) {
    const count = s.nodes[node * width + edgeCountAt]!;
    const parent = label(s, node);
    for (let i = 0; i < count; i++, edge++) {
      const type = s.edgeTypes[s.edges[edge * edgeWidth]!]!;
      if (type === 'weak') continue;
      const to = s.edges[edge * edgeWidth + 2]! / width;
      const child = label(s, to);
      if (!wanted.has(child)) continue;
      const nameOrIndex = s.edges[edge * edgeWidth + 1]!;
      const edgeName = type === 'element' || type === 'hidden' ? `[${type}]` : s.strings[nameOrIndex];
      const byParent = result.get(child) ?? new Map<string, number>();
      const key = `${parent} .${edgeName}`;
      byParent.set(key, (byParent.get(key) ?? 0) + 1);
      result.set(child, byParent);
    }
  }
  return result;
}

function main(): void {
  const [a, b] = process.argv.slice(2);
  const first = readSnapshot(a!);
  const second = b ? readSnapshot(b) : undefined;
  const before = summary(first);
  const mb = (n: number) => (n / 1048576).toFixed(2);
  if (!second) {
    const rows = [...before].sort((x, y) => y[1].bytes - x[1].bytes).slice(0, 40);
    for (const [key, v] of rows) console.log(`${mb(v.bytes).padStart(8)} MB ${String(v.count).padStart(9)}  ${key}`);
  } else {
    const after = summary(second);
    const total = (m: Map<string, { bytes: number }>) => [...m.values()].reduce((t, v) => t + v.bytes, 0);
    console.log(`total self size: ${mb(total(before))} MB → ${mb(total(after))} MB; nodes ${first.nodes.length / first.nodeFields.length} → ${second.nodes.length / second.nodeFields.length}`);
    const keys = new Set([...before.keys(), ...after.keys()]);
    const rows = [...keys].map((key) => {
      const x = before.get(key) ?? { count: 0, bytes: 0 };
      const y = after.get(key) ?? { count: 0, bytes: 0 };
      return { key, dCount: y.count - x.count, dBytes: y.bytes - x.bytes, count: y.count, bytes: y.bytes };
    });
    console.log('--- largest growth by bytes');
    for (const r of rows.sort((x, y) => y.dBytes - x.dBytes).slice(0, 35)) console.log(`${mb(r.dBytes).padStart(8)} MB ${String(r.dCount).padStart(8)} (now ${String(r.count).padStart(8)}, ${mb(r.bytes)} MB)  ${r.key}`);
    console.log('--- largest growth by count');
    for (const r of rows.sort((x, y) => y.dCount - x.dCount).slice(0, 25)) console.log(`${String(r.dCount).padStart(8)} ${mb(r.dBytes).padStart(8)} MB (now ${r.count})  ${r.key}`);
  }
  const wanted = (process.env.HEAP_RETAINERS ?? '').split('|').filter(Boolean);
  if (wanted.length) {
    const found = retainers(second ?? first, new Set(wanted));
    for (const [child, parents] of found) {
      console.log(`--- held: ${child}`);
      for (const [parent, n] of [...parents].sort((x, y) => y[1] - x[1]).slice(0, 12)) console.log(`${String(n).padStart(8)}  ${parent}`);
    }
  }
}

// Imported by heap-closures.ts for readSnapshot: run only as the script itself.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
