import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from './duckdb';
import { repositoryPath } from './repositoryFiles';

const MIGRATIONS_DIR = repositoryPath('db', 'migrations');

interface Journal {
  entries: { idx: number; tag: string }[];
}

/**
 * drizzle-kit writes PostgreSQL DDL; DuckDB rejects a few of its forms. Rewrite them here, one
 * rule each, rather than hand-editing generated files.
 */
export function toDuckDbStatement(statement: string): string {
  return statement
    .replace(/\s+USING btree/gi, '')
    .replace(/gen_random_uuid\(\)/g, 'uuid()')
    .trim();
}

export function splitStatements(fileText: string): string[] {
  return fileText
    .split('--> statement-breakpoint')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Applies, in journal order, every migration not yet recorded; each in its own transaction. */
export async function migrate(connection: DuckDBConnection, dir = MIGRATIONS_DIR): Promise<string[]> {
  await connection.run(
    'CREATE TABLE IF NOT EXISTS schema_migrations (tag VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)',
  );
  const applied = new Set(
    (await queryRows<{ tag: string }>(connection, 'SELECT tag FROM schema_migrations')).map((r) => r.tag),
  );
  const journal = JSON.parse(readFileSync(join(dir, 'meta', '_journal.json'), 'utf8')) as Journal;
  const newlyApplied: string[] = [];
  for (const { tag } of [...journal.entries].sort((a, b) => a.idx - b.idx)) {
    if (applied.has(tag)) continue;
    const statements = splitStatements(readFileSync(join(dir, `${tag}.sql`), 'utf8'));
    await connection.run('BEGIN TRANSACTION');
    try {
      for (const statement of statements) await connection.run(toDuckDbStatement(statement));
      await connection.run('INSERT INTO schema_migrations VALUES ($1, now())', [tag]);
      await connection.run('COMMIT');
    } catch (error) {
      await connection.run('ROLLBACK');
      throw new Error(`migration ${tag} failed: ${error instanceof Error ? error.message : error}`);
    }
    newlyApplied.push(tag);
  }
  return newlyApplied;
}
