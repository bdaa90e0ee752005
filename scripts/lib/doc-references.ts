// What the documentation points at, read out of its markdown: relative links (with their #anchors),
// repository paths written in code (`subgraphs/safety/src/score/safety-score.ts`), the npm scripts,
// benchmarks and `node --import tsx` entry points it tells a reader to run. A file that moves leaves a
// dangling reference behind; scripts/test/doc-links.test.ts lists every one.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** README.md, every page under docs/ and the benchmark results, relative to `root`. */
export function documentationFiles(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
  return ['README.md', ...docs.sort(), 'bench/RESULTS.md'];
}

const FENCE = /^```[^\n]*\n[\s\S]*?^```/gm;

/** Fenced blocks' contents, and the text outside them. */
function splitFences(markdown: string): { fenced: string[]; prose: string } {
  return { fenced: [...markdown.matchAll(FENCE)].map((m) => m[0]), prose: markdown.replace(FENCE, '') };
}

/** GitHub's anchor for a heading: lower case, punctuation dropped (letters of any script stay), spaces to hyphens. */
export function headingAnchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** Every anchor a page offers, with GitHub's -1, -2 … for repeated headings. */
export function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading] of splitFences(markdown).prose.matchAll(/^#{1,6} (.+)$/gm)) {
    const base = headingAnchor(heading!);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count ? `${base}-${count}` : base);
  }
  return anchors;
}

/** Targets of `[text](target)` and `![alt](target)` outside code. */
export function linksOf(markdown: string): string[] {
  const prose = splitFences(markdown).prose.replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}

/** Words of inline code and fenced blocks that name a path under one of `topFolders`. */
export function repositoryPathsOf(markdown: string, topFolders: ReadonlySet<string>): string[] {
  const { fenced, prose } = splitFences(markdown);
  const code = [...[...prose.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!), ...fenced.map((block) => block.replace(/^```.*$/gm, ''))];
  const paths = new Set<string>();
  for (const word of code.join('\n').split(/[\s"'(),;=|\]]+/)) {
    const path = word.replace(/[.:]+$/, '');
    if (!path.includes('/') || /[<>*{}…$?#@:\\]/.test(path)) continue; // placeholders, globs, URLs
    if (topFolders.has(path.slice(0, path.indexOf('/')))) paths.add(path);
  }
  return [...paths];
}

/** What the page tells a reader to run: `npm run <script>`, `npm run bench <name>`, `node --import tsx <file>`. */
export function commandsOf(markdown: string): { scripts: string[]; benches: string[]; entries: string[] } {
  const all = (pattern: RegExp) => [...new Set([...markdown.matchAll(pattern)].map((m) => m[1]!))];
  return { scripts: all(/npm run ([\w:-]+)/g), benches: all(/npm run bench ([\w-]+)/g), entries: all(/node --import tsx (\S+\.ts)/g) };
}

/** A build output or local data folder (git-ignored) need not exist; asked as a file and as a folder. */
function gitIgnored(root: string, path: string): boolean {
  const folder = `${path.replace(/\/+$/, '')}/`;
  return [path, folder].some((candidate) => {
    try {
      execFileSync('git', ['check-ignore', '-q', candidate], { cwd: root, stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
}

/** Every dangling reference of the documentation, as `<page>: <what> <target>`; empty when all resolve. */
export function danglingReferences(root: string, files = documentationFiles(root)): string[] {
  const problems: string[] = [];
  const topFolders = new Set(readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules').map((e) => e.name));
  const scripts = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
  const anchorCache = new Map<string, Set<string>>();
  const anchors = (file: string) => anchorCache.get(file) ?? anchorCache.set(file, anchorsOf(readFileSync(file, 'utf8'))).get(file)!;

  for (const page of files) {
    const text = readFileSync(join(root, page), 'utf8');
    for (const link of linksOf(text)) {
      if (/^[a-z][a-z+.-]*:/i.test(link)) continue; // http:, https:, mailto:
      const [target = '', anchor] = link.split('#');
      const file = target ? resolve(root, dirname(page), decodeURIComponent(target)) : join(root, page);
      if (relative(root, file).startsWith('..')) continue; // ../shared/, beside the repository
      if (!existsSync(file)) problems.push(`${page}: link ${link} (no such file)`);
      else if (anchor && file.endsWith('.md') && !anchors(file).has(anchor)) problems.push(`${page}: link ${link} (no such heading)`);
    }
    for (const path of repositoryPathsOf(text, topFolders)) {
      if (!existsSync(join(root, path)) && !gitIgnored(root, path)) problems.push(`${page}: path \`${path}\` (no such file)`);
    }
    const { scripts: named, benches, entries } = commandsOf(text);
    for (const script of named) if (!scripts.includes(script)) problems.push(`${page}: \`npm run ${script}\` (no such script in package.json)`);
    for (const bench of benches) if (!existsSync(join(root, 'bench', `${bench}.ts`))) problems.push(`${page}: \`npm run bench ${bench}\` (no bench/${bench}.ts)`);
    for (const entry of entries) if (!existsSync(join(root, entry))) problems.push(`${page}: \`node --import tsx ${entry}\` (no such file)`);
  }
  return problems;
}
