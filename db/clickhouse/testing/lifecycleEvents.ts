import { createHash } from 'node:crypto';
import type { EventRow } from '../../eventStore';

/** A 64-hex pseudonym, as the anonymiser makes them (the stores never look inside). */
export const hexId = (text: string) => createHash('sha256').update(text).digest('hex');

/** One message.received event of `customer` at `business`, at an ISO instant, with a hex event id. */
export function eventAt(business: string, name: string, customer: string, iso: string, extra: Partial<EventRow> = {}): EventRow {
  const micros = Date.parse(iso) * 1000;
  return {
    business, eventId: hexId(`${business}/${name}`), type: 'message.received', channel: 'whatsapp', customer, customerRegion: 'DE',
    conversation: `conv-${customer}`, message: `msg-${name}`, occurredAtMicros: micros, receivedAtMicros: micros + 5000,
    sender: null, category: null, template: null, processedIn: 'DE', errorCode: null, pricing: null, source: null, ...extra,
  };
}
