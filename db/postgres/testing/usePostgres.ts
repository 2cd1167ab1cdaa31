import { afterAll, beforeAll } from 'vitest';
import { migratePostgres } from '../migrate';
import { PgStore } from '../pgStore';
import { createDatabase, startPrivatePostgres, type PrivatePostgres } from './privatePostgres';

/**
 * A private PostgreSQL for the calling test file, started before its tests and stopped after.
 * The returned functions make a new empty database on it (its URL), or a new migrated one with
 * a PgStore on it (closed after the file's tests).
 */
export function usePrivatePostgres() {
  let server: PrivatePostgres;
  const stores: PgStore[] = [];
  beforeAll(async () => {
    server = await startPrivatePostgres();
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await server.stop();
  });
  const emptyDatabase = () => createDatabase(server.url);
  /** A store on the database at url; a new migrated database when no url is given. */
  const store = async (url?: string) => {
    const pgStore = new PgStore({ url: url ?? (await emptyDatabase()) });
    stores.push(pgStore);
    if (url === undefined) await migratePostgres(pgStore.pool);
    return pgStore;
  };
  return { emptyDatabase, store };
}
