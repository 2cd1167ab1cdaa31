import { eq } from 'drizzle-orm';
import { businesses, processingRecords } from './schema';
import type { RegistryStore } from './store';

// The records of processing a business declared (table processing_records of db/schema.ts): one
// JSON document per business, validated by the API before it is stored (snake_case keys, as the
// API speaks them). Read by the Art. 30 record. Written with drizzle's query builder: DuckDB and
// PostgreSQL alike.

export const LEGAL_BASES = ['contract', 'consent', 'legitimate_interests', 'legal_obligation', 'vital_interests', 'public_task'] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

export interface ProcessingPurpose {
  id: string;
  description: string;
  legal_basis: LegalBasis;
  /** 1..3650 */
  retention_days: number;
}

export interface WhatsAppNumberStorage {
  phone_number_id: string;
  /** The Cloud API's local-storage region (ISO 3166-1 alpha-2); null: none set. */
  data_localization_region: string | null;
}

export interface ProcessingRecords {
  controller: { name: string; address: string; contact: string };
  dpo: { name: string; email: string };
  purposes: ProcessingPurpose[];
  whatsapp_numbers: WhatsAppNumberStorage[];
}

export interface StoredProcessingRecords {
  records: ProcessingRecords;
  updatedAt: string;
}

// Both engines hand a timestamptz back as text such as `2026-11-01 09:00:00+00`.
const isoOf = (text: string) => new Date(Date.parse(text)).toISOString();

/** Sets (or replaces) the business's records; false when the business is not registered. */
export async function setProcessingRecords(store: RegistryStore, business: string, records: ProcessingRecords, now = new Date()): Promise<boolean> {
  return store.transaction(async (db) => {
    const [known] = await db.select({ id: businesses.id }).from(businesses).where(eq(businesses.id, business));
    if (!known) return false;
    const row = { records, updatedAt: now.toISOString() };
    await db.insert(processingRecords).values({ business, ...row }).onConflictDoUpdate({ target: processingRecords.business, set: row });
    return true;
  });
}

/** The records the business declared, with when they were last set; undefined when none. */
export async function getStoredProcessingRecords(store: RegistryStore, business: string): Promise<StoredProcessingRecords | undefined> {
  const [row] = await store.exclusive((db) => db.select().from(processingRecords).where(eq(processingRecords.business, business)));
  return row && { records: row.records as ProcessingRecords, updatedAt: isoOf(row.updatedAt) };
}

/** The records the business declared; undefined when it declared none. */
export async function getProcessingRecords(store: RegistryStore, business: string): Promise<ProcessingRecords | undefined> {
  return (await getStoredProcessingRecords(store, business))?.records;
}
