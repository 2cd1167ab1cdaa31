import { ClickHouseError, type ClickHouseClient } from './clickhouseClient';
import { identifier, literal, literalTuple } from './sqlLiteral';

/**
 * Deletions and rewrites of stored rows on ClickHouse, waited for on every node.
 *
 * `ALTER TABLE ... DELETE / UPDATE` are mutations: the statement returns once the mutation is
 * recorded (in ZooKeeper for a replicated table, which every replica of the shard then applies,
 * also one that was down when it was recorded), and parts are rewritten in the background.
 * ClickHouse 18.16 has no `mutations_sync`, so this polls `system.mutations` of every node of the
 * cluster (through `remote()`, from whichever node the client reaches) until each reachable node
 * shows the new mutations, all done. A node that does not answer is named in the result and
 * skipped: it applies the mutation from ZooKeeper when it comes back.
 *
 * With a cluster the statements run `ON CLUSTER` on the local (replicated) tables: 18.16 runs an
 * ALTER of a replicated table on one replica per shard. With a node down, ON CLUSTER waits for
 * it until `distributed_ddl_task_timeout` and then fails with code 159 ("unfinished hosts ...
 * going to execute the query in background"); the mutation is recorded by then, so 159 is
 * accepted and the wait below decides.
 */

export interface MutationOptions {
  cluster?: string;
  /**
   * How long ON CLUSTER waits for every node before going on without the missing ones (seconds;
   * default 5). Short is safe: the wait below still waits for every node that answers.
   */
  ddlTimeoutSeconds?: number;
  /** How long to wait for mutations before failing (ms). */
  waitTimeoutMs?: number;
  /** Told how long each step took and which nodes did not answer (logs, tests). */
  onMutation?: (step: string, result: MutationResult) => void;
}

export interface MutationResult {
  /** From the first statement to the last node reporting done. */
  elapsedMs: number;
  /** Nodes (host:port) that did not answer; they apply the mutation when they are back. */
  unreachable: string[];
}

export interface Alter {
  /** The table as schema.ts#storageTable names it. */
  table: string;
  /** One ALTER's commands, e.g. `DELETE WHERE ...` or `UPDATE customer = ... WHERE ...`: one mutation. */
  commands: readonly string[];
}

const DDL_UNFINISHED_HOSTS = 159;
// A node that cannot be reached through remote(): all connection tries failed, connection refused, timeout.
const NODE_DOWN_CODES = new Set([209, 210, 279]);
const POLL_MS = 100;

type Snapshot = Map<string, Set<string>>; // node -> "table\u0000mutation_id" seen before

export class Mutations {
  private readonly settings: Record<string, number>;

  constructor(private readonly client: ClickHouseClient, private readonly options: MutationOptions = {}) {
    this.settings = options.cluster === undefined ? {} : { distributed_ddl_task_timeout: options.ddlTimeoutSeconds ?? 5 };
  }

  /** Runs each ALTER (one mutation each) and waits until every reachable node has applied them all; `step` names it to onMutation. */
  async run(step: string, alters: readonly Alter[]): Promise<MutationResult> {
    return this.reported(step, this.mutate(alters));
  }

  /** Drops whole month partitions (YYYYMM) of a table on every shard, and waits until no node has an active part of them. */
  async dropMonths(step: string, table: string, months: readonly number[]): Promise<MutationResult> {
    return this.reported(step, this.drop(table, months));
  }

  private async reported(step: string, work: Promise<MutationResult>): Promise<MutationResult> {
    const result = await work;
    if (result.elapsedMs > 0) this.options.onMutation?.(step, result);
    return result;
  }

  private async mutate(alters: readonly Alter[]): Promise<MutationResult> {
    const started = Date.now();
    const live = alters.filter((a) => a.commands.length > 0);
    if (live.length === 0) return { elapsedMs: 0, unreachable: [] };
    const tables = [...new Set(live.map((a) => a.table))];
    const { seen, unreachable } = await this.snapshot(tables);
    for (const alter of live) await this.ddl(`ALTER TABLE ${this.qualified(alter.table)}${this.onCluster()} ${alter.commands.join(', ')}`);
    const expected = new Map<string, number>();
    for (const alter of live) expected.set(alter.table, (expected.get(alter.table) ?? 0) + 1);
    unreachable.push(...await this.waitForMutations(seen, expected));
    return { elapsedMs: Date.now() - started, unreachable: [...new Set(unreachable)] };
  }

  private async drop(table: string, months: readonly number[]): Promise<MutationResult> {
    const started = Date.now();
    if (months.length === 0) return { elapsedMs: 0, unreachable: [] };
    // One ALTER for all months: one distributed DDL round (about a second on a cluster) instead of one per month.
    await this.ddl(`ALTER TABLE ${this.qualified(table)}${this.onCluster()} ${months.map((m) => `DROP PARTITION ${literal(m)}`).join(', ')}`);
    const unreachable = await this.waitUntil(async (node) => {
      const [row] = await this.client.query<{ n: number }>(`SELECT count() AS n FROM ${this.system(node, 'parts')}
WHERE database = ${literal(this.client.database)} AND table = ${literal(table)} AND active AND partition IN ${literalTuple(months.map(String))}`);
      return Number(row?.n ?? 0) === 0;
    });
    return { elapsedMs: Date.now() - started, unreachable };
  }

  private qualified(table: string): string {
    return `${this.client.database}.${identifier(table)}`;
  }

  private onCluster(): string {
    return this.options.cluster === undefined ? '' : ` ON CLUSTER ${identifier(this.options.cluster)}`;
  }

  private async ddl(sql: string): Promise<void> {
    try {
      await this.client.command(sql, this.settings);
    } catch (error) {
      if (!(error instanceof ClickHouseError && error.code === DDL_UNFINISHED_HOSTS)) throw error;
    }
  }

  /** The nodes to wait on: every host of the cluster, or the one server (''). */
  private async nodes(): Promise<string[]> {
    if (this.options.cluster === undefined) return [''];
    const rows = await this.client.query<{ host: string; port: number }>(
      `SELECT host_address AS host, port FROM system.clusters WHERE cluster = ${literal(this.options.cluster)}`,
    );
    return rows.map((r) => `${r.host.includes(':') ? `[${r.host}]` : r.host}:${r.port}`);
  }

  private system(node: string, table: string): string {
    return node === '' ? `system.${table}` : `remote(${literal(node)}, system, ${table})`;
  }

  private async mutationsOf(node: string, tables: readonly string[]): Promise<{ table: string; mutation_id: string; is_done: number }[]> {
    return this.client.query(`SELECT table, mutation_id, is_done FROM ${this.system(node, 'mutations')}
WHERE database = ${literal(this.client.database)} AND table IN ${literalTuple(tables)}`);
  }

  private async snapshot(tables: readonly string[]): Promise<{ seen: Snapshot; unreachable: string[] }> {
    const seen: Snapshot = new Map();
    const unreachable: string[] = [];
    for (const node of await this.nodes()) {
      try {
        seen.set(node, new Set((await this.mutationsOf(node, tables)).map((m) => `${m.table}\u0000${m.mutation_id}`)));
      } catch (error) {
        if (!isNodeDown(error)) throw error;
        unreachable.push(node);
      }
    }
    return { seen, unreachable };
  }

  /** Each node of the snapshot shows at least the expected number of new mutations per table, all done. */
  private async waitForMutations(seen: Snapshot, expected: ReadonlyMap<string, number>): Promise<string[]> {
    const tables = [...expected.keys()];
    return this.waitUntil(async (node) => {
      const before = seen.get(node) ?? new Set();
      const rows = await this.mutationsOf(node, tables);
      if (rows.some((m) => m.is_done !== 1)) return false;
      const fresh = rows.filter((m) => !before.has(`${m.table}\u0000${m.mutation_id}`));
      return tables.every((t) => fresh.filter((m) => m.table === t).length >= expected.get(t)!);
    }, [...seen.keys()]);
  }

  /** Polls `done` on each node until all are done; nodes that stop answering are skipped and returned. */
  private async waitUntil(done: (node: string) => Promise<boolean>, nodes?: readonly string[]): Promise<string[]> {
    const pending = new Set(nodes ?? await this.nodes());
    const unreachable: string[] = [];
    const deadline = Date.now() + (this.options.waitTimeoutMs ?? 300_000);
    for (;;) {
      for (const node of [...pending]) {
        try {
          if (await done(node)) pending.delete(node);
        } catch (error) {
          if (!isNodeDown(error)) throw error;
          pending.delete(node);
          unreachable.push(node);
        }
      }
      if (pending.size === 0) return unreachable;
      if (Date.now() > deadline) throw new Error(`ClickHouse mutations not finished within the wait on ${[...pending].join(', ') || 'the server'}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

function isNodeDown(error: unknown): boolean {
  return error instanceof ClickHouseError && NODE_DOWN_CODES.has(error.code ?? -1);
}
