import { describe, expect, it } from 'vitest';
import { SerialStore } from '../store';
import { useMigratedMemoryDatabase } from '../testing/migratedMemoryDatabase';
import { runRegistryScenario } from './testing/registryScenario';
import { usePrivatePostgres } from './testing/usePostgres';

describe('the registry modules on DuckDB and on PostgreSQL', () => {
  const postgres = usePrivatePostgres();
  const duckdb = useMigratedMemoryDatabase();

  async function onDuckDb() {
    const store = new SerialStore(duckdb());
    // The webhook intake passes the handle SerialStore.exclusive gives (ingest/webhooks).
    return runRegistryScenario(store, store.db);
  }

  it('return the same users, sessions, businesses, keys, audit entries and webhook state', async () => {
    const pg = await postgres.store();
    const [fromDuckDb, fromPostgres] = [await onDuckDb(), await runRegistryScenario(pg, pg.db)];
    expect(fromPostgres).toEqual(fromDuckDb);
    // ...and what they return is what a caller expects, not two equally empty answers.
    expect(fromPostgres.users).toMatchObject({
      created: [true, false, true],
      deleted: [true, false],
      sessionBefore: { userId: 'u-mia', user: { email: 'mia@example.com', role: 'marketing', businesses: ['acme'] } },
      sessionsAfter: [undefined, undefined, undefined],
      all: [{ email: 'mia@example.com', role: 'dpo', businesses: ['acme', 'globex'], createdAt: '2026-11-01 09:00:00+00' }],
    });
    expect(fromPostgres.registry).toMatchObject({
      created: [true, false, true],
      revoked: [true, false],
      rotated: true,
      acme: { name: 'Acme Tours', processingLocations: [{ country: 'IE', primary: true }], webhooksConfigured: true, createdAt: '2026-11-01 09:00:00+00' },
      secrets: [{ appSecret: 'app-secret-2', verifyToken: 'verify-token-2', accounts: { whatsapp: ['waba-1'] } }, undefined],
      activeKeys: [{ id: 'k1', businesses: ['acme', 'globex'] }],
      keysOfGlobex: [{ id: 'k1', label: 'web' }, { id: 'k2', label: null, revokedAt: '2026-11-02 00:00:00+00' }],
      sealing: {
        outcome: { sealed: ['globex'], unreadable: ['initech'], withoutAccounts: ['globex'] },
        storedSealed: true,
        opened: { appSecret: 'clear-app-secret', verifyToken: 'clear-verify-token', accounts: {} },
        again: { sealed: [], unreadable: ['initech'], withoutAccounts: ['globex'] },
      },
    });
    const { audit } = fromPostgres;
    expect(audit.all.map((e) => e.action)).toEqual(['privacy.erasure', 'report.business', 'export.business.csv', 'report.overview']);
    expect(audit.all[1]).toEqual({
      at: '2026-11-01T09:00:02.000Z', actor: 'mia@example.com', action: 'report.business', target: null,
      filters: { channel: 'whatsapp', nested: { a: [1, 2] } }, rowCount: null, sha256: null, hasId: true,
    });
    expect(audit.ofMia.map((e) => e.action)).toEqual(['report.business', 'export.business.csv']);
    expect(audit.reports.map((e) => e.action)).toEqual(['report.business', 'report.overview']);
    expect(audit.window.map((e) => e.at)).toEqual(['2026-11-01T09:00:02.000Z', '2026-11-01T09:00:01.500Z']);
    expect(audit.newest.map((e) => e.action)).toEqual(['privacy.erasure']);
    expect(fromPostgres.webhookState).toMatchObject({
      found: [{ atMs: Date.parse('2026-11-01T09:05:00.250Z'), threadStartMs: Date.parse('2026-11-01T09:00:00Z') }, undefined],
      neighbours: [
        { previous: { atMs: Date.parse('2026-11-01T09:05:00.250Z') }, next: { atMs: Date.parse('2026-11-01T09:10:00Z') } },
        { previous: { atMs: Date.parse('2026-11-01T09:10:00Z') }, next: { atMs: Date.parse('2026-11-01T12:00:00Z') } },
        { previous: undefined, next: { atMs: Date.parse('2026-11-01T09:00:00Z') } },
      ],
      coveredDelivered: [{ message: '0'.repeat(62) + '16' }, { message: '0'.repeat(62) + '18' }],
      coveredAgain: [],
      coveredRead: [{ message: '0'.repeat(62) + '16' }, { message: '0'.repeat(62) + '17' }, { message: '0'.repeat(62) + '18' }],
      watermarksAfterDelivered: { deliveredMs: Date.parse('2026-11-01T09:06:00Z'), readMs: null },
      watermarks: [{ deliveredMs: Date.parse('2026-11-01T09:06:00Z'), readMs: Date.parse('2026-11-01T09:10:00Z') }, { deliveredMs: null, readMs: null }],
      problems: [
        { channel: 'messenger', kind: 'unmappable', count: 5, lastAt: '2026-11-01T11:00:00.007Z' },
        { channel: 'whatsapp', kind: 'foreign_account', count: 1, lastAt: '2026-11-01T12:00:00.000Z' },
      ],
      policyEvents: [
        { channel: 'whatsapp', action: 'unblock', occurredAt: '2026-11-01T08:00:00.000Z' },
        { channel: 'messenger', action: 'block', occurredAt: '2026-11-01T10:00:00.120Z' },
      ],
    });
    expect(fromPostgres.webhookState.stillUnread.map((m) => m.message)).toEqual(['0'.repeat(62) + '16', '0'.repeat(62) + '18']);
    // A person's thread records (read before a merge joins threads), in time order.
    expect(fromPostgres.webhookState.threads.map((r) => [r.direction, r.message.slice(-2), r.atMs, r.threadStartMs])).toEqual([
      ['in', '15', Date.parse('2026-11-01T09:00:00Z'), Date.parse('2026-11-01T09:00:00Z')],
      ['out', '16', Date.parse('2026-11-01T09:05:00.250Z'), Date.parse('2026-11-01T09:00:00Z')],
      ['out', '17', Date.parse('2026-11-01T09:10:00Z'), Date.parse('2026-11-01T09:00:00Z')],
      ['out', '18', Date.parse('2026-11-01T12:00:00Z'), Date.parse('2026-11-01T09:00:00Z')],
    ]);
  });
});
