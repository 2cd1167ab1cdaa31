import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { openDatabase } from '../../db/duckdb';
import { migrate } from '../../db/migrate';
import { commitEvents, type EventRow } from '../../db/eventStore';
import { withLocationDefaults, type BusinessHours, type BusinessRecord, type ProcessingLocationInput } from '../../db/registry';
import { ReadQueue, reportSource, type ReportSource } from '../db/reportSource';

/**
 * Test helper: a migrated in-memory DuckDB whose `events` table is filled through the real write path with
 * hand-made rows (identifiers are plain strings here: the reports never look inside them), and
 * a ReportSource over it with a hand-made registry.
 */

export interface TestEvent {
  business?: string;
  id?: string;
  type: string;
  channel?: string;
  customer: string;
  region?: string;
  conversation?: string | null;
  message?: string | null;
  /** ISO instant. */
  at: string;
  sender?: string | null;
  category?: string | null;
  template?: string | null;
  /** A send's campaign tag. */
  campaign?: string | null;
  processedIn?: string;
  /** A failure's error code, and the platform's pricing type of a send or status. */
  errorCode?: number;
  pricing?: string;
}

export interface EventsDb {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
  insert: (events: TestEvent[]) => Promise<void>;
  /** All in one commit, as the writer commits a batch: faster where the arrival order does not matter. */
  insertBatch: (events: TestEvent[]) => Promise<void>;
  source: (businesses: BusinessRecord[]) => ReportSource;
  close: () => void;
}

let counter = 0;

function eventRow(e: TestEvent): EventRow {
  counter += 1;
  const micros = Date.parse(e.at) * 1000;
  return {
    business: e.business ?? 'acme', eventId: e.id ?? `e${counter}`, type: e.type, channel: e.channel ?? 'whatsapp',
    customer: e.customer, customerRegion: e.region ?? 'DE', conversation: e.conversation ?? null, message: e.message ?? null,
    occurredAtMicros: micros, receivedAtMicros: micros, sender: e.sender ?? null, category: e.category ?? null,
    template: e.template ?? null, campaign: e.campaign ?? null, processedIn: e.processedIn ?? 'DE', errorCode: e.errorCode ?? null, pricing: e.pricing ?? null, source: null,
  };
}

export async function openEventsDb(): Promise<EventsDb> {
  const instance = await openDatabase(':memory:');
  const connection = await instance.connect();
  await migrate(connection);
  const reads = new ReadQueue([await instance.connect()]);
  return {
    instance,
    connection,
    // Through the real write path, one commit per event in the order given, so the facts
    // merged at write time see the events as late and out of order as a test makes them.
    insert: async (events) => {
      for (const e of events) await commitEvents(connection, [eventRow(e)]);
    },
    insertBatch: async (events) => {
      if (events.length > 0) await commitEvents(connection, events.map(eventRow));
    },
    source: (businesses) => reportSource(reads, async () => businesses),
    close: () => {
      connection.closeSync();
      reads.connection.closeSync();
      instance.closeSync();
    },
  };
}

export const WEEKDAY_9_TO_17: BusinessHours = {
  mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']], thu: [['09:00', '17:00']], fri: [['09:00', '17:00']],
};

export function business(id: string, overrides: Partial<BusinessRecord> = {}, locations: ProcessingLocationInput[] = [
  { country: 'DE', processor: 'Example Hosting GmbH', role: 'processor', mechanism: 'eea', primary: true },
]): BusinessRecord {
  return {
    id,
    name: `Business ${id}`,
    sector: 'retail',
    verified: true,
    timezone: 'UTC',
    businessHours: WEEKDAY_9_TO_17,
    processingLocations: locations.map(withLocationDefaults),
    webhooksConfigured: false,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}
