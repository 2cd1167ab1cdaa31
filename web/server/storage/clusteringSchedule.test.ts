import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../../db/duckdb';
import type { EventWriter } from '../../../ingest/buffer/eventWriter';
import { createLogger } from '../logger';
import { useTestRuntimes, type TestRuntime } from '../testing/testRuntime';
import { scheduleClustering } from './clusteringSchedule';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const DAY = 86_400_000;
const PERIOD = 'from=2026-03-01&to=2026-03-10';
const BUSINESSES = ['cafe', 'atlas', 'bank'];

const { start, release } = useTestRuntimes({ now: () => NOW, env: { MIN_COHORT: '1' } });

let n = 0;
/** A customer's message and the agent's answer a minute later, `daysAgo` days before NOW. */
function exchange(business: string, daysAgo: number) {
  n += 1;
  const at = NOW - daysAgo * DAY;
  const base = { business, channel: 'whatsapp', customer: `+49 151 2345 ${String(n).padStart(4, '0')}`, conversation: `c${n}` };
  return [
    { ...base, id: `in${n}`, type: 'message.received', at: new Date(at).toISOString() },
    { ...base, id: `out${n}`, type: 'message.sent', message: `m${n}`, sender: 'agent', category: 'service', at: new Date(at + 60_000).toISOString() },
  ];
}

/** The businesses of customer_days' rows of the UTC days `daysAgo` before NOW, in stored order. */
async function storedBusinesses(rt: TestRuntime, ...daysAgo: number[]): Promise<string[]> {
  const days = daysAgo.map((d) => Math.floor((NOW - d * DAY) / DAY)).join(',');
  const rows = await queryRows<{ business: string }>(rt.deps.store.connection, `SELECT business FROM customer_days WHERE day IN (${days}) ORDER BY rowid`);
  return rows.map((r) => r.business);
}

async function postDays(rt: TestRuntime, daysAgo: readonly number[]): Promise<void> {
  for (const b of BUSINESSES) await rt.registerBusiness(b);
  const key = await rt.createKey(BUSINESSES[0]!, BUSINESSES.slice(1));
  // One request (so one commit) per business and day: within a commit the derived rows' order is
  // the engine's (a GROUP BY); commits keep arrival order, which the clustering then changes.
  for (const d of daysAgo) {
    for (const b of BUSINESSES) {
      const reply = await rt.postEvents(key, exchange(b, d));
      expect(await reply.json()).toMatchObject({ accepted: 2, rejected: [] });
    }
  }
}

describe('clustering the report tables in the server', () => {
  it('clusters settled days when run, leaving the reports unchanged and logging no identifier', async () => {
    const rt = await start();
    await postDays(rt, [5, 4, 3, 1]);
    const overview = await (await rt.admin('GET', `/v1/reports/overview?${PERIOD}`)).text();
    const business = await (await rt.admin('GET', `/v1/reports/businesses/bank?${PERIOD}&granularity=day`)).text();
    expect(await storedBusinesses(rt, 5, 4, 3)).toEqual([...BUSINESSES, ...BUSINESSES, ...BUSINESSES]);

    const blocks = await rt.clusterSettledDays();

    expect(blocks.map((b) => b.table).sort()).toEqual(['conversation_days', 'conversation_facts', 'customer_days', 'message_facts']);
    expect(await storedBusinesses(rt, 5, 4, 3)).toEqual(['atlas', 'atlas', 'atlas', 'bank', 'bank', 'bank', 'cafe', 'cafe', 'cafe']);
    // Yesterday has not settled: its rows stay as they arrived.
    expect(await storedBusinesses(rt, 1)).toEqual(BUSINESSES);
    expect(await (await rt.admin('GET', `/v1/reports/overview?${PERIOD}`)).text()).toBe(overview);
    expect(await (await rt.admin('GET', `/v1/reports/businesses/bank?${PERIOD}&granularity=day`)).text()).toBe(business);
    const lines = rt.logs.filter((l) => l.includes('report table clustered'));
    expect(lines).toHaveLength(4);
    expect(JSON.parse(lines[0]!)).toMatchObject({ table: expect.any(String), from: '2026-02-26', to: '2026-03-08', rows: expect.any(Number) });
    for (const line of lines) expect(line).not.toMatch(/[0-9a-f]{32}|2345/);
    expect(await rt.clusterSettledDays()).toEqual([]);
  });

  it('clusters at start, in the background, what settled while it was stopped', async () => {
    const rt = await start();
    await postDays(rt, [3, 1, 0]);
    await rt.clusterSettledDays();
    const dir = rt.dir;
    await rt.close();
    release(rt);

    const later = await start({ dir, now: () => NOW + 2 * DAY });
    const key = await later.createKey('cafe');
    expect(await (await later.postEvents(key, exchange('cafe', -2))).json()).toMatchObject({ accepted: 2 });
    // Chained after the start's run: nothing is left for it.
    expect(await later.clusterSettledDays()).toEqual([]);
    // Days 1 and 0 (NOW's) have settled two days later: the block was rewritten whole.
    expect(await storedBusinesses(later, 3, 1, 0)).toEqual(['atlas', 'atlas', 'atlas', 'bank', 'bank', 'bank', 'cafe', 'cafe', 'cafe']);
    expect(later.logs.filter((l) => l.includes('report table clustered'))).toHaveLength(4);
    await later.stop();
    release(later);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('a failed clustering run', () => {
  it('is told to onFailed (the invalidated-database check) whoever started it, and rejects', async () => {
    const broken = new Error('IO Error: could not write block');
    const failures: unknown[] = [];
    const writer = { compactFacts: async () => undefined, exclusive: async () => { throw broken; } } as unknown as EventWriter;
    const schedule = scheduleClustering({ writer, now: () => NOW, logger: createLogger('silent'), onFailed: (error) => failures.push(error) }, { atStart: false });
    try {
      await expect(schedule.runNow()).rejects.toBe(broken);
      expect(failures).toEqual([broken]);
    } finally {
      await schedule.stop();
    }
  });
});
