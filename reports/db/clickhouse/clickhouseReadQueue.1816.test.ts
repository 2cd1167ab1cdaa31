import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseClient, ClickHouseDeadlineError, ClickHouseError } from '../../../db/clickhouse/clickhouseClient';
import { startTestClickHouse, type TestClickHouse } from '../../../db/clickhouse/testing/servers';
import { suspendProcess } from '../../../db/localServers/processes';
import { ReportsBusyError } from '../../reportsBusy';
import { ClickHouseReadQueue, ReportQueryTimeoutError } from './clickhouseReadQueue';

// The ClickHouse report reads against two real, independent ClickHouse 18.16 servers, A and B:
// each has a table `which` naming itself, so a reply says which endpoint answered it.

let a: TestClickHouse;
let b: TestClickHouse;
const clients: ClickHouseClient[] = [];
function client(urls: string[]): ClickHouseClient {
  const made = new ClickHouseClient({ urls, database: 'default' });
  clients.push(made);
  return made;
}

beforeAll(async () => {
  [a, b] = await Promise.all([startTestClickHouse(), startTestClickHouse()]);
  for (const [name, server] of [['A', a], ['B', b]] as const) {
    const own = client(server.urls);
    await own.command('CREATE TABLE which (lane String) ENGINE = Memory');
    await own.command(`INSERT INTO which VALUES ('${name}')`);
  }
}, 60_000);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all([a?.dispose(), b?.dispose()]);
});

const q = (sql: string) => ({ sql, params: [] });
const LANE = q('SELECT lane FROM which');
// About a second on the server (sleep() is per block: one row, one block).
const SECOND = q('SELECT lane, sleep(1) AS slept FROM which');
const lanes = (rows: { lane: string }[]) => rows.map((r) => r.lane);

describe('ClickHouse report reads on 18.16', () => {
  it('runs at most maxRunning queries at once on the server; the others wait their turn', async () => {
    const reads = new ClickHouseReadQueue(client(b.urls), { maxRunning: 2 });
    const started = Date.now();
    const all = Promise.all([SECOND, SECOND, SECOND].map((s) => reads.query<{ lane: string }>(s)));
    expect(reads.waiting).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const running = await client(b.urls).query<{ n: number }>("SELECT count() AS n FROM system.processes WHERE query LIKE '%sleep(1)%' AND query NOT LIKE '%system.processes%'");
    expect(running).toEqual([{ n: 2 }]);
    expect((await all).map(lanes)).toEqual([['B'], ['B'], ['B']]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
  });

  it('refuses a query at once when the line is full, and answers the ones it took', async () => {
    const reads = new ClickHouseReadQueue(client(b.urls), { maxRunning: 1, limits: { maxWaiting: 2, timeoutMs: 60_000 } });
    const taken = [SECOND, LANE, LANE].map((s) => reads.query<{ lane: string }>(s));
    expect(reads.waiting).toBe(2);
    await expect(reads.query(LANE)).rejects.toThrow(ReportsBusyError);
    await expect(reads.query(LANE)).rejects.toMatchObject({ message: /report queue is full \(2 queries waiting\)/, retryAfterSeconds: 5 });
    expect((await Promise.all(taken)).map(lanes)).toEqual([['B'], ['B'], ['B']]);
    expect(lanes(await reads.query(LANE))).toEqual(['B']);
  });

  it('refuses a query that waited longer than the timeout, and lets the running one finish', async () => {
    const reads = new ClickHouseReadQueue(client(b.urls), { maxRunning: 1, limits: { maxWaiting: 10, timeoutMs: 50 } });
    const running = reads.query<{ lane: string }>(SECOND);
    await expect(reads.query(LANE)).rejects.toMatchObject({ name: 'ReportsBusyError', message: /waited more than 50 ms/ });
    expect(reads.waiting).toBe(0);
    expect(lanes(await running)).toEqual(['B']);
  });

  it('stops a query at max_execution_time: the caller gets ReportQueryTimeoutError, onFailed the server\'s TIMEOUT_EXCEEDED', async () => {
    const failed: unknown[] = [];
    const reads = new ClickHouseReadQueue(client(b.urls), { maxExecutionSeconds: 1, onFailed: (error) => failed.push(error) });
    const started = Date.now();
    const error = await reads.query(q('SELECT sum(number % 7) AS n FROM numbers(10000000000)')).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(error).toBeInstanceOf(ReportQueryTimeoutError);
    expect(error).toBeInstanceOf(ReportsBusyError); // so the HTTP layer answers 503 reports_busy
    expect(error).toMatchObject({ message: 'a report query ran longer than 1 s on ClickHouse; retry later, or ask for a shorter period', retryAfterSeconds: 1 });
    expect(failed).toEqual([expect.any(ClickHouseError)]);
    expect(failed[0]).toMatchObject({ code: 159 });
    // The line is free again.
    expect(lanes(await reads.query(LANE))).toEqual(['B']);
  });

  it('aborts a query the server does not answer, and sends the next one to the other endpoint', async () => {
    const failed: unknown[] = [];
    const reads = new ClickHouseReadQueue(client([...a.urls, ...b.urls]), { maxExecutionSeconds: 1, answerGraceMs: 500, onFailed: (error) => failed.push(error) });
    const [pid] = a.pids();
    await suspendProcess(pid!); // A accepts connections (the kernel does) but answers nothing
    try {
      const started = Date.now();
      await expect(reads.query(LANE)).rejects.toBeInstanceOf(ReportQueryTimeoutError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
      expect(failed).toEqual([expect.any(ClickHouseDeadlineError)]);
      expect(lanes(await reads.query(LANE))).toEqual(['B']);
    } finally {
      process.kill(pid!, 'SIGCONT');
    }
  });

  it('retries a query on the other endpoint when the first dies mid-query, and skips a dead endpoint', async () => {
    const reads = new ClickHouseReadQueue(client([...a.urls, ...b.urls]));
    expect(lanes(await reads.query(LANE))).toEqual(['A']);
    const cutOff = reads.query<{ lane: string }>(SECOND);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await a.killNode(0);
    expect(lanes(await cutOff)).toEqual(['B']);
    // A fresh client (preferring A, now dead: connection refused) is answered by B.
    const fresh = new ClickHouseReadQueue(client([...a.urls, ...b.urls]));
    expect(lanes(await fresh.query(LANE))).toEqual(['B']);
  });
});
