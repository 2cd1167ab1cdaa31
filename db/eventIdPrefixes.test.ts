import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './duckdb';
import { commitEvents, forEachEventIdPrefix, type EventRow } from './eventStore';
import { migrate } from './migrate';

const T0 = Date.UTC(2026, 10, 2, 9, 0) * 1000;
const idOf = (i: number) => i.toString(16).padStart(16, '0') + 'f'.repeat(48);
function event(i: number): EventRow {
  return {
    business: 'acme', eventId: idOf(i), type: 'message.received', channel: 'whatsapp', customer: `u${i % 7}`, customerRegion: 'DE',
    conversation: `c${i % 5}`, message: null, occurredAtMicros: T0 + i * 1_000_000, receivedAtMicros: T0, sender: null,
    category: null, template: null, processedIn: 'DE', errorCode: null, pricing: null, source: null,
  };
}

/** Whether another process can open the file now (DuckDB lets one process own a file). */
function anotherProcessCanOpen(path: string): string {
  const script = `require(${JSON.stringify(require.resolve('@duckdb/node-api'))}).DuckDBInstance.create(${JSON.stringify(path)})
    .then((db) => { db.closeSync(); console.log('opened'); }, (error) => console.log(error.message))`;
  return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim();
}

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function storedDatabase(events: number) {
  const dir = mkdtempSync(join(tmpdir(), 'id-prefixes-'));
  dirs.push(dir);
  const path = join(dir, 'events.duckdb');
  const instance = await openDatabase(path);
  const connection = await instance.connect();
  await migrate(connection);
  for (let i = 0; i < events; i += 10) await commitEvents(connection, Array.from({ length: 10 }, (_, j) => event(i + j)));
  return { path, instance, connection };
}

describe('reading the stored event ids for the duplicate index', () => {
  it('reads every stored id once, page by page, across the gaps deletions leave', async () => {
    const { instance, connection } = await storedDatabase(60);
    await connection.run(`DELETE FROM events WHERE event_id IN ('${idOf(3)}', '${idOf(4)}', '${idOf(25)}')`);
    const seen: string[] = [];
    await forEachEventIdPrefix(connection, (high, low) => high.forEach((h, i) => seen.push(h.toString(16).padStart(8, '0') + low[i]!.toString(16).padStart(8, '0'))), 7);
    const expected = Array.from({ length: 60 }, (_, i) => i).filter((i) => ![3, 4, 25].includes(i)).map((i) => idOf(i).slice(0, 16));
    expect(seen.sort()).toEqual(expected.sort());
    connection.closeSync();
    instance.closeSync();
  });

  it('leaves nothing open when the reader stops half-way (the writer closing during the load)', async () => {
    const { path, instance, connection } = await storedDatabase(40);
    const stop = new Error('closing');
    await expect(forEachEventIdPrefix(connection, () => {
      throw stop;
    }, 8)).rejects.toBe(stop);
    connection.closeSync();
    instance.closeSync();
    expect(anotherProcessCanOpen(path)).toBe('opened');
  });
});
