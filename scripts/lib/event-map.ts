// The event map in README.md: every event type of the catalogue, its priority, the service that
// publishes it (the catalogue's prefix rule) and the services that handle it, each linked to the
// file that holds the handler. Handlers are found in the source: a file of subgraphs/<name>/src that
// declares `EventHandlers<'<name>', …>` and has a `'<event type>':` key. So a handler added, removed
// or moved to another file makes the table stale, and `npm run docs:events` rewrites it.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { EVENT_CATALOGUE, isEventType, producerOf, type EventType } from '../../packages/contracts/src/events/catalogue.ts';
import { SUBGRAPHS, type SubgraphName } from '../../packages/contracts/src/services.ts';
import { withBlock, type GeneratedBlock } from './generated-block.ts';
import { repoRoot } from './services.ts';

export const EVENT_MAP: GeneratedBlock = { page: 'README.md', start: '<!-- events:start -->', end: '<!-- events:end -->' };
export const EVENT_MAP_FIX = 'npm run docs:events';

export interface Handler {
  service: SubgraphName;
  /** Relative to the repository root. */
  file: string;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => !file.includes(`${'/'}generated${'/'}`))
    .sort();
}

/** The handlers of every event type, per service, in the order the services are declared. */
export function findHandlers(root = repoRoot): Map<EventType, Handler[]> {
  const handlers = new Map<EventType, Handler[]>();
  for (const { name: service } of SUBGRAPHS) {
    for (const file of sourceFiles(join(root, 'subgraphs', service, 'src'))) {
      const text = readFileSync(file, 'utf8');
      if (!text.includes(`EventHandlers<'${service}'`)) continue;
      for (const [, type] of text.matchAll(/^\s+'([a-z]+\.[a-z_]+)':/gm)) {
        if (!isEventType(type!)) continue;
        const list = handlers.get(type) ?? [];
        if (!list.some((h) => h.service === service && h.file === relative(root, file))) list.push({ service, file: relative(root, file) });
        handlers.set(type, list);
      }
    }
  }
  return handlers;
}

/** The markdown table, one row per event type in catalogue order; links are relative to README.md. */
export function renderEventMap(handlers = findHandlers()): string {
  const rows = (Object.keys(EVENT_CATALOGUE) as EventType[]).map((type) => {
    const consumers = (handlers.get(type) ?? []).map((h) => `[${h.service}](${h.file})`).join(', ') || '— (no handler yet)';
    return `| \`${type}\` | ${EVENT_CATALOGUE[type].priority} | ${producerOf(type)} | ${consumers} |`;
  });
  return ['| event | priority | published by | handled by (the file) |', '|---|---|---|---|', ...rows].join('\n');
}

export function withEventMap(readme: string, table = renderEventMap()): string {
  return withBlock(EVENT_MAP, readme, table);
}

export function eventMapProblems(readme: string, table = renderEventMap()): string[] {
  return withEventMap(readme, table) === readme
    ? []
    : [`${EVENT_MAP.page}'s event map is stale (it no longer matches the catalogue and the handlers): run \`${EVENT_MAP_FIX}\` and commit ${EVENT_MAP.page}.`];
}
