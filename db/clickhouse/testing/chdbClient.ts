import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'chdb';
import type { ClickHouseClient } from '../clickhouseClient';
import { schemaStatements } from '../schema';
import { identifier } from '../sqlLiteral';

/**
 * ClickHouse 26.x embedded (npm chdb) behind the few calls the stores make of a ClickHouseClient
 * (query, command, insertJsonEachRow, database), so the same store code and SQL text run on it
 * as on the 18.16 server. Settings are the server's defaults; errors are chdb's.
 */
export interface ChdbClient {
  client: ClickHouseClient;
  dispose(): void;
}

export function openChdbClient(database: string): ChdbClient {
  const dir = mkdtempSync(join(tmpdir(), 'mpa-chdb-client-'));
  const session = new Session(dir, { connectionArgs: ['--output_format_json_quote_64bit_integers=0'] });
  for (const statement of schemaStatements(database)) session.query(statement);
  session.query(`USE ${identifier(database)}`);
  const rowsOf = <T>(text: string): T[] => text.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as T);
  const client = {
    database,
    query: async <T>(sql: string): Promise<T[]> => rowsOf<T>(session.query(sql, 'JSONEachRow')),
    command: async (sql: string): Promise<void> => void session.query(sql),
    insertJsonEachRow: async (table: string, rows: readonly object[]): Promise<void> => {
      if (rows.length > 0) session.query(`INSERT INTO ${identifier(table)} FORMAT JSONEachRow\n${rows.map((r) => JSON.stringify(r)).join('\n')}`);
    },
    close: async () => {},
  };
  return {
    // Structurally the calls the stores use; ClickHouseClient's private fields make a cast necessary.
    client: client as unknown as ClickHouseClient,
    dispose: () => {
      session.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
