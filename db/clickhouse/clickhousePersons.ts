import type { ClickHouseSettings } from '@clickhouse/client';
import type { IdentityRecord, PersonRewrite } from '../customerLinks';
import type { ClickHouseClient } from './clickhouseClient';
import { saveLinks } from './clickhouseLinks';
import type { Mutations } from './mutations';
import { EVENTS_TABLE, storageTable } from './schema';
import { literal, literalTuple } from './sqlLiteral';

/**
 * Persons found to be one (ingest/identity) on ClickHouse: the events stored under a merged
 * identity's pseudonym are moved to the person's, the person's region set on all of them, and
 * joined threads renamed, by one `ALTER ... UPDATE` mutation whose commands apply in order (the
 * region sees the moved customers). `customer`, `customer_region` and `conversation` are not in
 * the sorting or partition key, which ClickHouse refuses to update (code 420). There are no facts
 * to recompute: the reports read the events. The webhook intake's thread records and watermarks
 * (`rewrite.threads`, and the moves applied to them) live in PostgreSQL in this mode: `moveState`
 * rewrites them there (db/registryState.ts moveRegistryState, in one PostgreSQL transaction).
 *
 * Order: the events first, waited for on every node, then the webhook state, then the links.
 * The links are what the planner reads, so until they are saved a later claim naming these
 * identifiers plans the same merge again and repeats the (then harmless) rewrites: a crash in
 * between loses nothing. The other order could leave links saying the persons are one while
 * their events or webhook state are still apart, and nothing would ever plan the move again.
 */

export interface PersonsContext {
  client: ClickHouseClient;
  cluster: string | undefined;
  mutations: Mutations;
  insertSettings: ClickHouseSettings;
  /** Moves the webhook state in the registry (PostgreSQL); absent when there is none to move. */
  moveState?: () => Promise<void>;
}

/** `multiIf(column = from1, to1, ..., column)`: each value of `pairs` replaced, others kept. */
function replaced(column: string, pairs: readonly (readonly [string, string])[]): string {
  return `multiIf(${pairs.map(([from, to]) => `${column} = ${literal(from)}, ${literal(to)}`).join(', ')}, ${column})`;
}

export function rewriteCommands(business: string, rewrite: PersonRewrite): string[] {
  const inBusiness = `business = ${literal(business)}`;
  const commands: string[] = [];
  const moves = rewrite.moves.filter((m) => m.from !== m.to).map((m) => [m.from, m.to] as const);
  if (moves.length > 0) {
    commands.push(`UPDATE customer = ${replaced('customer', moves)} WHERE ${inBusiness} AND customer IN ${literalTuple(moves.map(([f]) => f))}`);
  }
  if (rewrite.regions.length > 0) {
    const regions = rewrite.regions.map((r) => [r.person, r.region] as const);
    const persons = literalTuple(regions.map(([p]) => p));
    // customer_region takes the value of the person's pair: multiIf over customer, not over the region.
    const value = `multiIf(${regions.map(([p, r]) => `customer = ${literal(p)}, ${literal(r)}`).join(', ')}, customer_region)`;
    commands.push(`UPDATE customer_region = ${value} WHERE ${inBusiness} AND customer IN ${persons}`);
  }
  const conversations = rewrite.conversations.filter((c) => c.from !== c.to).map((c) => [c.from, c.to] as const);
  if (conversations.length > 0) {
    commands.push(`UPDATE conversation = ${replaced('conversation', conversations)} WHERE ${inBusiness} AND conversation IN ${literalTuple(conversations.map(([f]) => f))}`);
  }
  return commands;
}

export async function applyPersons(ctx: PersonsContext, business: string, records: readonly IdentityRecord[], rewrite: PersonRewrite): Promise<void> {
  const commands = rewriteCommands(business, rewrite);
  if (commands.length > 0) {
    await ctx.mutations.run('identity merge', [{ table: storageTable(EVENTS_TABLE, ctx.cluster), commands }]);
  }
  await ctx.moveState?.();
  await saveLinks(ctx.client, [{ business, records }], ctx.insertSettings);
}
