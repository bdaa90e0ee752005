// Counts every send of the process by channel and outcome (anshim_delivery_total): sent, failed
// (the provider was down or erred: tried again later or reported to the member), refused (the
// provider said no to this message). The outbound sender adds `expired`. Wraps whatever provider
// createDeliveryProvider picked, so codes sent in a request and queued guardian SMS count alike.
import { Counter } from 'prom-client';
import type { Metrics } from '@anshim/platform';
import { DeliveryRefusedError, type DeliveryProvider, type OutgoingEmail, type OutgoingSms } from './delivery.ts';

const counters = new WeakMap<object, Counter<'channel' | 'outcome'>>();

/** The process's anshim_delivery_total (registered once per registry); undefined without metrics. */
export function deliveryCounter(metrics: Metrics | undefined): Counter<'channel' | 'outcome'> | undefined {
  if (!metrics) return undefined;
  let counter = counters.get(metrics.registry);
  if (!counter) {
    counter = new Counter({
      name: 'anshim_delivery_total',
      help: 'Messages handed to the delivery provider, by channel (sms|email) and outcome (sent|failed|refused|expired)',
      labelNames: ['channel', 'outcome'] as const,
      registers: [metrics.registry],
    });
    counters.set(metrics.registry, counter);
  }
  return counter;
}

export class CountedDeliveryProvider implements DeliveryProvider {
  readonly name: string;
  private readonly counter: Counter<'channel' | 'outcome'> | undefined;

  constructor(
    readonly inner: DeliveryProvider,
    metrics: Metrics | undefined,
  ) {
    this.name = inner.name;
    this.counter = deliveryCounter(metrics);
  }

  sendEmail(message: OutgoingEmail): Promise<void> {
    return this.count('email', () => this.inner.sendEmail(message));
  }

  sendSms(message: OutgoingSms): Promise<void> {
    return this.count('sms', () => this.inner.sendSms(message));
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async count(channel: 'sms' | 'email', send: () => Promise<void>): Promise<void> {
    try {
      await send();
      this.counter?.inc({ channel, outcome: 'sent' });
    } catch (error) {
      this.counter?.inc({ channel, outcome: error instanceof DeliveryRefusedError ? 'refused' : 'failed' });
      throw error;
    }
  }
}
