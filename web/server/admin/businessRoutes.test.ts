import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { businessBody, startTestRuntime, type TestRuntime } from '../testing/testRuntime';

let rt: TestRuntime;
beforeEach(async () => {
  rt = await startTestRuntime();
});
afterEach(async () => rt.stop());

describe('business registry', () => {
  it('creates, replaces and lists a business with hours and processing locations, never returning webhook secrets', async () => {
    const body = businessBody('acme-air', {
      name: 'Acme Air',
      sector: 'airline',
      timezone: 'Europe/Dublin',
      processing_locations: [
        { country: 'IE', processor: 'Acme Air DAC', role: 'controller', mechanism: 'eea', primary: true },
        { country: 'US', processor: 'CloudCo Inc.', role: 'processor', mechanism: 'dpf', primary: false },
      ],
      webhooks: { app_secret: 'super-secret-app-secret', verify_token: 'verify-me-please' },
    });
    const created = await rt.admin('PUT', '/v1/businesses/acme-air', body);
    expect(created.status).toBe(201);
    const replaced = await rt.admin('PUT', '/v1/businesses/acme-air', { ...body, verified: false });
    expect(replaced.status).toBe(200);

    const one = await rt.admin('GET', '/v1/businesses/acme-air');
    const text = await one.text();
    expect(text).not.toContain('super-secret-app-secret');
    expect(text).not.toContain('verify-me-please');
    expect(JSON.parse(text)).toMatchObject({
      id: 'acme-air', name: 'Acme Air', verified: false, timezone: 'Europe/Dublin', webhooks_configured: true,
      business_hours: body.business_hours,
      processing_locations: expect.arrayContaining([expect.objectContaining({ country: 'US', mechanism: 'dpf', primary: false })]),
    });
    const list = (await (await rt.admin('GET', '/v1/businesses')).json()) as { businesses: { id: string }[] };
    expect(list.businesses.map((b) => b.id)).toEqual(['acme-air']);
  });

  it('rejects an invalid business with one error shape naming each field', async () => {
    const res = await rt.admin('PUT', '/v1/businesses/acme', {
      ...businessBody('acme'),
      timezone: 'Mars/Olympus',
      business_hours: { mon: [['18:00', '09:00']] },
      processing_locations: [{ country: 'XX', processor: 'p', role: 'processor', mechanism: 'hope', primary: true }],
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { field: string }[] } };
    expect(body.error.code).toBe('validation_failed');
    const fields = body.error.details.map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['timezone', 'business_hours.mon.0', 'processing_locations.0.country', 'processing_locations.0.mechanism']));
  });

  it('answers 404 for an unknown business and 401 without the admin token', async () => {
    expect((await rt.admin('GET', '/v1/businesses/nobody')).status).toBe(404);
    expect((await rt.app.request('/v1/businesses')).status).toBe(401);
    expect((await rt.app.request('/v1/businesses', { headers: { authorization: 'Bearer wrong-token' } })).status).toBe(401);
  });
});

describe('ingest keys', () => {
  it('shows a key once, lists it without the key, and revokes it', async () => {
    await rt.registerBusiness('acme');
    await rt.registerBusiness('globex');
    const res = await rt.admin('POST', '/v1/businesses/acme/keys', { label: 'CRM connector', also_businesses: ['globex'] });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; key: string; businesses: string[] };
    expect(created.key).toMatch(/^ik_/);
    expect(created.businesses).toEqual(['acme', 'globex']);

    const listText = await (await rt.admin('GET', '/v1/businesses/globex/keys')).text();
    expect(listText).not.toContain(created.key);
    expect(JSON.parse(listText).keys).toEqual([expect.objectContaining({ id: created.id, label: 'CRM connector', revoked_at: null })]);

    expect((await rt.admin('DELETE', `/v1/keys/${created.id}`)).status).toBe(204);
    expect((await rt.admin('DELETE', `/v1/keys/${created.id}`)).status).toBe(404);
    expect((await rt.postEvents(created.key, [{}])).status).toBe(401);
  });

  it('refuses a key for an unregistered business', async () => {
    expect((await rt.admin('POST', '/v1/businesses/nobody/keys', {})).status).toBe(404);
  });
});

describe('API description', () => {
  it('serves an OpenAPI 3.1 document generated from the request schemas, and browsable docs', async () => {
    const doc = (await (await rt.app.request('/v1/openapi.json')).json()) as { openapi: string; paths: Record<string, object>; components: { schemas: Record<string, object> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/events', '/v1/businesses/{id}', '/v1/businesses/{id}/keys', '/v1/keys/{id}']));
    expect(doc.components.schemas).toHaveProperty('IngestEvent');
    const docs = await rt.app.request('/docs');
    expect(await docs.text()).toContain('swagger-ui');
    expect((await rt.app.request('/docs/assets/swagger-ui-bundle.js')).status).toBe(200);
  });

  it('answers unknown routes with the JSON error shape', async () => {
    const res = await rt.app.request('/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
