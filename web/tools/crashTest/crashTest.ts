import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { derivedRowsDiffering } from '../../../db/derivedCheck';
import { openDatabase, queryRows } from '../../../db/duckdb';
import { Pseudonymiser } from '../../../ingest/anonymise/pseudonym';
import { Random } from '../../../ingest/demo/random';
import { decodeKey } from '../../server/secrets';
import { businessBody } from '../../server/testing/testRuntime';
import { freePort, startServerProcess, waitForHealth, type ServerProcess } from '../../server/testing/serverProcess';

/**
 * The crash test: a loader sends batches continuously, retrying each until it is
 * acknowledged (200); meanwhile the server process is killed with SIGKILL at random moments and
 * restarted. At the end (after a graceful SIGTERM stop) the database file is opened and checked:
 * every event ever acknowledged is stored, and none is stored twice.
 *
 * Event ids are deterministic (crash-<batch>-<i>), so the check recomputes their pseudonyms
 * with the same PSEUDONYM_KEY. Once the fresh events of a cycle are sent, the loader re-sends
 * batches that were already acknowledged, so idempotency is under fire across restarts too.
 */

export interface CrashTestOptions {
  cycles: number;
  events: number;
  batchSize: number;
  /** Concurrent loader connections. */
  workers: number;
  seed: string;
  /** How long the server runs (after it answers health) before it is killed, in ms. */
  minUpMs: number;
  maxUpMs: number;
  progress?: (line: string) => void;
}

export interface CrashTestFigures {
  cycles: number;
  acknowledged: number;
  storedRows: number;
  storedDistinct: number;
  lost: number;
  duplicated: number;
  /** Events stored that were never acknowledged (0 once the loader has finished every batch). */
  unacknowledgedStored: number;
  /** Rows of the report facts (with their parts) and activity days differing from a recomputation from the stored events. */
  derivedDiffering: number;
  requests: number;
  retries: number;
  connectionFailures: number;
  overloaded429: number;
  unavailable503: number;
  resentBatches: number;
  /** Requests in flight at the moments of the kills, summed over the cycles. */
  inFlightAtKills: number;
  gracefulExitCode: number | null;
  durationMs: number;
}

export const CRASH_DEFAULTS: CrashTestOptions = {
  cycles: 20, events: 20_000, batchSize: 200, workers: 4, seed: 'crash', minUpMs: 150, maxUpMs: 1500,
};

const ADMIN = 'crash-test-admin-token-0123456789';
const KEY_HEX = 'c7'.repeat(32);
const BUSINESS = 'crash';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function batchEvents(batch: number, size: number, total: number) {
  const at = new Date(Date.now() - 60_000).toISOString();
  const count = Math.min(size, total - batch * size);
  return Array.from({ length: count }, (_, i) => {
    const n = batch * size + i;
    return {
      id: `crash-${batch}-${i}`, business: BUSINESS, type: 'message.received', channel: 'whatsapp',
      customer: `+4915123${String(n % 1_000_000).padStart(6, '0')}`, conversation: `conv-${batch}`, at,
    };
  });
}

export async function runCrashTest(partial: Partial<CrashTestOptions> = {}): Promise<CrashTestFigures> {
  const options = { ...CRASH_DEFAULTS, ...partial };
  const say = options.progress ?? (() => undefined);
  const started = Date.now();
  const random = new Random(options.seed);
  const dir = mkdtempSync(join(tmpdir(), 'mpa-crash-'));
  const databasePath = join(dir, 'crash.duckdb');
  const port = await freePort();
  const env = { DATABASE_PATH: databasePath, ADMIN_TOKEN: ADMIN, PSEUDONYM_KEY: KEY_HEX, LOG_LEVEL: 'warn' };
  let server: ServerProcess = startServerProcess(env, port);
  const url = server.url;
  const figures: CrashTestFigures = {
    cycles: 0, acknowledged: 0, storedRows: 0, storedDistinct: 0, lost: 0, duplicated: 0, unacknowledgedStored: 0, derivedDiffering: 0,
    requests: 0, retries: 0, connectionFailures: 0, overloaded429: 0, unavailable503: 0, resentBatches: 0, inFlightAtKills: 0,
    gracefulExitCode: null, durationMs: 0,
  };
  try {
    await waitForHealth(server);
    const admin = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
    await fetch(`${url}/v1/businesses/${BUSINESS}`, { method: 'PUT', headers: admin, body: JSON.stringify(businessBody(BUSINESS)) });
    const keyReply = await fetch(`${url}/v1/businesses/${BUSINESS}/keys`, { method: 'POST', headers: admin, body: '{}' });
    const { key } = (await keyReply.json()) as { key: string };

    const totalBatches = Math.ceil(options.events / options.batchSize);
    const acked = new Set<number>();
    let nextFresh = 0;
    // Fresh batches are released cycle by cycle, so new events arrive during every cycle.
    let released = Math.ceil(totalBatches / (options.cycles + 1));
    let killing = true;
    let failure: Error | undefined;
    let inFlight = 0;

    const send = async (batch: number): Promise<void> => {
      for (let attempt = 0; ; attempt++) {
        if (attempt > 0) figures.retries += 1;
        figures.requests += 1;
        let res: Response;
        inFlight += 1;
        try {
          res = await fetch(`${url}/v1/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify({ events: batchEvents(batch, options.batchSize, options.events) }),
            signal: AbortSignal.timeout(60_000),
          });
        } catch {
          inFlight -= 1;
          figures.connectionFailures += 1; // killed, restarting, or reset: retry as it is
          await sleep(50 + random.int(0, 100));
          continue;
        }
        inFlight -= 1;
        if (res.status === 200) {
          let reply: { accepted: number; duplicates: number; rejected: unknown[] };
          try {
            reply = (await res.json()) as typeof reply;
          } catch {
            figures.connectionFailures += 1; // cut off while reading the reply: not acknowledged
            continue;
          }
          if (reply.rejected.length > 0) throw new Error(`batch ${batch}: ${reply.rejected.length} events rejected`);
          acked.add(batch);
          return;
        }
        await res.arrayBuffer().catch(() => undefined);
        if (res.status === 429 || res.status === 503) {
          if (res.status === 429) figures.overloaded429 += 1;
          else figures.unavailable503 += 1;
          // Honour Retry-After, capped so the test stays short.
          await sleep(Math.min(Number(res.headers.get('retry-after') ?? 1) * 1000, 300));
          continue;
        }
        throw new Error(`batch ${batch}: unexpected status ${res.status}`);
      }
    };

    const worker = async () => {
      while (!failure) {
        if (nextFresh < Math.min(released, totalBatches)) {
          await send(nextFresh++);
        } else if (killing) {
          const done = [...acked];
          if (done.length === 0) {
            await sleep(20);
            continue;
          }
          figures.resentBatches += 1;
          await send(done[random.int(0, done.length - 1)]!);
        } else if (nextFresh >= totalBatches) {
          return;
        } else {
          await sleep(10);
        }
      }
    };
    const workers = Array.from({ length: options.workers }, () =>
      worker().catch((error: Error) => {
        failure = error;
      }),
    );

    for (let cycle = 1; cycle <= options.cycles && !failure; cycle++) {
      const upMs = random.int(options.minUpMs, options.maxUpMs);
      await sleep(upMs);
      figures.inFlightAtKills += inFlight;
      server.child.kill('SIGKILL');
      await server.exited;
      const killedAt = Date.now();
      figures.cycles = cycle;
      released = Math.ceil((totalBatches * (cycle + 1)) / (options.cycles + 1));
      server = startServerProcess(env, port);
      await waitForHealth(server, 60_000);
      say(`cycle ${cycle}/${options.cycles}: SIGKILL after ${upMs} ms up; restarted in ${((Date.now() - killedAt) / 1000).toFixed(1)} s; ` +
        `${acked.size}/${totalBatches} batches acknowledged`);
    }
    killing = false;
    released = totalBatches;
    await Promise.all(workers);
    if (failure) throw failure;

    server.child.kill('SIGTERM');
    figures.gracefulExitCode = await server.exited;
    say(`final stop with SIGTERM: exit code ${figures.gracefulExitCode}`);

    // Check the file itself, with the server gone.
    const instance = await openDatabase(databasePath);
    const connection = await instance.connect();
    try {
      const [counts] = await queryRows<{ rows: number; distinct: number }>(
        connection,
        `SELECT count(*)::DOUBLE AS "rows", count(DISTINCT event_id)::DOUBLE AS "distinct" FROM events WHERE business = '${BUSINESS}'`,
      );
      const ids = await queryRows<{ event_id: string }>(connection, `SELECT DISTINCT event_id FROM events WHERE business = '${BUSINESS}'`);
      const stored = new Set(ids.map((r) => r.event_id));
      const pseudonymiser = new Pseudonymiser(decodeKey(KEY_HEX));
      const ackedIds = new Set<string>();
      for (const batch of acked) {
        for (const event of batchEvents(batch, options.batchSize, options.events)) {
          const id = pseudonymiser.pseudonym(BUSINESS, 'event', event.id);
          ackedIds.add(id);
          if (!stored.has(id)) figures.lost += 1;
        }
      }
      figures.acknowledged = ackedIds.size;
      figures.storedRows = counts!.rows;
      figures.storedDistinct = counts!.distinct;
      figures.duplicated = counts!.rows - counts!.distinct;
      figures.unacknowledgedStored = [...stored].filter((id) => !ackedIds.has(id)).length;
      // Kills landed mid-commit and mid-compaction: what the reports read must still be exact.
      figures.derivedDiffering = Object.values(await derivedRowsDiffering(connection)).reduce((a, b) => a + b, 0);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  } finally {
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
  figures.durationMs = Date.now() - started;
  return figures;
}

export function crashTestPassed(figures: CrashTestFigures, options: Pick<CrashTestOptions, 'cycles' | 'events'>): boolean {
  return figures.cycles === options.cycles && figures.lost === 0 && figures.duplicated === 0 && figures.derivedDiffering === 0 &&
    figures.acknowledged === options.events && figures.gracefulExitCode === 0;
}

export function formatFigures(figures: CrashTestFigures): string {
  const rows: [string, string | number | null][] = [
    ['kill cycles (SIGKILL + restart)', figures.cycles],
    ['events acknowledged (200)', figures.acknowledged],
    ['events stored (rows)', figures.storedRows],
    ['distinct events stored', figures.storedDistinct],
    ['lost (acknowledged, not stored)', figures.lost],
    ['duplicated (stored twice)', figures.duplicated],
    ['stored, never acknowledged', figures.unacknowledgedStored],
    ['report facts and days not equal to the events', figures.derivedDiffering],
    ['requests sent', figures.requests],
    ['retries', figures.retries],
    ['  connection failures', figures.connectionFailures],
    ['  429 overloaded', figures.overloaded429],
    ['  503 unavailable', figures.unavailable503],
    ['acknowledged batches re-sent', figures.resentBatches],
    ['requests in flight at the kills', figures.inFlightAtKills],
    ['exit code after final SIGTERM', figures.gracefulExitCode],
    ['duration', `${(figures.durationMs / 1000).toFixed(1)} s`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n');
}
