import type { ErasureTarget } from '../lifecycle';
import { SUBJECT_EVENT_COLUMNS, subjectEventOf, type SubjectEvent, type SubjectEventRow } from '../subjectAccess';
import type { ClickHouseClient } from './clickhouseClient';
import { loadPersons } from './clickhouseLinks';
import { EVENTS_TABLE } from './schema';
import { literal, literalTuple } from './sqlLiteral';

/**
 * Subject access on ClickHouse (db/subjectAccess.ts is DuckDB's): the persons found as erasure
 * finds them (./clickhouseLifecycle.ts eraseCustomers: the targets' pseudonyms and the persons
 * their links lead to), and their events at each target's business, each once (FINAL), oldest first.
 */
export async function subjectEvents(client: ClickHouseClient, targets: readonly ErasureTarget[]): Promise<SubjectEvent[]> {
  const events: SubjectEvent[] = [];
  for (const target of targets) {
    const records = (await loadPersons(client, target.customers)).get(target.business) ?? [];
    const customers = [...new Set([...target.customers, ...records.map((r) => r.person)])];
    if (customers.length === 0) continue;
    const rows = await client.query<SubjectEventRow>(`SELECT ${SUBJECT_EVENT_COLUMNS}, occurred_us AS atMicros
FROM ${EVENTS_TABLE} FINAL WHERE business = ${literal(target.business)} AND customer IN ${literalTuple(customers)}
ORDER BY occurred_us, type`);
    events.push(...rows.map(subjectEventOf));
  }
  return events;
}
