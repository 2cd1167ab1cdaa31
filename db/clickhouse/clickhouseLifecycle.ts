import type { ErasureCounts, ErasureTarget, PurgeCounts } from '../lifecycle';
import type { ClickHouseClient } from './clickhouseClient';
import { deleteLinksCommand, loadPersons } from './clickhouseLinks';
import type { Alter, Mutations } from './mutations';
import { EVENTS_TABLE, LINKS_TABLE, storageTable } from './schema';
import { literal, literalTuple } from './sqlLiteral';

/**
 * Retention and erasure on ClickHouse (db/lifecycle.ts is DuckDB's): deletions of events and
 * identity links on every shard and replica, counted before they are made (each event once,
 * through FINAL) and waited for (./mutations.ts). There are no report facts to recompute: the
 * reports read the events. The webhook state, sessions and audit log live in PostgreSQL in this
 * mode, so their counts here are 0; the event store adds PostgreSQL's (db/registryState.ts).
 */

export interface LifecycleContext {
  client: ClickHouseClient;
  cluster: string | undefined;
  mutations: Mutations;
}

const MAX_DATE_MS = 8_640_000_000_000_000;
// Keys per link-deleting mutation: ClickHouse parses at most max_query_size (256 KiB) of an ALTER.
const LINK_KEYS_PER_MUTATION = 1000;

async function countOf(client: ClickHouseClient, sql: string): Promise<number> {
  const [row] = await client.query<{ n: number }>(sql);
  return Number(row?.n ?? 0);
}

function monthStartMs(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/**
 * Retention: events that happened before the cutoff and links of persons first seen before it
 * who have no event left. Whole months before the cutoff's month are dropped as partitions (no
 * rewrite); in the cutoff's month the older rows are deleted by a mutation, only when there are
 * some (a mutation rewrites the parts it touches).
 */
export async function purgeExpired(ctx: LifecycleContext, cutoffMs: number): Promise<PurgeCounts> {
  if (!Number.isFinite(cutoffMs) || Math.abs(cutoffMs) > MAX_DATE_MS) throw new Error('retention cutoff out of range');
  const cutoffUs = Math.max(0, Math.floor(cutoffMs) * 1000);
  const monthStart = new Date(Math.max(0, monthStartMs(cutoffMs)));
  const events = await countOf(ctx.client, `SELECT count() AS n FROM ${EVENTS_TABLE} FINAL WHERE occurred_us < ${literal(cutoffUs)}`);
  if (events > 0) await deleteExpiredEvents(ctx, cutoffUs, monthStart);
  return { events, customerLinks: await purgeOrphanLinks(ctx, cutoffUs), webhookMessages: 0, webhookWatermarks: 0, webhookPolicyEvents: 0, sessions: 0 };
}

async function deleteExpiredEvents(ctx: LifecycleContext, cutoffUs: number, monthStart: Date): Promise<void> {
  const table = storageTable(EVENTS_TABLE, ctx.cluster);
  const months = (await ctx.client.query<{ m: number }>(
    `SELECT DISTINCT toYYYYMM(occurred_at) AS m FROM ${EVENTS_TABLE} WHERE occurred_at < ${literal(monthStart)} ORDER BY m`,
  )).map((r) => Number(r.m));
  await ctx.mutations.dropMonths('retention: drop months', table, months);
  const inCutoffMonth = await countOf(ctx.client, `SELECT count() AS n FROM ${EVENTS_TABLE}
WHERE occurred_at >= ${literal(monthStart)} AND occurred_us < ${literal(cutoffUs)}`);
  if (inCutoffMonth === 0) return;
  const commands = [`DELETE WHERE occurred_at >= ${literal(monthStart)} AND occurred_us < ${literal(cutoffUs)}`];
  await ctx.mutations.run('retention: cutoff month', [{ table, commands }]);
}

/**
 * Links of persons first seen before the cutoff without any event left, chosen by a read and
 * deleted by their keys: every replica then deletes the same rows (a mutation with a subquery
 * would be evaluated by each replica against its own, possibly lagging, copy of the events).
 */
async function purgeOrphanLinks(ctx: LifecycleContext, cutoffUs: number): Promise<number> {
  // A person's events are on the same shard as their links (both sharded by business), so the
  // subquery reads the local events table of each shard.
  const events = `${ctx.client.database}.${storageTable(EVENTS_TABLE, ctx.cluster)}`;
  const keys = await ctx.client.query<{ business: string; identity: string }>(`SELECT business, identity FROM ${LINKS_TABLE} FINAL
WHERE first_us < ${literal(cutoffUs)} AND (business, person) NOT IN (SELECT business, customer FROM ${events})`);
  const alters: Alter[] = [];
  for (let i = 0; i < keys.length; i += LINK_KEYS_PER_MUTATION) {
    const tuples = keys.slice(i, i + LINK_KEYS_PER_MUTATION).map((k) => `(${literal(k.business)}, ${literal(k.identity)})`);
    alters.push({ table: storageTable(LINKS_TABLE, ctx.cluster), commands: [`DELETE WHERE (business, identity) IN (${tuples.join(', ')})`] });
  }
  await ctx.mutations.run('retention: links', alters);
  return keys.length;
}

// Several targets' deletions in one ALTER: one mutation and one distributed DDL round (about a
// second on a cluster) per table, not per person. A target's command names its few identifiers,
// so this many stay well under max_query_size.
const COMMANDS_PER_ALTER = 50;

function altersOf(table: string, commands: readonly string[]): Alter[] {
  const alters: Alter[] = [];
  for (let i = 0; i < commands.length; i += COMMANDS_PER_ALTER) alters.push({ table, commands: commands.slice(i, i + COMMANDS_PER_ALTER) });
  return alters;
}

/** What an erasure deleted on ClickHouse (its webhook counts are 0: that state is PostgreSQL's). */
export interface ClickHouseErasure {
  counts: ErasureCounts;
  /**
   * Per target, the customer values whose events were deleted: its customers and the persons
   * found through their links, for the PostgreSQL side to delete the same customers' state.
   */
  erased: ErasureTarget[];
}

/**
 * Erasure of persons: counts their events (each once) and link records, then deletes the events
 * and then the links on every shard and replica and waits until every reachable node has done
 * so. The caller then deletes the same customers' webhook state in PostgreSQL and writes the
 * audit entry, in one transaction there (./clickhouseEventStore.ts).
 *
 * Safe to repeat when interrupted: a recorded mutation completes on its own; the events go
 * before the links, so a repeat still finds, through the links, a merged person's pseudonym its
 * events are stored under. A repeat counts only what is left.
 */
export async function eraseCustomers(ctx: LifecycleContext, targets: readonly ErasureTarget[]): Promise<ClickHouseErasure> {
  const counts: ErasureCounts = { events: 0, webhookMessages: 0, webhookWatermarks: 0, customerLinks: 0 };
  const erased: ErasureTarget[] = [];
  const eventDeletes: string[] = [];
  const linkDeletes: string[] = [];
  for (const target of targets) {
    const records = (await loadPersons(ctx.client, target.customers)).get(target.business) ?? [];
    const customers = [...new Set([...target.customers, ...records.map((r) => r.person)])];
    if (customers.length === 0) continue;
    erased.push({ business: target.business, customers });
    const where = `business = ${literal(target.business)} AND customer IN ${literalTuple(customers)}`;
    counts.events += await countOf(ctx.client, `SELECT count() AS n FROM ${EVENTS_TABLE} FINAL WHERE ${where}`);
    eventDeletes.push(`DELETE WHERE ${where}`);
    const linkCommand = deleteLinksCommand(target.business, [...target.customers, ...records.map((r) => r.identity)], records.map((r) => r.person));
    if (linkCommand) linkDeletes.push(linkCommand);
    counts.customerLinks += records.length;
  }
  await ctx.mutations.run('erasure', [
    ...altersOf(storageTable(EVENTS_TABLE, ctx.cluster), eventDeletes), ...altersOf(storageTable(LINKS_TABLE, ctx.cluster), linkDeletes),
  ]);
  return { counts, erased };
}
