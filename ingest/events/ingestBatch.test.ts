import { describe, expect, it } from 'vitest';
import { Pseudonymiser } from '../anonymise/pseudonym';
import type { BodyItem } from './bodyItem';
import { prepareItems, prepareItemsInTurns, type PrepareContext } from './ingestBatch';

const context: PrepareContext = {
  scope: new Set(['acme', 'ghost']),
  business: (id) => (id === 'acme' ? { primaryProcessingCountry: 'DE' } : undefined),
  pseudonymiser: new Pseudonymiser(Buffer.alloc(32, 7)),
  previousPseudonymiser: undefined,
  receivedAtMicros: Date.parse('2026-11-20T12:00:00Z') * 1000,
  retentionDays: 400,
};

/** Valid events with refusals of every kind among them: not JSON, invalid, another key's business, unregistered. */
function items(count: number): BodyItem[] {
  return Array.from({ length: count }, (_, i): BodyItem => {
    const event = { id: `e${i}`, business: 'acme', type: 'message.received', channel: 'whatsapp', customer: `+4915112345${String(i).padStart(3, '0')}`, conversation: `c${i % 7}`, at: '2026-11-19T09:00:00Z' };
    switch (i % 10) {
      case 3: return { ok: false, error: 'not JSON' };
      case 5: return { ok: true, value: { ...event, type: 'message.teleported' } };
      case 7: return { ok: true, value: { ...event, business: 'other' } };
      case 8: return { ok: true, value: { ...event, business: 'ghost' } };
      default: return { ok: true, value: event };
    }
  });
}

describe('prepareItemsInTurns', () => {
  it('prepares a batch exactly as prepareItems does: the same rows, rejections and counts', async () => {
    const batch = items(137);
    const inTurns = await prepareItemsInTurns(batch, context, 20);
    expect(inTurns).toEqual(prepareItems(batch, context));
    expect(inTurns.rows).toHaveLength(83);
    expect(inTurns.rejected).toHaveLength(54);
    expect(inTurns.outOfScope).toBe(26);
  });

  it('gives the event loop a turn between slices, so work waiting on it is not held up by a large request', async () => {
    let ranMeanwhile = false;
    setImmediate(() => (ranMeanwhile = true));
    await prepareItemsInTurns(items(30), context, 50);
    expect(ranMeanwhile).toBe(false);
    setImmediate(() => (ranMeanwhile = true));
    await prepareItemsInTurns(items(120), context, 50);
    expect(ranMeanwhile).toBe(true);
  });
});
