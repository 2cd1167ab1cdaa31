import type { ClickHouseSettings } from '@clickhouse/client';
import type { EventRow } from '../eventStore';
import type { ClickHouseClient } from './clickhouseClient';
import { EVENTS_TABLE } from './schema';
import { literal, literalTuple } from './sqlLiteral';

/**
 * The events' writes and the counts the writer needs, on ClickHouse (./schema.ts). A first part
 * of db/eventStorePort.ts's EventStore: commit, countEvents, storedEventIds. Still to come:
 * the report facts, forEachEventIdPrefix, retention and erasure (ALTER ... DELETE mutations,
 * partition drops), identity merges and clustering (docs/scaling.md#clickhouse-schema).
 */

/** One events row as JSONEachRow: the column names of ./schema.ts. */
export interface ClickHouseEventRow {
  business: string;
  event_id: string;
  type: string;
  channel: string;
  customer: string;
  customer_region: string;
  conversation: string | null;
  message: string | null;
  /** Seconds since the epoch: the DateTime the table is partitioned by. */
  occurred_at: number;
  occurred_us: number;
  received_us: number;
  sender: string | null;
  category: string | null;
  template: string | null;
  processed_in: string;
  error_code: number | null;
  pricing: string | null;
  source: string | null;
}

export function toClickHouseRow(row: EventRow): ClickHouseEventRow {
  return {
    business: row.business, event_id: row.eventId, type: row.type, channel: row.channel, customer: row.customer,
    customer_region: row.customerRegion, conversation: row.conversation, message: row.message,
    occurred_at: Math.floor(row.occurredAtMicros / 1_000_000), occurred_us: row.occurredAtMicros, received_us: row.receivedAtMicros,
    sender: row.sender, category: row.category, template: row.template, processed_in: row.processedIn,
    error_code: row.errorCode, pricing: row.pricing, source: row.source,
  };
}

// IN lists per query: the query text goes in the request body, but a smaller list keeps one
// reply (and one retry) small.
const ID_CHUNK = 5000;

export class ClickHouseEventStore {
  private readonly insertSettings: ClickHouseSettings;

  constructor(private readonly client: ClickHouseClient, options: { cluster?: string } = {}) {
    // Through the Distributed table, wait until every shard's part is written (to one replica of
    // each; replication copies it on): the promise resolves only once the data is on a shard,
    // never when it merely sits in this node's queue for later forwarding.
    this.insertSettings = options.cluster === undefined ? {} : { insert_distributed_sync: 1 };
  }

  /**
   * Inserts the rows in one request; resolves once the server acknowledged them. A retried or
   * repeated commit is harmless: the rows collapse by (business, event_id) (./schema.ts), and a
   * replicated table also drops an identical block outright (insert_deduplicate).
   */
  async commit(rows: readonly EventRow[]): Promise<void> {
    await this.client.insertJsonEachRow(EVENTS_TABLE, rows.map(toClickHouseRow), this.insertSettings);
  }

  /**
   * Stored events, each once: FINAL collapses the copies of an event that parts not yet merged
   * still hold (count() alone would count them until a background merge, at a time ClickHouse
   * chooses). With a cluster, a business's copies are all on its shard, so the per-shard FINAL
   * is enough.
   */
  async countEvents(business?: string): Promise<number> {
    const where = business === undefined ? '' : ` WHERE business = ${literal(business)}`;
    const [row] = await this.client.query<{ n: number }>(`SELECT count() AS n FROM ${EVENTS_TABLE} FINAL${where}`);
    return Number(row?.n ?? 0);
  }

  /** Which of these event pseudonyms are stored (no FINAL: any copy says it is). */
  async storedEventIds(eventIds: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    const unique = [...new Set(eventIds)];
    for (let start = 0; start < unique.length; start += ID_CHUNK) {
      const ids = unique.slice(start, start + ID_CHUNK);
      const rows = await this.client.query<{ event_id: string }>(
        `SELECT DISTINCT event_id FROM ${EVENTS_TABLE} WHERE event_id IN ${literalTuple(ids)}`,
      );
      for (const row of rows) found.add(row.event_id);
    }
    return found;
  }
}
