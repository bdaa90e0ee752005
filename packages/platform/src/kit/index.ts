// The subgraph kit: what every subgraph's services, jobs and database use the same way.
export * from './authorization.ts';
export * from './validate.ts';
export * from './define-job.ts';
