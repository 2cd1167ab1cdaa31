import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, queryRows } from './duckdb';
import { commitEvents, compactFacts } from './eventStore';
import { factKey } from './factKey';
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

  it('gives events and message facts a campaign column: NULL for stored rows, written by the appender after it', async () => {
    const migrations = join(import.meta.dirname, 'migrations');
    const older = mkdtempSync(join(tmpdir(), 'migrations-'));
    cpSync(migrations, older, { recursive: true });
    const journal = JSON.parse(readFileSync(join(migrations, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
    const before = journal.entries.findIndex((e) => e.tag === '0013_message_campaign');
    writeFileSync(join(older, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, before) }));
    const instance = await openDatabase(':memory:');
    const connection = await instance.connect();
    await migrate(connection, older);
    rmSync(older, { recursive: true });
    // A send of m1 stored by the older version, and its fact.
    await connection.run(`INSERT INTO events VALUES ('acme', 'e-old', 'message.sent', 'whatsapp', 'cust', 'DE', 'conv', 'm1',
      '2026-11-01 10:00:00+00', '2026-11-01 10:00:00+00', 'automation', 'marketing', 'spring_offer', 'DE', NULL, NULL, NULL)`);
    await connection.run(`INSERT INTO message_facts VALUES ('acme', ${factKey('m1')}, '2026-11-01 10:00:00+00', 'whatsapp', ${factKey('cust')},
      'automation', 'marketing', 'spring_offer', false, false, NULL, NULL, NULL, false)`);

    // 0013 and whatever migrations came after it.
    expect(await migrate(connection)).toEqual(journal.entries.slice(before).map((e) => e.tag));
    const send = { business: 'acme', type: 'message.sent', channel: 'whatsapp', customer: 'cust', customerRegion: 'DE', conversation: 'conv',
      receivedAtMicros: Date.parse('2026-11-01T12:00:00Z') * 1000, sender: 'automation', category: 'marketing', template: 'spring_offer',
      processedIn: 'DE', errorCode: null, pricing: null, source: null };
    await commitEvents(connection, [
      { ...send, eventId: 'e-m2', message: 'm2', occurredAtMicros: Date.parse('2026-11-01T11:00:00Z') * 1000, campaign: 'autumn_wave' },
      { ...send, eventId: 'e-m1-later', message: 'm1', occurredAtMicros: Date.parse('2026-11-01T11:30:00Z') * 1000, campaign: 'late_wave' },
    ]);
    await compactFacts(connection);
    expect(await queryRows(connection, 'SELECT event_id, campaign FROM events ORDER BY occurred_at')).toEqual([
      { event_id: 'e-old', campaign: null }, { event_id: 'e-m2', campaign: 'autumn_wave' }, { event_id: 'e-m1-later', campaign: 'late_wave' },
    ]);
    // m1's earliest send is the old one, without a campaign: a later send's does not replace it.
    expect(await queryRows(connection, 'SELECT template, campaign FROM message_facts ORDER BY sent_at')).toEqual([
      { template: 'spring_offer', campaign: null }, { template: 'spring_offer', campaign: 'autumn_wave' },
    ]);
    connection.closeSync();
    instance.closeSync();
  });
});
