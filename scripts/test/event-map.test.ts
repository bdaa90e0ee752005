import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONSUMED_EVENTS, SUBGRAPHS, consumersOf, type EventType } from '@anshim/contracts';
import { EVENT_MAP, eventMapProblems, findHandlers, renderEventMap, withEventMap } from '../lib/event-map.ts';
import { readPage } from '../lib/generated-block.ts';

describe("README's event map", () => {
  it('matches the catalogue and the handlers', () => {
    // On failure: `npm run docs:events` and commit README.md.
    expect(eventMapProblems(readPage(EVENT_MAP))).toEqual([]);
  });

  it('says which command fixes a stale map', () => {
    const readme = readPage(EVENT_MAP);
    const stale = readme.replace(/\| `report\.filed` \|[^\n]*\n/, '');
    expect(eventMapProblems(stale)).toEqual(["README.md's event map is stale (it no longer matches the catalogue and the handlers): run `npm run docs:events` and commit README.md."]);
    expect(withEventMap(stale)).toBe(readme);
  });

  it("finds a handler in a file that declares the service's handler table, and only there", () => {
    const root = mkdtempSync(join(tmpdir(), 'event-map-'));
    const write = (path: string, text: string) => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    write('subgraphs/report/src/inbound/handlers.ts', "const h: EventHandlers<'report', Tx> = {\n  'user.verified': async () => {},\n  'not.an_event': async () => {},\n};\n");
    write('subgraphs/report/src/other.ts', "const copy = {\n  'user.registered': 1,\n};\n");
    write('subgraphs/monitor/src/generated/x.ts', "EventHandlers<'monitor', Tx>\n  'user.verified': 1,\n");
    for (const name of ['user', 'transaction', 'safety', 'monitor', 'chat', 'payment']) mkdirSync(join(root, 'subgraphs', name, 'src'), { recursive: true });
    const handlers = findHandlers(root);
    expect([...handlers.keys()]).toEqual(['user.verified']);
    expect(handlers.get('user.verified')).toEqual([{ service: 'report', file: 'subgraphs/report/src/inbound/handlers.ts' }]);
    expect(renderEventMap(handlers)).toContain('| `user.verified` | normal | user | [report](subgraphs/report/src/inbound/handlers.ts) |');
    expect(renderEventMap(handlers)).toContain('| `report.filed` | normal | report | — (no handler yet) |');
  });

  it("lists in CONSUMED_EVENTS exactly each service's handlers (the relay enqueues by that list)", () => {
    // A handler missing from the list never gets its events; a listed type without a handler fills the queue for nothing.
    const handlers = findHandlers();
    for (const { name } of SUBGRAPHS) {
      const handled = [...handlers].filter(([, list]) => list.some((h) => h.service === name)).map(([type]) => type);
      expect([...CONSUMED_EVENTS[name]].sort(), name).toEqual(handled.sort());
    }
    expect(consumersOf('user.signed_in' as EventType)).toEqual(['monitor']);
  });
});
