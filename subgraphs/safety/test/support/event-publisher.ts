// Safety's events as the other services send them (the shared FakeProducer: a real outbox and
// relay), addressed by type and data alone; also injects raw jobs (poison, redeliveries) and
// replays the outbox as a crashed relay would.
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import {
  consumerQueueName,
  createQueueConnection,
  queuePrefix,
  type EventEnvelope,
  type RedisSettings,
} from '@anshim/platform';
import type { EventData, EventType, SubgraphName } from '@anshim/contracts';
import { FakeProducer } from '../../../../test/support/fake-producer.ts';

export interface PublishOptions {
  occurredAt?: Date;
}

export class TestEventPublisher {
  private producer!: FakeProducer;
  private queue!: Queue;
  private connection: ReturnType<typeof createQueueConnection> | undefined;

  constructor(
    private readonly databaseUrl: string,
    readonly redis: RedisSettings,
  ) {}

  async start(): Promise<this> {
    // The relay also polls, so rows marked unsent (republishAll) go again on their own.
    this.producer = await new FakeProducer({ databaseUrl: this.databaseUrl, redis: this.redis, pollIntervalMs: 200 }).start();
    this.connection = createQueueConnection(this.redis);
    this.queue = new Queue(consumerQueueName('safety'), { connection: this.connection, prefix: queuePrefix(this.redis, consumerQueueName('safety')) });
    return this;
  }

  /** Records the event in the outbox (validated by the catalogue) and relays it; returns the envelope. */
  async publish<T extends EventType>(type: T, data: EventData<T>, options: PublishOptions = {}): Promise<EventEnvelope<T>> {
    const producer = (type.startsWith('product.') ? 'transaction' : type.slice(0, type.indexOf('.'))) as SubgraphName;
    const subject = data as { userId?: string; targetUserId?: string; sellerId?: string; rateeId?: string };
    return this.producer.publish({
      type,
      producer,
      subjectUserId: subject.userId ?? subject.targetUserId ?? subject.rateeId ?? subject.sellerId ?? null,
      data,
      occurredAt: options.occurredAt,
    });
  }

  /** Puts a job straight into safety's queue, bypassing validation: poison, or a redelivery under a new job id. */
  async inject(envelope: unknown, jobId = `injected-${randomBytes(6).toString('hex')}`): Promise<string> {
    const type = (envelope as { type?: unknown })?.type;
    await this.queue.add(typeof type === 'string' ? type : 'unknown', envelope, { jobId, attempts: 2, backoff: { type: 'fixed', delay: 50 }, removeOnFail: false });
    return jobId;
  }

  /**
   * As if the relay crashed after enqueueing but before marking its rows sent: marks every row
   * unsent and waits until the relay has published them all again. Returns how many.
   */
  async republishAll(): Promise<number> {
    const count = await this.producer.sql.$executeRawUnsafe('UPDATE outbox_events SET published_at = NULL');
    this.producer.relay.nudge();
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
      const [row] = await this.producer.sql.$queryRawUnsafe<Array<{ n: string }>>('SELECT count(*) AS n FROM outbox_events WHERE published_at IS NULL');
      if (Number(row?.n) === 0) return count;
    }
    throw new Error('the relay did not publish the rows again within 15 s');
  }

  async stop(): Promise<void> {
    await this.queue?.close();
    this.connection?.disconnect();
    await this.producer?.stop();
  }
}
