import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseSettings } from '../../../db/clickhouse/clickhouseClient';
import { openChdb, type ChdbEngine } from '../../../db/clickhouse/testing/chdbEngine';
import { ReportsBusyError } from '../../reportsBusy';
import { ClickHouseReadQueue, type ClickHouseReader } from './clickhouseReadQueue';

// The ClickHouse report reads on ClickHouse 26.x (chdb): the settings each query carries reach
// the engine, and 26.x's TIMEOUT_EXCEEDED is recognised as well as 18.16's.

let chdb: ChdbEngine;
beforeAll(() => {
  chdb = openChdb('mpa_read_queue');
});
afterAll(() => chdb?.close());

/** chdb has no HTTP: the settings a server gets in the URL go into the query's SETTINGS clause. */
function chdbReader(): ClickHouseReader {
  return {
    query: async <T>(sql: string, settings: ClickHouseSettings = {}) => {
      const clause = Object.entries(settings).map(([name, value]) => `${name} = ${typeof value === 'string' ? `'${value}'` : Number(value)}`).join(', ');
      return chdb.query<T>(clause === '' ? sql : `${sql} SETTINGS ${clause}`);
    },
  };
}

describe('ClickHouse report reads on chdb (26.x)', () => {
  it('runs each query with max_execution_time', async () => {
    const reads = new ClickHouseReadQueue(chdbReader(), { maxExecutionSeconds: 7 });
    expect(await reads.query({ sql: "SELECT getSetting('max_execution_time') AS t", params: [] })).toEqual([{ t: 7 }]);
  });

  it('turns a query stopped at max_execution_time into ReportQueryTimeoutError, and tells onFailed the engine\'s error', async () => {
    const failed: unknown[] = [];
    const reads = new ClickHouseReadQueue(chdbReader(), { maxExecutionSeconds: 1, onFailed: (error) => failed.push(error) });
    const error = await reads.query({ sql: 'SELECT sum(number % 7) AS n FROM numbers(10000000000)', params: [] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ReportQueryTimeoutError', retryAfterSeconds: 1, message: /ran longer than 1 s on ClickHouse/ });
    expect(error).toBeInstanceOf(ReportsBusyError);
    expect(failed.map(String)).toEqual([expect.stringMatching(/Code: 159\./)]);
  });

  it('refuses, when built, a deadline the client\'s own request timeout would cut first', () => {
    const reader = { ...chdbReader(), requestTimeoutMs: 10_000 };
    expect(() => new ClickHouseReadQueue(reader)).toThrow(/\(25000 ms\) must stay under the ClickHouse client's request timeout \(10000 ms\)/);
    expect(() => new ClickHouseReadQueue(reader, { maxExecutionSeconds: 5, answerGraceMs: 4_000 })).not.toThrow();
  });

  it('refuses a query with bound parameters (built for DuckDB)', async () => {
    const reads = new ClickHouseReadQueue(chdbReader());
    await expect(reads.query({ sql: 'SELECT $1', params: [1] })).rejects.toThrow(/inlined, not bound/);
  });

  it('passes other errors through unchanged', async () => {
    const reads = new ClickHouseReadQueue(chdbReader());
    await expect(reads.query({ sql: 'SELECT * FROM no_such_table', params: [] })).rejects.toThrow(/no_such_table/);
  });
});
