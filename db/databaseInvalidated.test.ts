import { describe, expect, it } from 'vitest';
import { isDatabaseInvalidated, openDatabase } from './duckdb';

describe('isDatabaseInvalidated', () => {
  it("recognises DuckDB's fatal error and the errors that follow it", () => {
    // As DuckDB 1.5.6 raised it inside an automatic checkpoint at ~46M events (bench, 2026-11-30).
    expect(isDatabaseInvalidated(new Error('FATAL Error: Failed to create checkpoint because of error: Corrupted in-memory column - column with index 0 has misaligned count (row group has 77120 rows, column has 101696)'))).toBe(true);
    expect(isDatabaseInvalidated(new Error('Invalid Input Error: The database has been invalidated because of a previous fatal error. The database must be restarted prior to being used again.'))).toBe(true);
  });

  it('leaves ordinary statement errors alone: the database goes on working after them', async () => {
    const instance = await openDatabase(':memory:');
    const connection = await instance.connect();
    try {
      const errors: unknown[] = [];
      for (const sql of ['SELECT * FROM no_such_table', 'SELECT 1 +', "SELECT 'x'::INTEGER", 'CREATE TABLE t (a INTEGER PRIMARY KEY); INSERT INTO t VALUES (1), (1)']) {
        await connection.run(sql).catch((error: unknown) => errors.push(error));
      }
      expect(errors).toHaveLength(4);
      expect(errors.filter(isDatabaseInvalidated)).toEqual([]);
      expect((await connection.runAndReadAll('SELECT 42 AS answer')).getRowObjects()).toEqual([{ answer: 42 }]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
