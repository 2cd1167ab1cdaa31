import { describe, expect, it } from 'vitest';
import { withRepeatedQueriesOnce, type ReportSource } from './reportSource';

describe('withRepeatedQueriesOnce', () => {
  it('runs a query asked again with the same parameters once, and one with other parameters again', async () => {
    const ran: unknown[][] = [];
    const source: ReportSource = {
      query: async <T>(q: { sql: string; params: unknown[] }) => {
        ran.push(q.params);
        return [{ n: ran.length }] as T[];
      },
      businesses: async () => [],
    };
    const once = withRepeatedQueriesOnce(source);
    const first = await once.query({ sql: 'SELECT $1 AS n', params: [1] });
    expect(await once.query({ sql: 'SELECT $1 AS n', params: [1] })).toEqual(first);
    expect(await once.query({ sql: 'SELECT $1 AS n', params: [2] })).toEqual([{ n: 2 }]);
    expect(ran).toEqual([[1], [2]]);
  });
});
