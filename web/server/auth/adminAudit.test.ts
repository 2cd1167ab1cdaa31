import { describe, expect, it } from 'vitest';
import { businessBody, useTestRuntimes } from '../testing/testRuntime';
import { actionsOf, auditLog } from './authTesting';

const runtimes = useTestRuntimes();
const APP_SECRET = 'app-secret-never-in-the-log';
const VERIFY_TOKEN = 'verify-token-never-in-the-log';

describe('audit of admin actions', () => {
  it('records registry, processing-location, webhook-secret and ingest-key changes by field name, never a secret', async () => {
    const rt = await runtimes.start();
    await rt.registerBusiness('acme');
    await rt.registerBusiness('globex');
    // Same values again (hours in another order): nothing changed.
    const body = businessBody('acme');
    await rt.admin('PUT', '/v1/businesses/acme', { ...body, business_hours: Object.fromEntries(Object.entries(body.business_hours).reverse()) });
    await rt.admin('PUT', '/v1/businesses/acme', businessBody('acme', {
      name: 'Acme Air',
      processing_locations: [{ country: 'US', processor: 'CloudCo Inc.', role: 'processor', mechanism: 'dpf', primary: true }],
    }));
    expect((await rt.admin('PUT', '/v1/businesses/acme/webhooks', { app_secret: APP_SECRET, verify_token: VERIFY_TOKEN })).status).toBe(200);
    const created = await rt.admin('POST', '/v1/businesses/acme/keys', { label: 'CRM', also_businesses: ['globex'] });
    const key = (await created.json()) as { id: string; key: string };
    expect((await rt.admin('DELETE', `/v1/keys/${key.id}`)).status).toBe(204);

    const log = actionsOf(await auditLog(rt), 'admin.');
    const all = ['name', 'sector', 'verified', 'timezone', 'business_hours', 'processing_locations'];
    expect(log.map(({ actor, action, target, filters }) => ({ actor, action, target, filters }))).toEqual(expect.arrayContaining([
      { actor: 'admin', action: 'admin.business.create', target: 'acme', filters: { changed: all } },
      { actor: 'admin', action: 'admin.business.create', target: 'globex', filters: { changed: all } },
      { actor: 'admin', action: 'admin.business.update', target: 'acme', filters: { changed: [] } },
      { actor: 'admin', action: 'admin.business.update', target: 'acme', filters: { changed: ['name', 'processing_locations'] } },
      { actor: 'admin', action: 'admin.business.webhooks', target: 'acme', filters: { changed: ['app_secret', 'verify_token'] } },
      { actor: 'admin', action: 'admin.key.create', target: 'acme,globex', filters: { key_id: key.id } },
      { actor: 'admin', action: 'admin.key.revoke', target: 'acme,globex', filters: { key_id: key.id } },
    ]));
    expect(log).toHaveLength(7);
    const text = JSON.stringify(log);
    for (const secret of [APP_SECRET, VERIFY_TOKEN, key.key]) expect(text).not.toContain(secret);
  });
});
