// What test/deploy/prometheus.test.ts checks deploy/prometheus/ against: the metric names the rules
// read (found in their PromQL), the names the processes export (found in their source at run
// time), and promtool itself (Debian's `prometheus` package; .ci/run installs it).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';

export interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Every rule of the rule files in `dir`. */
export function rulesIn(dir: string): Rule[] {
  const rules: Rule[] = [];
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.yml')).sort()) {
    const doc = parse(readFileSync(join(dir, file), 'utf8')) as { groups: Array<{ rules: Rule[] }> };
    for (const group of doc.groups) rules.push(...group.rules);
  }
  return rules;
}

const PROMQL_KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan', 'atan2']);

/**
 * The metric (and recorded series) names a PromQL expression reads: identifiers that are not
 * functions, aggregations, keywords, label names or label values.
 */
export function seriesNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ') // strings (label values)
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges and subqueries
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // label lists
    .replace(/(?<![\w:])\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g, ' '); // numbers
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const rest = stripped.slice(match.index + match[0].length);
    if (/^\s*\(/.test(rest) || PROMQL_KEYWORDS.has(match[0].toLowerCase())) continue;
    names.add(match[0]);
  }
  return [...names];
}

/** Where each `anshim_*` name appears as a string literal in the processes' source (src/, tests aside). */
export function exportedMetricNames(repoRoot: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'test' && entry.name !== 'dist') walk(path);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        for (const match of readFileSync(path, 'utf8').matchAll(/['"`](anshim_[a-z0-9_]+)['"`]/g)) {
          if (!found.has(match[1]!)) found.set(match[1]!, relative(repoRoot, path));
        }
      }
    }
  };
  const sourceDirs = [join(repoRoot, 'gateway/src')];
  for (const parent of ['packages', 'subgraphs']) {
    for (const entry of readdirSync(join(repoRoot, parent), { withFileTypes: true })) {
      if (entry.isDirectory()) sourceDirs.push(join(repoRoot, parent, entry.name, 'src'));
    }
  }
  for (const dir of sourceDirs) {
    try {
      walk(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return found;
}

/** Series Prometheus makes itself for every target. */
const BUILT_IN = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);
/** A histogram's or summary's series are its name plus one of these. */
const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];

/**
 * Names the rules read that nothing provides: not a recording rule, not built in, and not
 * exported by any process (a histogram's _bucket/_sum/_count count as its name).
 */
export function unknownSeries(rules: Rule[], exported: ReadonlyMap<string, string>): string[] {
  const recorded = new Set(rules.flatMap((rule) => (rule.record ? [rule.record] : [])));
  const provided = (name: string) =>
    recorded.has(name) || BUILT_IN.has(name) || exported.has(name) ||
    HISTOGRAM_SUFFIXES.some((suffix) => name.endsWith(suffix) && exported.has(name.slice(0, -suffix.length)));
  const unknown = new Set<string>();
  for (const rule of rules) for (const name of seriesNamesIn(rule.expr)) if (!provided(name)) unknown.add(name);
  return [...unknown].sort();
}

export interface PromtoolRun {
  status: number | null;
  output: string;
}

/** Runs promtool; throws (failing the test) when it is not installed: CI installs it, nothing skips. */
export function promtool(args: string[], cwd: string): PromtoolRun {
  const run = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (run.error) {
    throw new Error(`promtool could not be run (${run.error.message}): install Debian's prometheus package (apt-get install --no-install-recommends prometheus), as .ci/run does`);
  }
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** The heading anchors of a Markdown file, as GitHub makes them. */
export function markdownAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  for (const match of text.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    anchors.add(match[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-'));
  }
  return anchors;
}
