import { describe, expect, it } from 'vitest';
import { IngestKeyQuotas, KeyQuotaExceededError } from './ingestQuotas';

// The quotas' arithmetic with a clock the test moves; the HTTP behaviour is in
// web/server/routes/events/quotas.test.ts.
function quotas(eventsPerSecond: number, burstEvents: number, queueShare = 1, maxQueuedRows = 1_000) {
  const clock = { ms: 0 };
  return { clock, quotas: new IngestKeyQuotas({ eventsPerSecond, burstEvents, queueShare }, maxQueuedRows, () => clock.ms) };
}

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof KeyQuotaExceededError) return { exceeded: error.exceeded, retryAfter: error.retryAfterSeconds };
    throw error;
  }
  return undefined;
};

describe('IngestKeyQuotas', () => {
  it('refills a key\'s bucket at its rate up to the burst, and says how long until it holds an event', () => {
    const { clock, quotas: q } = quotas(10, 100);
    q.charge('k', 130);
    expect(refusal(() => q.admit('k'))).toEqual({ exceeded: 'rate', retryAfter: 4 });
    clock.ms = 3_000;
    expect(refusal(() => q.admit('k'))).toEqual({ exceeded: 'rate', retryAfter: 1 });
    clock.ms = 3_100;
    expect(refusal(() => q.admit('k'))).toBeUndefined();
    // Never more than the burst, however long it waited.
    clock.ms = 1_000_000;
    q.charge('k', 100);
    expect(refusal(() => q.admit('k'))).toEqual({ exceeded: 'rate', retryAfter: 1 });
  });

  it('has no rate limit at 0 events per second', () => {
    const { quotas: q } = quotas(0, 1);
    q.charge('k', 1_000_000);
    expect(refusal(() => q.admit('k'))).toBeUndefined();
  });

  it('caps a key\'s waiting rows at its share of the queue, always taking one request of a key with none', () => {
    const { quotas: q } = quotas(0, 1, 0.25, 1_000);
    expect(q.maxHeldRows).toBe(250);
    const big = q.hold('a', 400);
    expect(refusal(() => q.admit('a'))).toEqual({ exceeded: 'queue_share', retryAfter: 1 });
    expect(refusal(() => q.hold('a', 1))).toEqual({ exceeded: 'queue_share', retryAfter: 1 });
    const other = q.hold('b', 250);
    big();
    big();
    expect(refusal(() => q.admit('a'))).toBeUndefined();
    const small = q.hold('a', 200);
    expect(refusal(() => q.hold('a', 51))).toEqual({ exceeded: 'queue_share', retryAfter: 1 });
    q.hold('a', 50)();
    small();
    other();
  });
});
