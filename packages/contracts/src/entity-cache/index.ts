export * from './hints.ts';
export * from './events.ts';
