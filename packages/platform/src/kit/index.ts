// The subgraph kit: what every subgraph composes itself from (defineSubgraph, its env, its
// resources) and what its services, jobs, producers and database use the same way.
export * from './authorization.ts';
export * from './clock.ts';
export * from './validate.ts';
export * from './define-job.ts';
export * from './sweep.ts';
export * from './subgraph-env.ts';
export * from './service-resources.ts';
export * from './define-subgraph.ts';
export * from './outbox-writer.ts';
export * from './fixed-windows.ts';
export * from './dashboard-days.ts';
export * from './audit-event.ts';
