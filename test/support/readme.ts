// README's examples as a test reads them: the code blocks of a section, the shell commands of a
// block (continuation lines joined, comment lines dropped) and the GraphQL operations of every
// `graphql` block of README and the pages under docs/, so the test runs what a reader copies, not a
// copy of it that could drift.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { isTypeSystemDefinitionNode, isTypeSystemExtensionNode, Kind, parse, print } from 'graphql';

const ROOT = resolve(import.meta.dirname, '../..');
const README = join(ROOT, 'README.md');

export function readme(): string {
  return readFileSync(README, 'utf8');
}

/** README.md and every markdown page under docs/, by path relative to the repository root. */
export function documentationPages(): Map<string, string> {
  const docs = readdirSync(join(ROOT, 'docs'), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  return new Map([README, ...docs].map((file) => [relative(ROOT, file), readFileSync(file, 'utf8')]));
}

/** The fenced blocks of one language (`bash`, `graphql`) under the heading that starts with `heading`, or in the whole page (README by default). */
export function codeBlocks(language: string, heading?: string, page = readme()): string[] {
  let text = page;
  if (heading) {
    const start = text.split('\n').findIndex((line) => /^#{2,3} /.test(line) && line.replace(/^#+ /, '').startsWith(heading));
    if (start < 0) throw new Error(`README has no section "${heading}"`);
    const lines = text.split('\n').slice(start + 1);
    const end = lines.findIndex((line) => /^## /.test(line));
    text = lines.slice(0, end < 0 ? undefined : end).join('\n');
  }
  return [...text.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\``, 'gm'))].map((match) => match[1]!);
}

/**
 * One command per entry, as bash reads them: a line ending in `\` or inside an open quote goes on
 * with the next; blank and comment-only lines between commands are dropped.
 */
export function shellCommands(block: string): string[] {
  const commands: string[] = [];
  let pending = '';
  let quote: "'" | '"' | null = null;
  for (const line of block.split('\n')) {
    if (!pending && (!line.trim() || line.trim().startsWith('#'))) continue;
    pending += pending ? `\n${line}` : line;
    let continued = false;
    for (let i = 0; i < line.length; i += 1) {
      const c = line[i]!;
      if (quote === "'") {
        if (c === "'") quote = null;
      } else if (c === '\\') {
        if (i === line.length - 1 && !quote) continued = true;
        i += 1;
      } else if (quote === '"') {
        if (c === '"') quote = null;
      } else if (c === "'" || c === '"') {
        quote = c;
      } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) {
        break; // a comment to the end of the line
      }
    }
    if (quote || continued) continue;
    commands.push(pending);
    pending = '';
  }
  return commands;
}

/**
 * Every operation of every `graphql` block in README and docs/, each printed on its own (the blocks hold
 * several anonymous ones). Schema excerpts (type and directive definitions, as docs/caching.md shows a
 * subgraph's hints) are not requests and are left out.
 */
export function graphqlExamples(): string[] {
  return [...documentationPages().values()].flatMap((page) => codeBlocks('graphql', undefined, page)).flatMap((block) =>
    parse(block)
      .definitions.filter((definition) => !isTypeSystemDefinitionNode(definition) && !isTypeSystemExtensionNode(definition))
      .map((definition) => print({ kind: Kind.DOCUMENT, definitions: [definition] })),
  );
}
