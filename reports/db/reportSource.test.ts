import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadQueue } from './reportSource';
import { ReportsBusyError } from '../reportsBusy';

// Temp tables are private to their connection, so `SELECT lane FROM which` names the connection
// a query ran on.
let instance: DuckDBInstance;
let queue: ReadQueue;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  const connections = [await instance.connect(), await instance.connect()];
  for (const [i, connection] of connections.entries()) await connection.run(`CREATE TEMP TABLE which AS SELECT ${i} AS lane`);
  queue = new ReadQueue(connections);
});
afterAll(() => instance.closeSync());

const lane = async (q: ReadQueue) => (await q.query<{ lane: number }>({ sql: 'SELECT lane FROM which', params: [] }))[0]!.lane;

describe('ReadQueue', () => {
  it('sends queries sent together to different connections', async () => {
    expect((await Promise.all([lane(queue), lane(queue)])).sort()).toEqual([0, 1]);
  });

  it('gives a waiting query the first connection free, not one busy with a long query', async () => {
    // ~a second of work on the first connection; the three short queries sent after it all run
    // on the second meanwhile (assigned when sent, the second of them would wait for the long one).
    const long = queue.query<{ lane: number }>({ sql: 'SELECT lane, (SELECT sum(i % 7) FROM range(400000000) r(i)) AS s FROM which', params: [] });
    const short = [lane(queue), lane(queue), lane(queue)];
    expect(await Promise.all(short)).toEqual([1, 1, 1]);
    expect((await long)[0]!.lane).toBe(0);
  });

  it('uses the first connection for queries one after another', async () => {
    expect([await lane(queue), await lane(queue), await lane(queue)]).toEqual([0, 0, 0]);
  });

  it('keeps a failed query from blocking the ones queued after it, and reports the failure', async () => {
    // One connection: the two queries after the failing one wait for it, then run.
    const failed: unknown[] = [];
    const single = new ReadQueue([queue.connection], (error) => failed.push(error));
    const failing = single.query({ sql: 'SELECT * FROM no_such_table', params: [] });
    const after = [lane(single), lane(single)];
    await expect(failing).rejects.toThrow(/no_such_table/);
    expect(await Promise.all(after)).toEqual([0, 0]);
    expect(failed.map(String)).toEqual([expect.stringMatching(/no_such_table/)]);
  });

  it('refuses a query at once when as many queries as allowed already wait, and runs the ones it took', async () => {
    const single = new ReadQueue([queue.connection], undefined, { maxWaiting: 2, timeoutMs: 60_000 });
    const long = single.query(LONG);
    const taken = [lane(single), lane(single)];
    expect(single.waiting).toBe(2);
    await expect(single.query({ sql: 'SELECT 1', params: [] })).rejects.toThrow(ReportsBusyError);
    await expect(single.query({ sql: 'SELECT 1', params: [] })).rejects.toMatchObject({ message: /report queue is full \(2 queries waiting\)/, retryAfterSeconds: 5 });
    expect(await Promise.all(taken)).toEqual([0, 0]);
    await long;
    // With room again, it takes queries.
    expect(await lane(single)).toBe(0);
  });

  it('refuses a query that waited longer than the timeout, leaving the line to the others', async () => {
    const single = new ReadQueue([queue.connection], undefined, { maxWaiting: 10, timeoutMs: 50 });
    const long = single.query(LONG);
    const waited = single.query({ sql: 'SELECT 1', params: [] });
    await expect(waited).rejects.toMatchObject({ name: 'ReportsBusyError', message: /waited more than 50 ms/ });
    expect(single.waiting).toBe(0);
    await long;
    // A running query is never cut short, and a query sent when a connection is free does not wait.
    expect(await lane(single)).toBe(0);
  });
});

// About a second of work on one connection.
const LONG = { sql: 'SELECT (SELECT sum(i % 7) FROM range(400000000) r(i)) AS s', params: [] };
