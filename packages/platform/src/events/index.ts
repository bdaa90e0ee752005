export * from './envelope.ts';
export * from './sql-client.ts';
export * from './outbox.ts';
export * from './relay.ts';
export * from './consumer.ts';
export * from './dead-letters.ts';
export { BULLMQ_PRIORITY, consumerQueueName, deadLetterQueueName, DEFAULT_RETRY_POLICY, type RetryPolicy } from './queues.ts';
export * from './after-commit.ts';
export * from './worker-close.ts';
