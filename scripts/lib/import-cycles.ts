// Finds import cycles among a folder's own TypeScript files (ARCHITECTURE §2: imports point
// downwards, so a subgraph's src/ has none). Every relative import counts — `import type`,
// `export … from` and dynamic `import()` included — because a type-only cycle still ties two
// files together for a reader. Generated code is left out.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const IMPORT = /(?:import|export)\s[^'";]*?from\s*['"](\.[^'"]+)['"]|import\s*\(\s*['"](\.[^'"]+)['"]\s*\)|import\s*['"](\.[^'"]+)['"]/g;

function sourceFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder)) {
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) {
      if (entry !== 'generated' && entry !== 'node_modules' && entry !== 'dist') files.push(...sourceFiles(path));
    } else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

function importsOf(file: string, known: Set<string>): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const target = resolve(dirname(file), match[1] ?? match[2] ?? match[3]!);
    const candidates = [target, `${target}.ts`, target.replace(/\.js$/, '.ts'), join(target, 'index.ts')];
    const hit = candidates.find((candidate) => known.has(candidate));
    if (hit) found.push(hit);
  }
  return found;
}

/** Every strongly connected group of more than one file (or a file importing itself), as paths relative to `folder`. */
export function importCycles(folder: string): string[][] {
  const files = sourceFiles(folder);
  const known = new Set(files);
  const edges = new Map(files.map((file) => [file, importsOf(file, known)]));
  // Tarjan's algorithm: each strongly connected component with a cycle is one answer.
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string) => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const target of edges.get(file)!) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file)!, index.get(target)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== file);
    if (group.length > 1 || edges.get(file)!.includes(file)) cycles.push(group.map((path) => relative(folder, path)).sort());
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return cycles;
}
