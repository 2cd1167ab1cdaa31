import { appendAudit, listAudit } from '../../auditLog';
import { getBusiness, getWebhookSecrets, insertIngestKey, listActiveKeys, listBusinesses, listKeysOfBusiness, putBusiness, revokeIngestKey, type BusinessInput } from '../../registry';
import { eq } from 'drizzle-orm';
import { businesses } from '../../schema';
import { SecretBox } from '../../secretBox';
import type { RegistryStore } from '../../store';
import { deleteSession, deleteUser, findSession, findUserByEmail, insertSession, insertUser, listUsers, updateUser } from '../../users';
import {
  countIntakeProblems, findWebhookMessage, getWatermarks, listIntakeProblems, listPolicyEvents, markReceipts, messagesCoveredBy,
  raiseWatermark, recordPolicyEvent, recordWebhookMessage, setWebhookSecrets, threadNeighbours, threadRecordsOf, type StateDb,
} from '../../webhookState';
import { sealClearWebhookSecrets } from '../../webhookSecrets';

// One scenario over the registry's modules, run on DuckDB and on PostgreSQL by
// registryOnBothEngines.test.ts, which compares what each step returned.

const box = new SecretBox(Buffer.alloc(32, 7));
const at = (iso: string) => Date.parse(iso);
const key = (n: number) => n.toString(16).padStart(64, '0');

const acme: BusinessInput = {
  id: 'acme',
  name: 'Acme Travel',
  sector: 'travel',
  verified: true,
  timezone: 'Europe/Dublin',
  businessHours: { mon: [['09:00', '17:00']] },
  processingLocations: [
    { country: 'IE', processor: 'Acme', role: 'controller', mechanism: 'eea', primary: true },
    { country: 'US', processor: 'Cloud Inc', role: 'processor', mechanism: 'dpf', primary: false },
  ],
  webhooks: { appSecret: 'app-secret-1', verifyToken: 'verify-token-1', accounts: { whatsapp: ['waba-1'] } },
};

async function users(store: RegistryStore) {
  const mia = { id: 'u-mia', email: 'mia@example.com', passwordHash: 'scrypt$1', role: 'marketing' as const, businesses: ['acme'], createdAt: '2026-11-01T09:00:00.000Z' };
  const created = [
    await insertUser(store, mia),
    await insertUser(store, { ...mia, id: 'u-other' }),
    await insertUser(store, { ...mia, id: 'u-dana', email: 'dana@example.com', role: 'dpo', businesses: null }),
  ];
  const now = new Date('2026-11-02T10:00:00.000Z');
  await insertSession(store, { tokenHash: key(1), userId: 'u-mia', role: 'marketing', expiresAt: '2026-11-03T10:00:00.000Z', adminTokenProof: null }, now);
  await insertSession(store, { tokenHash: key(2), userId: null, role: 'admin', expiresAt: '2026-11-03T10:00:00.000Z', adminTokenProof: key(3) }, now);
  await insertSession(store, { tokenHash: key(4), userId: 'u-dana', role: 'dpo', expiresAt: '2026-11-03T10:00:00.000Z', adminTokenProof: null }, now);
  const sessionBefore = await findSession(store, key(1));
  const changed = await updateUser(store, 'u-mia', { role: 'dpo', businesses: ['acme', 'globex'] });
  const deleted = [await deleteUser(store, 'u-dana'), await deleteUser(store, 'u-dana')];
  await deleteSession(store, key(2));
  return {
    created, sessionBefore, changed, deleted,
    sessionsAfter: [await findSession(store, key(1)), await findSession(store, key(2)), await findSession(store, key(4))],
    byEmail: await findUserByEmail(store, 'mia@example.com'),
    all: await listUsers(store),
  };
}

async function registry(store: RegistryStore) {
  const created = [await putBusiness(store, box, acme, new Date('2026-11-01T09:00:00Z'))];
  created.push(await putBusiness(store, box, { ...acme, name: 'Acme Tours', webhooks: undefined, processingLocations: acme.processingLocations.slice(0, 1) }, new Date('2026-11-01T10:00:00Z')));
  created.push(await putBusiness(store, box, { ...acme, id: 'globex', name: 'Globex', webhooks: null }, new Date('2026-11-01T11:00:00Z')));
  await insertIngestKey(store, { id: 'k1', keyHash: key(11), label: 'web', businesses: ['acme', 'globex'] }, new Date('2026-11-01T12:00:00Z'));
  await insertIngestKey(store, { id: 'k2', keyHash: key(12), label: null, businesses: ['globex'] }, new Date('2026-11-01T13:00:00Z'));
  const revoked = [await revokeIngestKey(store, 'k2', new Date('2026-11-02T00:00:00Z')), await revokeIngestKey(store, 'k2')];
  const rotated = await setWebhookSecrets(store, box, 'acme', { appSecret: 'app-secret-2', verifyToken: 'verify-token-2' }, new Date('2026-11-03T00:00:00Z'));
  return { created, revoked, rotated, ...(await readRegistry(store)), sealing: await sealing(store) };
}

async function readRegistry(store: RegistryStore) {
  return {
    businesses: await listBusinesses(store),
    acme: await getBusiness(store, 'acme'),
    secrets: [await getWebhookSecrets(store, box, 'acme'), await getWebhookSecrets(store, box, 'globex')],
    activeKeys: await listActiveKeys(store),
    keysOfGlobex: await listKeysOfBusiness(store, 'globex'),
  };
}

/** Secrets an earlier version stored in clear are sealed at start; ones sealed under another key are reported. */
async function sealing(store: RegistryStore) {
  const otherKey = new SecretBox(Buffer.alloc(32, 9));
  await store.exclusive((db) => db.update(businesses).set({ appSecret: 'clear-app-secret', verifyToken: 'clear-verify-token' }).where(eq(businesses.id, 'globex')));
  await putBusiness(store, otherKey, { ...acme, id: 'initech', name: 'Initech' }, new Date('2026-11-04T00:00:00Z'));
  const outcome = await sealClearWebhookSecrets(store, box);
  const [stored] = await store.exclusive((db) => db.select({ appSecret: businesses.appSecret }).from(businesses).where(eq(businesses.id, 'globex')));
  return {
    outcome,
    storedSealed: stored?.appSecret?.startsWith('enc:v1:'),
    opened: await getWebhookSecrets(store, box, 'globex'),
    again: await sealClearWebhookSecrets(store, box),
  };
}

async function audit(store: RegistryStore) {
  const entries = [
    { actor: 'admin', action: 'report.overview', target: 'acme', filters: { period: '30d' }, rowCount: 12, atMs: at('2026-11-01T09:00:00.000Z') },
    { actor: 'mia@example.com', action: 'export.business.csv', target: 'acme', sha256: key(5), rowCount: 40, atMs: at('2026-11-01T09:00:01.500Z') },
    { actor: 'mia@example.com', action: 'report.business', filters: { channel: 'whatsapp', nested: { a: [1, 2] } }, atMs: at('2026-11-01T09:00:02.000Z') },
    { actor: 'dana@example.com', action: 'privacy.erasure', target: null, filters: null, atMs: at('2026-11-01T09:00:03.000Z') },
  ];
  for (const entry of entries) await appendAudit(store, entry);
  const withoutIds = async (query: Parameters<typeof listAudit>[1]) => (await listAudit(store, query)).map(({ id, ...row }) => ({ ...row, hasId: id.length === 36 }));
  return {
    all: await withoutIds({ limit: 10 }),
    ofMia: await withoutIds({ actor: 'mia@example.com', limit: 10 }),
    reports: await withoutIds({ actionPrefix: 'report.', limit: 10 }),
    window: await withoutIds({ since: new Date('2026-11-01T09:00:01.500Z'), until: new Date('2026-11-01T09:00:03.000Z'), limit: 10 }),
    newest: await withoutIds({ limit: 1 }),
  };
}

async function webhookState(store: RegistryStore, state: StateDb) {
  const b = 'acme';
  const ch = 'messenger';
  const customer = key(20);
  await recordWebhookMessage(state, { business: b, channel: ch, direction: 'in', message: key(21), customer, atMs: at('2026-11-01T09:00:00Z'), threadStartMs: at('2026-11-01T09:00:00Z') });
  for (const [n, time] of [[22, '2026-11-01T09:05:00.250Z'], [23, '2026-11-01T09:10:00Z'], [24, '2026-11-01T12:00:00Z']] as const) {
    await recordWebhookMessage(state, { business: b, channel: ch, direction: 'out', message: key(n), customer, atMs: at(time), threadStartMs: at('2026-11-01T09:00:00Z') });
  }
  // Recorded again (a retried payload): the first record stands.
  await recordWebhookMessage(state, { business: b, channel: ch, direction: 'out', message: key(22), customer, atMs: at('2026-11-05T00:00:00Z'), threadStartMs: 0 });
  const found = [await findWebhookMessage(state, b, ch, 'out', key(22)), await findWebhookMessage(state, b, ch, 'in', key(22))];
  const neighbours = [
    await threadNeighbours(state, b, ch, customer, at('2026-11-01T09:07:00Z')),
    await threadNeighbours(state, b, ch, customer, at('2026-11-01T09:10:00Z')),
    await threadNeighbours(state, b, ch, customer, at('2026-11-01T08:00:00Z')),
  ];
  const coveredDelivered = await messagesCoveredBy(state, b, ch, customer, 'delivered', at('2026-11-01T09:06:00Z'), [key(24), 'not-a-pseudonym']);
  await markReceipts(state, b, ch, 'delivered', coveredDelivered.map((m) => m.message));
  const coveredAgain = await messagesCoveredBy(state, b, ch, customer, 'delivered', at('2026-11-01T09:06:00Z'), []);
  const coveredRead = await messagesCoveredBy(state, b, ch, customer, 'read', at('2026-11-01T23:00:00Z'), []);
  await markReceipts(state, b, ch, 'read', [key(23)]);
  await raiseWatermark(state, b, ch, customer, 'delivered', at('2026-11-01T09:06:00Z'));
  await raiseWatermark(state, b, ch, customer, 'delivered', at('2026-11-01T09:01:00Z'));
  const watermarksAfterDelivered = await getWatermarks(state, b, ch, customer);
  await raiseWatermark(state, b, ch, customer, 'read', at('2026-11-01T09:10:00Z'));
  await recordPolicyEvent(state, b, ch, 'block', at('2026-11-01T10:00:00.120Z'), at('2026-11-01T10:00:01Z'));
  await recordPolicyEvent(state, b, ch, 'block', at('2026-11-01T10:00:00.120Z'), at('2026-11-01T10:00:02Z'));
  await recordPolicyEvent(state, b, 'whatsapp', 'unblock', at('2026-11-01T08:00:00Z'), at('2026-11-01T08:00:01Z'));
  await countIntakeProblems(state, b, ch, 'unmappable', 2, at('2026-11-01T10:00:00Z'));
  await countIntakeProblems(state, b, ch, 'unmappable', 3, at('2026-11-01T11:00:00.007Z'));
  await countIntakeProblems(state, b, ch, 'foreign_account', 0, at('2026-11-01T11:00:00Z'));
  await countIntakeProblems(state, b, 'whatsapp', 'foreign_account', 1, at('2026-11-01T12:00:00Z'));
  return {
    found, neighbours, coveredDelivered, coveredAgain, coveredRead, watermarksAfterDelivered,
    watermarks: [await getWatermarks(state, b, ch, customer), await getWatermarks(state, b, ch, key(99))],
    stillUnread: await messagesCoveredBy(state, b, ch, customer, 'read', at('2026-11-02T00:00:00Z'), []),
    threads: await threadRecordsOf(state, b, [customer, key(99), 'not-a-pseudonym']),
    problems: await listIntakeProblems(store, b),
    policyEvents: await listPolicyEvents(store, b),
  };
}

/** What each module returned, step by step: equal on both engines. */
export async function runRegistryScenario(store: RegistryStore, state: StateDb) {
  return { users: await users(store), registry: await registry(store), audit: await audit(store), webhookState: await webhookState(store, state) };
}
