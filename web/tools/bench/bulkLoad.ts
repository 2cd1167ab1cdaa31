import type { Demo } from '../../../ingest/demo/generateDemo';
import { ProgressBar } from '../../../ingest/demo/progress';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { openRuntime, type DuckDbRuntime, type Runtime } from '../../server/runtime';
import { anonymisedRowBatches, rowContext } from './anonymisedRows';
import { BENCH_ADMIN_TOKEN, benchServerEnv } from './benchServerEnv';

export interface BulkLoadFigures {
  events: number;
  seconds: number;
  eventsPerSec: number;
  /** Set when the events were not loaded by this run but copied with a kept database (--database). */
  copiedFrom?: string;
}

const ROWS_PER_COMMIT = 50_000;

/** The runtime the server would build on this file, in this process (no HTTP). */
export async function openBenchRuntime(databasePath: string): Promise<DuckDbRuntime> {
  // The data set is clustered by clusterDataset, which times it; not in the background here.
  return openRuntime(loadConfig({ ...process.env, ...benchServerEnv(databasePath) }), createLogger('silent'), { clusterAtStart: false });
}

/** Registers the demo businesses through the admin API, in-process, as any client would. */
export async function registerBusinesses(runtime: Runtime, demo: Demo): Promise<void> {
  for (const business of demo.businesses) {
    const reply = await runtime.app.request(`/v1/businesses/${business.id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(business.body),
    });
    if (reply.status >= 300) throw new Error(`registering ${business.id}: ${reply.status} ${await reply.text()}`);
  }
  await runtime.deps.registry.reload();
}

/**
 * Loads the data set in-process: demo events -> validate -> anonymise -> the event store's
 * commit, in the writer's queue (so whatever a commit maintains in the same
 * transaction is maintained here too), with the facts compacted when the writer would. No HTTP
 * and no idempotency check: the demo's ids are unique, and this only prepares the data the HTTP
 * and report figures are measured on.
 */
export async function bulkLoad(runtime: Runtime, demo: Demo): Promise<BulkLoadFigures> {
  const { deps } = runtime;
  const rows = anonymisedRowBatches(demo, rowContext(deps.pseudonymiser, demo, deps.retentionDays), ROWS_PER_COMMIT);
  const progress = new ProgressBar(demo.options.events, { label: 'events loaded in-process' });
  const started = performance.now();
  let loaded = 0;
  for (const batch of rows) {
    await deps.writer.exclusive((store) => store.commit(batch));
    await deps.writer.committedElsewhere(batch.length);
    loaded += batch.length;
    progress.update(loaded);
  }
  progress.finish();
  const seconds = (performance.now() - started) / 1000;
  return { events: loaded, seconds, eventsPerSec: loaded / seconds };
}
