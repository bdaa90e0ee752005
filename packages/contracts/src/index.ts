// What the services agree on, and nothing that runs: the service registry, the event catalogue, the
// job catalogue, the internal reads' routes and answers, the payment-identifier canonical form and
// the reporter-trust table. Plain data, types and zod schemas; this package imports nothing of ours,
// so the platform's runtime (outbox, relay, consumers, signing) and every service can depend on it.
export * from './services.ts';
export * from './events/catalogue.ts';
export * from './events/job-catalogue.ts';
export * from './internal-reads.ts';
export * from './payment-identifiers.ts';
export * from './reporter-trust.ts';
export * from './entity-cache/index.ts';
