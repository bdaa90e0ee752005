// What a heap snapshot holds many of, by where it came from rather than by class: closures by
// source position (with their name and the variables their context holds, enough to find the
// code), strings by shape (digits and hex runs as #), and concatenated strings by their first part.
// Per-subscription retainers show up as groups whose count is a multiple of the subscriptions.
//   node --import tsx scripts/probe/heap-closures.ts file.heapsnapshot [rows=30]
import { readSnapshot } from './heap-diff.ts';

const [file, rowsArg] = process.argv.slice(2);
const s = readSnapshot(file!);
const rows = Number(rowsArg ?? 30);
const width = s.nodeFields.length;
const edgeWidth = s.edgeFields.length;
const at = (field: string) => s.nodeFields.indexOf(field);
const [typeAt, nameAt, sizeAt, edgesAt] = [at('type'), at('name'), at('self_size'), at('edge_count')];
const count = s.nodes.length / width;
const firstEdge = new Float64Array(count + 1);
for (let n = 0; n < count; n++) firstEdge[n + 1] = firstEdge[n]! + s.nodes[n * width + edgesAt]!;
const typeOf = (n: number) => s.nodeTypes[s.nodes[n * width + typeAt]!]!;
const nameOf = (n: number) => s.strings[s.nodes[n * width + nameAt]!]!;
function edges(n: number): Array<{ type: string; name: string; to: number }> {
  const out = [];
  for (let e = firstEdge[n]!; e < firstEdge[n + 1]!; e++) {
    const type = s.edgeTypes[s.edges[e * edgeWidth]!]!;
    const raw = s.edges[e * edgeWidth + 1]!;
    out.push({ type, name: type === 'element' || type === 'hidden' ? String(raw) : s.strings[raw]!, to: s.edges[e * edgeWidth + 2]! / width });
  }
  return out;
}

// Closure positions: the snapshot's "locations" (object index, script id, line, column).
const { readFileSync } = await import('node:fs');
const text = readFileSync(file!);
const locAt = text.indexOf('"locations":[');
const position = new Map<number, string>();
if (locAt >= 0) {
  const end = text.indexOf(']', locAt);
  const numbers = text.subarray(locAt + 13, end).toString('latin1').split(/[,\s]+/).filter(Boolean).map(Number);
  for (let i = 0; i + 3 < numbers.length; i += 4) position.set(numbers[i]! / width, `script ${numbers[i + 1]} ${numbers[i + 2]! + 1}:${numbers[i + 3]! + 1}`);
}

const closures = new Map<string, { count: number; bytes: number; sample: number }>();
const strings = new Map<string, { count: number; bytes: number }>();
for (let n = 0; n < count; n++) {
  const type = typeOf(n);
  const size = s.nodes[n * width + sizeAt]!;
  if (type === 'closure') {
    const key = `${position.get(n) ?? '?'} ${nameOf(n) || '(anonymous)'}`;
    const entry = closures.get(key) ?? { count: 0, bytes: 0, sample: n };
    entry.count++;
    entry.bytes += size;
    closures.set(key, entry);
  } else if (type === 'string' || type === 'concatenated string' || type === 'sliced string') {
    const shape = `${type === 'string' ? '' : `(${type}) `}${nameOf(n).slice(0, 70).replace(/[0-9a-f]{6,}|\d+/g, '#')}`;
    const entry = strings.get(shape) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += size;
    strings.set(shape, entry);
  }
}
const kb = (n: number) => (n / 1024).toFixed(0).padStart(7);
console.log('--- closures by position: count, KB self, name, context variables');
for (const [key, v] of [...closures].sort((a, b) => b[1].count - a[1].count).slice(0, rows)) {
  const context = edges(v.sample).find((e) => e.name === 'context');
  const vars = context ? edges(context.to).filter((e) => e.type === 'context').map((e) => e.name).slice(0, 12).join(',') : '';
  console.log(`${String(v.count).padStart(8)} ${kb(v.bytes)}  ${key}  [${vars}]`);
}
console.log('--- strings by shape: count, KB self');
for (const [key, v] of [...strings].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, rows)) console.log(`${String(v.count).padStart(8)} ${kb(v.bytes)}  ${JSON.stringify(key)}`);

// HEAP_OWNERS='array:(object properties)': what holds nodes of that label, by the holder's class and property names.
const wanted = process.env.HEAP_OWNERS;
if (wanted) {
  const owners = new Map<string, { count: number; bytes: number }>();
  for (let n = 0; n < count; n++) {
    for (const edge of edges(n)) {
      if (edge.type === 'weak' || `${typeOf(edge.to)}:${nameOf(edge.to)}` !== wanted) continue;
      const props = edges(n).filter((e) => e.type === 'property').map((e) => e.name).slice(0, 10).join(',');
      const key = `${typeOf(n)}:${nameOf(n).slice(0, 40)} .${edge.name} {${props}}`;
      const entry = owners.get(key) ?? { count: 0, bytes: 0 };
      entry.count++;
      entry.bytes += s.nodes[edge.to * width + sizeAt]!;
      owners.set(key, entry);
    }
  }
  console.log(`--- holders of ${wanted}: count, KB of the held`);
  for (const [key, v] of [...owners].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, rows)) console.log(`${String(v.count).padStart(8)} ${kb(v.bytes)}  ${key}`);
}

// HEAP_SHAPES='object:Object|object:Map': nodes of those labels grouped by their property names (which object literal they are).
const shapes = (process.env.HEAP_SHAPES ?? '').split('|').filter(Boolean);
if (shapes.length) {
  const found = new Map<string, { count: number; bytes: number }>();
  for (let n = 0; n < count; n++) {
    const label = `${typeOf(n)}:${nameOf(n)}`;
    if (!shapes.includes(label)) continue;
    const props = edges(n).filter((e) => e.type === 'property' && e.name !== '__proto__').map((e) => e.name).slice(0, 12).join(',');
    const holder = edges(n).length ? '' : '';
    const key = `${label} {${props}}${holder}`;
    const entry = found.get(key) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += s.nodes[n * width + sizeAt]!;
    found.set(key, entry);
  }
  console.log(`--- shapes of ${shapes.join(', ')}: count, KB self`);
  for (const [key, v] of [...found].sort((a, b) => b[1].count - a[1].count).slice(0, rows)) console.log(`${String(v.count).padStart(8)} ${kb(v.bytes)}  ${key}`);
}
