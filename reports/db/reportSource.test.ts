import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadQueue } from './reportSource';

// Temp tables are private to their connection, so `SELECT lane FROM which` names the connection
// a query ran on.
let instance: DuckDBInstance;
let queue: ReadQueue;
const failures: unknown[] = [];
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  const connections = [await instance.connect(), await instance.connect()];
  for (const [i, connection] of connections.entries()) await connection.run(`CREATE TEMP TABLE which AS SELECT ${i} AS lane`);
  queue = new ReadQueue(connections, (error) => failures.push(error));
});
afterAll(() => instance.closeSync());

const lane = async (q: ReadQueue) => (await q.query<{ lane: number }>({ sql: 'SELECT lane FROM which', params: [] }))[0]!.lane;

describe('ReadQueue', () => {
  it('sends queries sent together to different connections', async () => {
    expect((await Promise.all([lane(queue), lane(queue)])).sort()).toEqual([0, 1]);
    expect((await Promise.all([lane(queue), lane(queue), lane(queue), lane(queue)])).sort()).toEqual([0, 0, 1, 1]);
  });

  it('uses the first connection for queries one after another', async () => {
    expect([await lane(queue), await lane(queue), await lane(queue)]).toEqual([0, 0, 0]);
  });

  it('keeps a failed query from blocking the ones queued after it, and reports the failure', async () => {
    const failing = queue.query({ sql: 'SELECT * FROM no_such_table', params: [] });
    const after = [lane(queue), lane(queue)];
    await expect(failing).rejects.toThrow(/no_such_table/);
    expect((await Promise.all(after)).sort()).toEqual([0, 1]);
    expect(failures.map(String)).toEqual([expect.stringMatching(/no_such_table/)]);
  });
});
