import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { openDatabase } from '../../db/duckdb';
import { migrate } from '../../db/migrate';
import type { BusinessHours, BusinessRecord, ProcessingLocation } from '../../db/registry';
import { ReadQueue, reportSource, type ReportSource } from '../db/reportSource';

/**
 * Test helper: a migrated in-memory DuckDB whose `events` table is filled directly with
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
  processedIn?: string;
}

export interface EventsDb {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
  insert: (events: TestEvent[]) => Promise<void>;
  source: (businesses: BusinessRecord[]) => ReportSource;
  close: () => void;
}

let counter = 0;

export async function openEventsDb(): Promise<EventsDb> {
  const instance = await openDatabase(':memory:');
  const connection = await instance.connect();
  await migrate(connection);
  const reads = new ReadQueue(await instance.connect());
  return {
    instance,
    connection,
    insert: async (events) => {
      for (const e of events) {
        counter += 1;
        await connection.run(
          `INSERT INTO events (business, event_id, type, channel, customer, customer_region, conversation, message, occurred_at, received_at,
             sender, category, template, processed_in, error_code)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CAST($9 AS TIMESTAMPTZ), CAST($9 AS TIMESTAMPTZ), $10, $11, $13, $12, NULL)`,
          [
            e.business ?? 'acme', e.id ?? `e${counter}`, e.type, e.channel ?? 'whatsapp', e.customer, e.region ?? 'DE',
            e.conversation ?? null, e.message ?? null, e.at, e.sender ?? null, e.category ?? null, e.processedIn ?? 'DE', e.template ?? null,
          ] as never,
        );
      }
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

export function business(id: string, overrides: Partial<BusinessRecord> = {}, locations: ProcessingLocation[] = [
  { country: 'DE', processor: 'Example Hosting GmbH', role: 'processor', mechanism: 'eea', primary: true },
]): BusinessRecord {
  return {
    id,
    name: `Business ${id}`,
    sector: 'retail',
    verified: true,
    timezone: 'UTC',
    businessHours: WEEKDAY_9_TO_17,
    processingLocations: locations,
    webhooksConfigured: false,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}
