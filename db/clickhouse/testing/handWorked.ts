import type { EventRow } from '../../eventStore';
import type { EventMetricsScope } from '../eventMetricsSql';

/**
 * A small case worked by hand: week of Mon 2026-04-06 to Sun 04-12 at handco (plus an event of
 * another business and one after the period).
 *   u1: received and sent (agent, marketing) in c1 on Mon, read in c1 on Tue (whatsapp)
 *   u2: a failed send in c2 on Tue (a failure opens no conversation), blocked on Wed (messenger)
 *   u3: received in c3 on Sun 23:59:59.999, and again on Mon 04-13 00:00 (after the period)
 *   u4: muted and reported on Thu (whatsapp)
 * Expected (handco, whole period): conversations 2 (c1, c3), conversation_customers 2 (u1, u3),
 * sent_to 1 (u1), blocked 1 (u2), muted 1, reported 1, negative 2 (u2, u4), opted_out 0,
 * sent_marketing 1 (u1), sent_by_agent 1 (u1); events: received 2, sent 1, read 1, failed 1,
 * blocked 1, muted 1, reported 1.
 */
export const HAND_SCOPE: EventMetricsScope = { startMs: Date.parse('2026-04-06T00:00:00Z'), endMs: Date.parse('2026-04-13T00:00:00Z'), business: 'handco' };

export const HAND_EXPECTED_METRICS = {
  conversations: 2, conversation_customers: 2, sent_to: 1, blocked: 1, muted: 1, reported: 1, negative: 2, opted_out: 0, sent_marketing: 1, sent_by_agent: 1,
};

export const HAND_EXPECTED_EVENTS = {
  'customer.blocked': 1, 'customer.muted': 1, 'customer.reported': 1, 'message.failed': 1, 'message.read': 1, 'message.received': 2, 'message.sent': 1,
};

let n = 0;
function event(at: string, fields: Partial<EventRow> & Pick<EventRow, 'type' | 'customer'>): EventRow {
  n += 1;
  const micros = Date.parse(at) * 1000;
  return {
    business: 'handco', eventId: `hand${n}`, channel: 'whatsapp', customerRegion: 'DE', conversation: null, message: null,
    occurredAtMicros: micros, receivedAtMicros: micros, sender: null, category: null, template: null, processedIn: 'DE',
    errorCode: null, pricing: null, source: null, ...fields,
  };
}

export const HAND_EVENTS: readonly EventRow[] = [
  event('2026-04-06T09:00:00Z', { type: 'message.received', customer: 'u1', conversation: 'c1' }),
  event('2026-04-06T09:05:00Z', { type: 'message.sent', customer: 'u1', conversation: 'c1', message: 'm1', sender: 'agent', category: 'marketing' }),
  event('2026-04-07T10:00:00Z', { type: 'message.read', customer: 'u1', conversation: 'c1', message: 'm1' }),
  event('2026-04-07T11:00:00Z', { type: 'message.failed', customer: 'u2', conversation: 'c2', message: 'm2', channel: 'messenger', errorCode: 131026 }),
  event('2026-04-08T12:00:00Z', { type: 'customer.blocked', customer: 'u2', channel: 'messenger' }),
  event('2026-04-12T23:59:59.999Z', { type: 'message.received', customer: 'u3', conversation: 'c3' }),
  event('2026-04-13T00:00:00Z', { type: 'message.received', customer: 'u3', conversation: 'c3' }),
  event('2026-04-09T08:00:00Z', { type: 'customer.muted', customer: 'u4' }),
  event('2026-04-09T08:01:00Z', { type: 'customer.reported', customer: 'u4' }),
  event('2026-04-08T08:00:00Z', { type: 'customer.blocked', customer: 'u9', business: 'otherco' }),
];
