import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'chdb';
import type { EventRow } from '../../eventStore';
import { toClickHouseRow } from '../clickhouseEventStore';
import { EVENTS_TABLE, schemaStatements } from '../schema';

/**
 * ClickHouse 26.x embedded (npm chdb) with the events schema of ../schema.ts, to run the same SQL
 * text as the 18.16 server. No HTTP: rows go in as an INSERT ... FORMAT JSONEachRow, the same
 * rows the client sends.
 */
export interface ChdbEngine {
  insert(rows: readonly EventRow[]): void;
  query<T = Record<string, unknown>>(sql: string): T[];
  version(): string;
  close(): void;
}

export function openChdb(database = 'mpa'): ChdbEngine {
  const dir = mkdtempSync(join(tmpdir(), 'mpa-chdb-'));
  // 64-bit integers as JSON numbers, as the client asks of a server.
  const session = new Session(dir, { connectionArgs: ['--output_format_json_quote_64bit_integers=0'] });
  for (const statement of schemaStatements(database)) session.query(statement);
  session.query(`USE ${database}`);
  const query = <T>(sql: string): T[] => session.query(sql, 'JSONEachRow').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as T);
  return {
    insert: (rows) => {
      if (rows.length === 0) return;
      session.query(`INSERT INTO ${EVENTS_TABLE} FORMAT JSONEachRow\n${rows.map((r) => JSON.stringify(toClickHouseRow(r))).join('\n')}`);
    },
    query,
    version: () => query<{ v: string }>('SELECT version() AS v')[0]!.v,
    close: () => {
      session.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
