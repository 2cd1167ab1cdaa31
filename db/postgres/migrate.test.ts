import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migratePostgres, PG_MIGRATIONS_DIR } from './migrate';
import { usePrivatePostgres } from './testing/usePostgres';

const journalTags = (JSON.parse(readFileSync(join(PG_MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] }).entries.map((e) => e.tag);

const REGISTRY_TABLES = [
  'alert_attempts', 'alert_endpoints', 'alert_rules', 'alerts', 'audit_log', 'business_rate_cards', 'businesses', 'ingest_key_businesses', 'ingest_keys', 'processing_locations',
  'processing_records',
  'rate_card_prices', 'rate_card_versions', 'residency_snapshots', 'sessions',
  'sign_in_attempts', 'sign_in_known_addresses', 'sign_in_refusals', 'users', 'webhook_intake_problems', 'webhook_messages', 'webhook_policy_events', 'webhook_watermarks',
];

describe('PostgreSQL migrations', () => {
  const postgres = usePrivatePostgres();

  const tablesOf = async (store: Awaited<ReturnType<typeof postgres.store>>) =>
    (await store.pool.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")).rows.map((r) => r.name);

  it('creates the registry tables, and none of the event tables, once; the next start applies nothing', async () => {
    const store = await postgres.store(await postgres.emptyDatabase());
    expect(await migratePostgres(store.pool)).toEqual(journalTags);
    expect(await migratePostgres(store.pool)).toEqual([]);
    expect(await tablesOf(store)).toEqual(REGISTRY_TABLES);
  });

  it('lets several servers start on an empty database at once: one migrates, the others wait and find it done', async () => {
    const url = await postgres.emptyDatabase();
    const servers = await Promise.all([1, 2, 3].map(() => postgres.store(url)));
    const applied = await Promise.all(servers.map((server) => migratePostgres(server.pool)));
    expect(applied.filter((tags) => tags.length > 0)).toEqual([journalTags]);
    expect(await tablesOf(servers[0]!)).toEqual(REGISTRY_TABLES);
    const { rows } = await servers[1]!.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
    expect(rows).toEqual([{ n: journalTags.length }]);
  });
});
