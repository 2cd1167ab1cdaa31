import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('rebuilds the facts tables without their primary keys and keeps every stored fact', async () => {
    // The migrations as they were before 0007: a database created by an older version.
    const migrations = join(import.meta.dirname, 'migrations');
    const older = mkdtempSync(join(tmpdir(), 'migrations-'));
    cpSync(migrations, older, { recursive: true });
    const journal = JSON.parse(readFileSync(join(migrations, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
    const before = journal.entries.findIndex((e) => e.tag === '0007_facts_without_keys');
    writeFileSync(join(older, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, before) }));

    const instance = await openDatabase(':memory:');
    const connection = await instance.connect();
    await migrate(connection, older);
    rmSync(older, { recursive: true });
    await connection.run(`INSERT INTO conversation_facts VALUES ('acme', 1, '2026-11-01 09:00:00+00', '2026-11-01 09:00:00+00', 7, 'whatsapp', NULL, '2026-11-01 09:05:00+00')`);
    await connection.run(`INSERT INTO message_facts VALUES ('acme', 2, '2026-11-01 09:01:00+00', 'whatsapp', 7, 'agent', 'utility', 'booking', true, false)`);

    expect((await migrate(connection))[0]).toBe('0007_facts_without_keys');
    const facts = await queryRows<{ conversation: number; message: number; channel: string; template: string; delivered: boolean; last: string }>(connection,
      `SELECT c.conversation::INTEGER AS conversation, m.message::INTEGER AS message, c.channel, m.template, m.delivered, strftime(c.last_at AT TIME ZONE 'UTC', '%H:%M') AS last
       FROM conversation_facts c, message_facts m`);
    expect(facts).toEqual([{ conversation: 1, message: 2, channel: 'whatsapp', template: 'booking', delivered: true, last: '09:05' }]);
    const keys = await queryRows<{ n: number }>(connection,
      "SELECT count(*)::INTEGER AS n FROM duckdb_constraints() WHERE table_name IN ('conversation_facts', 'message_facts') AND constraint_type = 'PRIMARY KEY'");
    expect(keys).toEqual([{ n: 0 }]);
    connection.closeSync();
    instance.closeSync();
  });
});
