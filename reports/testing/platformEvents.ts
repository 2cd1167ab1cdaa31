import { commitEvents, type EventRow } from '../../db/eventStore';
import type { EventsDb, TestEvent } from './eventsDb';

/**
 * Test helper: events with what eventsDb's rows leave out, a failure's error code and the
 * platform's pricing type, written through the same real write path (one commit per event, in
 * the order given).
 */

export type PlatformEvent = TestEvent & { errorCode?: number; pricing?: string };

let counter = 0;

function eventRow(e: PlatformEvent): EventRow {
  counter += 1;
  const micros = Date.parse(e.at) * 1000;
  return {
    business: e.business ?? 'acme', eventId: e.id ?? `pf${counter}`, type: e.type, channel: e.channel ?? 'whatsapp',
    customer: e.customer, customerRegion: e.region ?? 'DE', conversation: e.conversation ?? null, message: e.message ?? null,
    occurredAtMicros: micros, receivedAtMicros: micros, sender: e.sender ?? null, category: e.category ?? null,
    template: e.template ?? null, processedIn: e.processedIn ?? 'DE', errorCode: e.errorCode ?? null, pricing: e.pricing ?? null, source: null,
  };
}

export async function insertPlatformEvents(db: EventsDb, events: readonly PlatformEvent[]): Promise<void> {
  for (const e of events) await commitEvents(db.connection, [eventRow(e)]);
}
