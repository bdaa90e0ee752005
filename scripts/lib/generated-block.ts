// A block of a markdown page that a script writes (between two HTML comments) and a test keeps
// fresh: the configuration table (scripts/lib/env-docs.ts) and the event map (scripts/lib/event-map.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './services.ts';

export interface GeneratedBlock {
  /** The page, relative to the repository root. */
  page: string;
  start: string;
  end: string;
}

/** `text` with the marked block replaced by `content`; throws when the page lacks the markers. */
export function withBlock(block: GeneratedBlock, text: string, content: string): string {
  const start = text.indexOf(block.start);
  const end = text.indexOf(block.end);
  if (start < 0 || end < start) throw new Error(`${block.page} has no ${block.start} … ${block.end} block`);
  return `${text.slice(0, start + block.start.length)}\n${content}\n${text.slice(end)}`;
}

export function readPage(block: GeneratedBlock): string {
  return readFileSync(join(repoRoot, block.page), 'utf8');
}

/**
 * The command behind `npm run docs:*`: rewrites the page, or with `--check` only reports the
 * problems (exit 1). `extraProblems` are reported in both modes (e.g. a variable without a description).
 */
export function runGenerator(options: {
  block: GeneratedBlock;
  render: () => string;
  problems: (page: string) => string[];
  extraProblems?: () => string[];
  label: string;
  argv?: string[];
}): void {
  const { block, label } = options;
  const page = readPage(block);
  if ((options.argv ?? process.argv).includes('--check')) {
    const problems = options.problems(page);
    for (const problem of problems) console.error(`${label}: ${problem}`);
    process.exitCode = problems.length ? 1 : 0;
    return;
  }
  const next = withBlock(block, page, options.render());
  if (next !== page) writeFileSync(join(repoRoot, block.page), next);
  console.log(next === page ? `${label}: ${block.page} is up to date` : `${label}: rewrote the generated block in ${block.page}`);
  const extra = options.extraProblems?.() ?? [];
  for (const problem of extra) console.error(`${label}: ${problem}`);
  if (extra.length) process.exitCode = 1;
}
