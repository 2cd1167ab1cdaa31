import type { ClickHouseSettings } from '@clickhouse/client';
import type { IdentityRecord, LinkWrite } from '../customerLinks';
import type { IdentityLinkStore } from '../identityLinksPort';
import type { ClickHouseClient } from './clickhouseClient';
import { LINKS_TABLE } from './schema';
import { literal, literalTuple } from './sqlLiteral';

/**
 * Identity links on ClickHouse (./schema.ts customer_links): the same records as
 * db/customerLinks.ts, appended with a version; reads take each identifier's latest version
 * (FINAL). Identifiers are pseudonyms keyed by their business, so one never matches another
 * business's.
 */

interface LinkRow {
  business: string;
  identity: string;
  person: string;
  kind: IdentityRecord['kind'];
  region: string;
  first_us: number;
  version: number;
}

// Versions increase within the process and across restarts (a microsecond clock). Between app
// servers they compare by the servers' clocks: two servers linking the same identifier in the
// same instant is a race the later clock wins, as a later link would.
let lastVersion = 0;
const nextVersion = () => (lastVersion = Math.max(lastVersion + 1, Date.now() * 1000));

/** Appends link records; resolves once ClickHouse acknowledged them (as events: ./clickhouseEventStore.ts). */
export async function saveLinks(client: ClickHouseClient, links: readonly LinkWrite[], settings: ClickHouseSettings): Promise<void> {
  const rows: LinkRow[] = links.flatMap(({ business, records }) => records.map((r) => ({
    business, identity: r.identity, person: r.person, kind: r.kind, region: r.region,
    first_us: Math.round(r.firstAtMicros), version: nextVersion(),
  })));
  await client.insertJsonEachRow(LINKS_TABLE, rows, settings);
}

const RECORD_COLUMNS = 'business, identity, person, kind, region, first_us AS firstAtMicros';
// Values per query: ClickHouse parses at most max_query_size (256 KiB) of a query; 1000
// (business, pseudonym) pairs stay near 100 KB.
const CHUNK = 1000;

function chunks<T>(values: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += CHUNK) out.push(values.slice(i, i + CHUNK));
  return out;
}

/**
 * The records of these identifiers and of every other identifier of their persons, by business
 * (db/customerLinks.ts loadPersons). Two reads instead of one with a subquery: through a
 * Distributed table a subquery over another Distributed table is refused (distributed_product_mode).
 */
export async function loadPersons(client: ClickHouseClient, identities: readonly string[]): Promise<Map<string, IdentityRecord[]>> {
  const byBusiness = new Map<string, IdentityRecord[]>();
  const persons = new Set<string>();
  for (const ids of chunks([...new Set(identities)])) {
    const rows = await client.query<{ business: string; person: string }>(
      `SELECT business, person FROM ${LINKS_TABLE} FINAL WHERE identity IN ${literalTuple(ids)}`,
    );
    for (const r of rows) persons.add(`${r.business}\u0000${r.person}`);
  }
  const pairs = [...persons].map((p) => p.split('\u0000') as [string, string]);
  for (const batch of chunks(pairs)) {
    const rows = await client.query<IdentityRecord & { business: string }>(
      `SELECT ${RECORD_COLUMNS} FROM ${LINKS_TABLE} FINAL WHERE (business, person) IN (${batch.map(([b, p]) => `(${literal(b)}, ${literal(p)})`).join(', ')})`,
    );
    for (const { business, ...record } of rows) {
      if (!byBusiness.has(business)) byBusiness.set(business, []);
      byBusiness.get(business)!.push({ ...record, firstAtMicros: Number(record.firstAtMicros) });
    }
  }
  return byBusiness;
}

/** The businesses that have any linked identifier. */
export async function businessesWithLinks(client: ClickHouseClient): Promise<string[]> {
  return (await client.query<{ business: string }>(`SELECT DISTINCT business FROM ${LINKS_TABLE}`)).map((r) => r.business);
}

/** The mutation command deleting every record of these identifiers and persons at one business. */
export function deleteLinksCommand(business: string, identities: readonly string[], persons: readonly string[]): string | undefined {
  const all = [...new Set(identities)];
  if (all.length === 0) return undefined;
  const personClause = persons.length > 0 ? ` OR person IN ${literalTuple([...new Set(persons)])}` : '';
  return `DELETE WHERE business = ${literal(business)} AND (identity IN ${literalTuple(all)}${personClause})`;
}

/**
 * Inserts' settings: through a cluster's Distributed table, wait until every shard's part is
 * written (to one replica of each; replication copies it on), so an insert resolves only once the
 * data is on a shard, never when it merely sits in this node's queue for later forwarding.
 */
export function insertSettingsFor(cluster: string | undefined): ClickHouseSettings {
  return cluster === undefined ? {} : { insert_distributed_sync: 1 };
}

/**
 * The identity resolver's link store (db/identityLinksPort.ts) on ClickHouse. `acrossProcesses`:
 * the lock the servers sharing these links resolve persons under (PostgreSQL's, in the cluster
 * mode); without it, two servers could split one person (ingest/identity/resolutionHold.ts).
 */
export function clickhouseLinkStore(
  client: ClickHouseClient, cluster: string | undefined, acrossProcesses?: <T>(fn: () => Promise<T>) => Promise<T>,
): IdentityLinkStore {
  const settings = insertSettingsFor(cluster);
  return {
    loadPersons: (identities) => loadPersons(client, identities),
    businessesWithLinks: () => businessesWithLinks(client),
    saveLinks: (links) => saveLinks(client, links, settings),
    ...(acrossProcesses ? { acrossProcesses } : {}),
  };
}
