import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../db/duckdb';
import { useTestRuntimes, type TestRuntime } from './testing/testRuntime';

// The server answers before the duplicate index has loaded (ingest/buffer/eventWriter.ts); each
// test holds the load with the writer's holdIndexLoad option and lets it go when it wants.

const { start, release } = useTestRuntimes();

const received = (id: string) => ({
  id, business: 'acme', type: 'message.received', channel: 'whatsapp',
  customer: '+4915123000001', conversation: `conv-${id}`, at: new Date(Date.now() - 3_600_000).toISOString(),
});
const batch = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => received(`${prefix}-${i}`));

async function post(rt: TestRuntime, key: string, events: unknown[]) {
  const res = await rt.postEvents(key, events);
  expect(res.status).toBe(200);
  const { accepted, duplicates } = (await res.json()) as { accepted: number; duplicates: number };
  return { accepted, duplicates };
}

const stored = async (rt: TestRuntime) =>
  (await queryRows<{ n: number; ids: number }>(rt.deps.store.connection, 'SELECT count(*)::INTEGER AS n, count(DISTINCT event_id)::INTEGER AS ids FROM events'))[0]!;

function gate() {
  let open: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (open = resolve));
  return { held, open };
}

/** A database holding 300 events of acme, stopped; its folder and an ingest key. */
async function databaseWithEvents(): Promise<{ dir: string; key: string }> {
  const first = await start();
  await first.registerBusiness('acme');
  const key = await first.createKey('acme');
  expect(await post(first, key, batch('before', 300))).toEqual({ accepted: 300, duplicates: 0 });
  const dir = first.dir;
  await first.close();
  release(first);
  return { dir, key };
}

describe('start-up: the server answers while the duplicate index loads', () => {
  it('answers health at once, and stores each event once while the index loads and after', async () => {
    const { dir, key } = await databaseWithEvents();
    const load = gate();
    const rt = await start({ dir, writer: { holdIndexLoad: load.held } });
    try {
      const health = await rt.app.request('/v1/health');
      expect([health.status, health.headers.get('x-duplicate-index')]).toEqual([200, 'loading']);

      // Sent again right after the restart: every one of them is already stored.
      expect(await post(rt, key, batch('before', 300))).toEqual({ accepted: 0, duplicates: 300 });
      // A new batch twice, then a mix of stored and new ids, then one batch at the same moment twice.
      expect(await post(rt, key, batch('during', 200))).toEqual({ accepted: 200, duplicates: 0 });
      expect(await post(rt, key, batch('during', 200))).toEqual({ accepted: 0, duplicates: 200 });
      expect(await post(rt, key, [...batch('before', 50), ...batch('mixed', 50), ...batch('during', 50)])).toEqual({ accepted: 50, duplicates: 100 });
      const twice = await Promise.all([post(rt, key, batch('same-moment', 100)), post(rt, key, batch('same-moment', 100))]);
      expect(twice.map((r) => r.accepted).sort((a, b) => a - b)).toEqual([0, 100]);
      expect(rt.deps.writer.indexLoaded).toBe(false);
      expect(await stored(rt)).toEqual({ n: 650, ids: 650 });

      load.open();
      await rt.deps.writer.whenIndexLoaded();
      expect((await rt.app.request('/v1/health')).headers.get('x-duplicate-index')).toBe('ready');
      const loaded = rt.logs.filter((l) => l.includes('duplicate index loaded')).map((l) => JSON.parse(l) as { events: number });
      expect(loaded.map((l) => l.events)).toEqual([650]);
      // The index now holds the ids stored before the restart and those stored while it loaded.
      for (const prefix of ['before', 'during', 'mixed', 'same-moment']) {
        expect((await post(rt, key, batch(prefix, 50))).accepted).toBe(0);
      }
      expect(await post(rt, key, batch('after', 10))).toEqual({ accepted: 10, duplicates: 0 });
      expect(await stored(rt)).toEqual({ n: 660, ids: 660 });
    } finally {
      await rt.close();
      release(rt);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops cleanly while the index has not loaded, keeping what it acknowledged', async () => {
    const { dir, key } = await databaseWithEvents();
    const rt = await start({ dir, writer: { holdIndexLoad: gate().held } });
    expect(await post(rt, key, batch('during', 20))).toEqual({ accepted: 20, duplicates: 0 });
    await rt.close();
    release(rt);
    const again = await start({ dir });
    await again.deps.writer.whenIndexLoaded();
    expect(await post(again, key, [...batch('before', 300), ...batch('during', 20)])).toEqual({ accepted: 0, duplicates: 320 });
    expect(await stored(again)).toEqual({ n: 320, ids: 320 });
    await again.close();
    release(again);
    rmSync(dir, { recursive: true, force: true });
  });
});
