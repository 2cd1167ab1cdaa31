import type { ClickHouseSettings } from '@clickhouse/client';
import { appendAuditTo } from '../auditLog';
import type { LinkWrite } from '../customerLinks';
import type { EventRow } from '../eventStore';
import type { EventStore } from '../eventStorePort';
import type { ErasureCounts } from '../lifecycle';
import { eraseRegistryState, moveRegistryState, purgeRegistryState } from '../registryState';
import type { RegistryStore } from '../store';
import type { ClickHouseClient } from './clickhouseClient';
import { forEachEventIdPrefix } from './eventIdPrefixes';
import { eraseCustomers, purgeExpired } from './clickhouseLifecycle';
import { insertSettingsFor, saveLinks } from './clickhouseLinks';
import { applyPersons } from './clickhousePersons';
import { subjectEvents } from './clickhouseSubjectAccess';
import { Mutations, type MutationOptions } from './mutations';
import { EVENTS_TABLE } from './schema';
import { literal, literalTuple } from './sqlLiteral';

/**
 * db/eventStorePort.ts's EventStore on ClickHouse (./schema.ts): the events and the identity
 * links; retention and erasure as partition drops and ALTER ... DELETE mutations on every shard
 * and replica (./clickhouseLifecycle.ts), identity merges as ALTER ... UPDATE
 * (./clickhousePersons.ts), both waited for (./mutations.ts). See docs/scaling.md.
 */

export interface ClickHouseEventStoreOptions extends MutationOptions {
  /**
   * The registry store (in this mode, PostgreSQL: db/postgres/pgStore.ts) holding the webhook
   * intake's state, the sessions and the audit log. Retention and merges update that state too
   * (without a registry, only the events and links); erasure needs it for its audit entry, which
   * commits with the webhook-state deletion, after the ClickHouse deletion finished on every node.
   */
  registry?: RegistryStore;
}

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
  campaign: string | null;
}

export function toClickHouseRow(row: EventRow): ClickHouseEventRow {
  return {
    business: row.business, event_id: row.eventId, type: row.type, channel: row.channel, customer: row.customer,
    customer_region: row.customerRegion, conversation: row.conversation, message: row.message,
    occurred_at: Math.floor(row.occurredAtMicros / 1_000_000), occurred_us: row.occurredAtMicros, received_us: row.receivedAtMicros,
    sender: row.sender, category: row.category, template: row.template, processed_in: row.processedIn,
    error_code: row.errorCode, pricing: row.pricing, source: row.source, campaign: row.campaign ?? null,
  };
}

// IN lists per query: ClickHouse parses at most max_query_size (256 KiB) of a query, and 5000
// ids of 64 hex digits already exceed it (Code 62); 2000 are about 136 KB.
const ID_CHUNK = 2000;

export class ClickHouseEventStore implements EventStore {
  private readonly insertSettings: ClickHouseSettings;
  private readonly mutations: Mutations;

  constructor(private readonly client: ClickHouseClient, private readonly options: ClickHouseEventStoreOptions = {}) {
    this.mutations = new Mutations(client, options);
    this.insertSettings = insertSettingsFor(options.cluster);
  }

  /**
   * Inserts the rows in one request; resolves once the server acknowledged them. A retried or
   * repeated commit is harmless: the rows collapse by (business, event_id) (./schema.ts), and a
   * replicated table also drops an identical block outright (insert_deduplicate).
   *
   * The links the rows' persons rest on go first, in their own insert (ClickHouse has no
   * transaction over two tables). A crash between the two leaves links without events: the
   * commit was not acknowledged, so the client sends the events again, they are resolved to the
   * same persons and the links are appended again (a new version of the same record); links that
   * never get events are what retention removes (first seen before the cutoff, no event left).
   * The other order could leave events under a person whose links are missing, so that another
   * identifier of the person would not find it.
   */
  async commit(rows: readonly EventRow[], links: readonly LinkWrite[] = []): Promise<void> {
    await saveLinks(this.client, links, this.insertSettings);
    await this.client.insertJsonEachRow(EVENTS_TABLE, rows.map(toClickHouseRow), this.insertSettings);
  }

  /** No-op: there are no write-time fact parts to fold; the reports read the events (FINAL). */
  async compactFacts(): Promise<void> {}

  /**
   * No-op: the events are already stored in (business, event_id) order within each month
   * partition, so a business's rows are together without a reclustering pass.
   */
  clusterNextBlock: EventStore['clusterNextBlock'] = async () => undefined;

  /** No-op: there are no stored facts to time; the reports time the conversations they read. */
  timeConversations: EventStore['timeConversations'] = async () => 0;

  forEachEventIdPrefix: EventStore['forEachEventIdPrefix'] = (onChunk) => forEachEventIdPrefix(this.client, onChunk);

  /**
   * Retention of events and links on ClickHouse, then of the webhook state and sessions in the
   * registry (one transaction there).
   */
  purgeExpired: EventStore['purgeExpired'] = async (cutoffMs, nowMs) => {
    const counts = await purgeExpired(this.lifecycle(), cutoffMs);
    const registry = this.options.registry;
    if (!registry) return counts;
    return { ...counts, ...(await registry.transaction((db) => purgeRegistryState(db, cutoffMs, nowMs))) };
  };

  /**
   * Erasure, then, in one registry transaction, the same customers' webhook state and the audit
   * entry with every count: the ClickHouse deletion is waited for on every reachable node first,
   * so the entry is written only once it took effect, and it commits exactly with the webhook
   * state's deletion. A failure before that commit leaves an erasure without its record: the
   * request fails and is safe to repeat (./clickhouseLifecycle.ts); a repeat counts only what
   * was left.
   */
  eraseCustomers: EventStore['eraseCustomers'] = async (targets, audit) => {
    const registry = this.options.registry;
    if (!registry) throw new Error('ClickHouse erasure needs the registry store for its audit log (ClickHouseEventStoreOptions.registry)');
    const { counts, erased } = await eraseCustomers(this.lifecycle(), targets);
    return registry.transaction(async (db) => {
      const total: ErasureCounts = { ...counts };
      for (const target of erased) {
        const state = await eraseRegistryState(db, target.business, target.customers);
        total.webhookMessages += state.webhookMessages;
        total.webhookWatermarks += state.webhookWatermarks;
      }
      await appendAuditTo(db, audit(total));
      return total;
    });
  };

  /** Subject access: a read, needing no registry. */
  subjectEvents: EventStore['subjectEvents'] = (targets) => subjectEvents(this.client, targets);

  /**
   * The events' rewrite on ClickHouse, then the webhook state's in the registry, then the links
   * (the order of ./clickhousePersons.ts).
   */
  applyPersons: EventStore['applyPersons'] = (business, records, rewrite) => {
    const registry = this.options.registry;
    const moveState = registry && rewrite.moves.length + rewrite.threads.length > 0
      ? () => registry.transaction((db) => moveRegistryState(db, business, rewrite))
      : undefined;
    return applyPersons({ ...this.lifecycle(), insertSettings: this.insertSettings, moveState }, business, records, rewrite);
  };

  private lifecycle() {
    return { client: this.client, cluster: this.options.cluster, mutations: this.mutations };
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
