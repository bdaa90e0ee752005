// The process-wide subscription cap's bookkeeping (the WebSocket behaviour is in
// test/e2e/gateway-metrics.e2e.test.ts): places up to the capacity, refusals counted, a place
// given back once however many paths end the same subscription.
import { describe, expect, it } from 'vitest';
import { SubscriptionCapacity } from '../src/subscriptions/capacity.ts';

describe('SubscriptionCapacity', () => {
  it('gives places up to the capacity and refuses (and counts) the next', () => {
    const capacity = new SubscriptionCapacity(3);
    const places = [capacity.take(), capacity.take(), capacity.take()];
    expect(places.every((place) => typeof place === 'function')).toBe(true);
    expect(capacity.active).toBe(3);
    expect(capacity.take()).toBeNull();
    expect(capacity.take()).toBeNull();
    expect(capacity.refused).toBe(2);
    expect(capacity.active).toBe(3);
  });

  it('takes a place back once, even when complete and the socket close both give it back', () => {
    const capacity = new SubscriptionCapacity(2);
    const first = capacity.take()!;
    capacity.take();
    first();
    first();
    expect(capacity.active).toBe(1);
    expect(capacity.take()).not.toBeNull();
    expect(capacity.take()).toBeNull();
  });

  it('answers in the member\'s language with a code the client retries on', () => {
    const capacity = new SubscriptionCapacity(1);
    expect(capacity.refusal('ko').toJSON()).toEqual({ message: '이 서버가 지금 받을 수 있는 구독이 가득 찼습니다. 잠시 후 다시 연결해 주세요.', extensions: { code: 'SUBSCRIPTION_CAPACITY', retryable: true } });
    expect(capacity.refusal('en').message).toBe('This server cannot take more subscriptions right now. Please reconnect in a moment.');
  });

  it('refuses a capacity that is not a positive whole number', () => {
    expect(() => new SubscriptionCapacity(0)).toThrow(/positive whole number/);
    expect(() => new SubscriptionCapacity(2.5)).toThrow(/positive whole number/);
  });
});
