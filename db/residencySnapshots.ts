import { eq } from 'drizzle-orm';
import { residencySnapshots } from './schema';
import type { RegistryStore } from './store';

// What the residency change alerts last recorded per business (table residency_snapshots of
// db/schema.ts): one JSON document, compared with the next evaluation's residency report
// (web/server/alerts/residencyAlerts.ts). Country codes, organisation and processor names,
// mechanisms and statuses only: nothing of a customer. Drizzle's query builder: DuckDB and
// PostgreSQL alike.

export type SnapshotStatus = 'ok' | 'safeguarded' | 'exposed';

export interface SnapshotLocation {
  /** ISO 3166-1 alpha-2; null for an international organisation. */
  country: string | null;
  organisation: string | null;
  /** The declared processor, or `undeclared` for a country seen in the events but not declared. */
  processor: string;
  mechanism: string;
  importer_subject_to_gdpr: boolean;
  status: SnapshotStatus;
  declared: boolean;
  /** EEA customers' data was processed there in the window (an undeclared location always was). */
  seen: boolean;
}

/** One legal list entry as last seen: what it applies to and a digest of its content. */
export interface LawFingerprint {
  applies_to: string;
  digest: string;
}

export interface ResidencySnapshot {
  adequacy_version: number;
  transfer_law_version: number;
  /** Per entry of the legal lists (transfer law by id, adequacy by country or organisation). */
  law: Record<string, LawFingerprint>;
  locations: SnapshotLocation[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Records (or replaces) the business's snapshot. */
export async function setResidencySnapshot(store: RegistryStore, business: string, snapshot: ResidencySnapshot, atMs: number): Promise<void> {
  const row = { snapshot, updatedAt: iso(atMs) };
  await store.exclusive((db) => db.insert(residencySnapshots).values({ business, ...row }).onConflictDoUpdate({ target: residencySnapshots.business, set: row }));
}

/** The business's last snapshot; undefined before its first evaluation. */
export async function getResidencySnapshot(store: RegistryStore, business: string): Promise<ResidencySnapshot | undefined> {
  const [row] = await store.exclusive((db) => db.select().from(residencySnapshots).where(eq(residencySnapshots.business, business)));
  return row?.snapshot as ResidencySnapshot | undefined;
}

/** Every business's last snapshot, by business. */
export async function listResidencySnapshots(store: RegistryStore): Promise<Map<string, ResidencySnapshot>> {
  const rows = await store.exclusive((db) => db.select({ business: residencySnapshots.business, snapshot: residencySnapshots.snapshot }).from(residencySnapshots));
  return new Map(rows.map((row) => [row.business, row.snapshot as ResidencySnapshot]));
}
