import { describe, expect, it } from 'vitest';
import { openDatabase, queryRows } from './duckdb';
import { migrate, splitStatements, toDuckDbStatement } from './migrate';

describe('migrations', () => {
  it('rewrites the PostgreSQL forms DuckDB rejects', () => {
    expect(toDuckDbStatement('CREATE INDEX "i" ON "events" USING btree ("business");')).toBe('CREATE INDEX "i" ON "events" ("business");');
    expect(toDuckDbStatement('"id" uuid DEFAULT gen_random_uuid()')).toBe('"id" uuid DEFAULT uuid()');
    expect(splitStatements('A;\n--> statement-breakpoint\nB;\n')).toEqual(['A;', 'B;']);
  });

  it('applies every generated migration once, and none again on the next start', async () => {
    const instance = await openDatabase(':memory:');
    const connection = await instance.connect();
    const first = await migrate(connection);
    expect(first.length).toBeGreaterThan(0);
    expect(await migrate(connection)).toEqual([]);
    const tables = await queryRows<{ name: string }>(connection, "SELECT table_name AS name FROM information_schema.tables");
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['events', 'businesses', 'processing_locations', 'ingest_keys', 'audit_log']));
    connection.closeSync();
    instance.closeSync();
  });
});
