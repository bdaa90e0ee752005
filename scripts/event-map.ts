// `npm run docs:events`: rewrites README.md's event map from the event catalogue and the handlers.
// `npm run docs:events -- --check` only reports (exit 1) when it is stale.
import { EVENT_MAP, eventMapProblems, renderEventMap } from './lib/event-map.ts';
import { runGenerator } from './lib/generated-block.ts';

runGenerator({ block: EVENT_MAP, render: () => renderEventMap(), problems: (page) => eventMapProblems(page), label: 'docs:events' });
