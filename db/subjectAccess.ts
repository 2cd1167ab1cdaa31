import type { DuckDBConnection } from '@duckdb/node-api';
import { loadPersons } from './customerLinks';
import { queryRows } from './duckdb';
import type { ErasureTarget } from './lifecycle';

// Subject access (GDPR Art. 15): what is stored of one person, read the way erasure finds what to
// delete (db/lifecycle.ts eraseCustomers): the targets' pseudonyms and the persons their identity
// links lead to, at each business named and nowhere else. Metadata only: the events hold no content.

/** One stored event of the person, without any identifier (no pseudonym of the person, conversation or message). */
export interface SubjectEvent {
  business: string;
  /** When it happened, RFC 3339 UTC. */
  at: string;
  type: string;
  channel: string;
  /** The customer's region (ISO 3166-1 alpha-2, ZZ when unknown). */
  region: string;
  /** Where the event was processed (ISO 3166-1 alpha-2). */
  processedIn: string;
  sender: string | null;
  category: string | null;
  template: string | null;
  campaign: string | null;
  pricing: string | null;
}

/** The event columns a subject access returns, as both engines name them. */
export const SUBJECT_EVENT_COLUMNS = 'business, type, channel, customer_region AS region, processed_in AS "processedIn", sender, category, template, campaign, pricing';

export type SubjectEventRow = Omit<SubjectEvent, 'at'> & { atMicros: number | string };

export const subjectEventOf = ({ atMicros, ...row }: SubjectEventRow): SubjectEvent =>
  ({ ...row, at: new Date(Math.floor(Number(atMicros) / 1000)).toISOString() });

const HEX_ID = /^[0-9a-f]{64}$/;

/** The person's events at each target's business, oldest first (businesses in the targets' order). */
export async function subjectEvents(connection: DuckDBConnection, targets: readonly ErasureTarget[]): Promise<SubjectEvent[]> {
  const events: SubjectEvent[] = [];
  for (const target of targets) {
    const persons = ((await loadPersons(connection, target.customers)).get(target.business) ?? []).map((r) => r.person);
    // Our own HMAC hex digests, checked here, so they can be inlined safely.
    const list = [...new Set([...target.customers, ...persons])].filter((c) => HEX_ID.test(c)).map((c) => `'${c}'`).join(',');
    if (!list) continue;
    const rows = await queryRows<SubjectEventRow>(connection, `SELECT ${SUBJECT_EVENT_COLUMNS}, epoch_us(occurred_at)::DOUBLE AS "atMicros"
FROM events WHERE business = $1 AND customer IN (${list}) ORDER BY occurred_at, type`, [target.business]);
    events.push(...rows.map(subjectEventOf));
  }
  return events;
}
