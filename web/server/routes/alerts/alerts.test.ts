import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireAlert, type NewAlert } from '../../../../db/alerts';
import { queryRows } from '../../../../db/duckdb';
import { SEALED_PREFIX } from '../../../../db/secretBox';
import { auditLog } from '../../auth/authTesting';
import { useTestRuntimes, type TestRuntime } from '../../testing/testRuntime';
import { startAlertReceiver } from '../../alerts/testing/alertReceiver';

// Alerts through the real app: fired by the library the rules will call, posted by the runtime's
// worker to a real HTTP receiver on 127.0.0.1, listed by GET /v1/alerts.

const SECRET = 'receiver-secret-0123456789';

/** The shared receiver (it checks each signature as a business would), closed after each test. */
async function startReceiver(statuses: number[] = []) {
  const receiver = await startAlertReceiver(SECRET, statuses);
  closers.push(receiver.close);
  return receiver;
}

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

// The worker polls often in these tests; a failed attempt is retried 30 ms later, then 60 ms ...
const FAST_DELIVERY = { pollMs: 20, firstRetryMs: 30, timeoutMs: 2_000 };
const runtimes = useTestRuntimes({ alertDelivery: FAST_DELIVERY });

const jump = (business: string, overrides: Partial<NewAlert> = {}): NewAlert => ({
  business, kind: 'template_opt_out_jump', cause: `template_opt_out_jump:spring_sale:2026-11-03`, title: 'Opt-outs jumped after spring_sale',
  details: { template: 'spring_sale', opt_out_rate_24h: 0.12, baseline_rate: 0.02, recipients: 250 }, firedAtMs: Date.parse('2026-11-03T10:00:00Z'), ...overrides,
});

interface ListedAlert {
  id: string;
  business: string;
  cause: string;
  details: Record<string, unknown>;
  delivery: { state: string; delivered_at: string | null; next_attempt_at: string | null; attempts: { attempt: number; status: number | null; error: string | null; duration_ms: number }[] };
}

async function listed(rt: TestRuntime, query = '', headers?: Record<string, string>): Promise<ListedAlert[]> {
  const res = headers ? await rt.app.request(`/v1/alerts${query}`, { headers }) : await rt.admin('GET', `/v1/alerts${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { alerts: ListedAlert[] }).alerts;
}

async function registerEndpoint(rt: TestRuntime, business: string, url: string) {
  const res = await rt.admin('PUT', `/v1/businesses/${business}/alert-endpoint`, { url, secret: SECRET });
  expect(res.status, await res.clone().text()).toBe(200);
}

const settled = (rt: TestRuntime, id: string) =>
  vi.waitFor(async () => {
    const alert = (await listed(rt)).find((a) => a.id === id);
    expect(alert?.delivery.state).not.toBe('undelivered');
    return alert!;
  }, { timeout: 5_000, interval: 20 });

describe('alert delivery', () => {
  it('stores and posts an alert fired twice for the same cause once, signed with the business\'s secret', async () => {
    const rt = await runtimes.start();
    await rt.registerBusiness('acme');
    const receiver = await startReceiver();
    await registerEndpoint(rt, 'acme', receiver.url);

    const first = await fireAlert(rt.deps.store, jump('acme'));
    const again = await fireAlert(rt.deps.store, jump('acme', { title: 'a second firing' }));
    expect([first.fired, again.fired, again.id]).toEqual([true, false, first.id]);
    const alert = await settled(rt, first.id);
    await rt.deliverAlerts();

    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]).toMatchObject({ signatureValid: true, attempt: '1' });
    expect(JSON.parse(receiver.received[0]!.body)).toEqual({
      id: first.id, business: 'acme', kind: 'template_opt_out_jump', cause: 'template_opt_out_jump:spring_sale:2026-11-03',
      fired_at: '2026-11-03T10:00:00.000Z', title: 'Opt-outs jumped after spring_sale',
      details: { template: 'spring_sale', opt_out_rate_24h: 0.12, baseline_rate: 0.02, recipients: 250 },
    });
    expect(await listed(rt)).toHaveLength(1);
    expect(alert.delivery).toMatchObject({ state: 'delivered', next_attempt_at: null, attempts: [{ attempt: 1, status: 200, error: null }] });
  });

  it('retries a receiver that answers 500 twice, recording each attempt, until it takes the alert', async () => {
    const rt = await runtimes.start();
    await rt.registerBusiness('acme');
    const receiver = await startReceiver([500, 500]);
    await registerEndpoint(rt, 'acme', receiver.url);

    const { id } = await fireAlert(rt.deps.store, jump('acme'));
    const alert = await settled(rt, id);

    expect(alert.delivery.state).toBe('delivered');
    expect(alert.delivery.attempts.map((a) => [a.attempt, a.status, a.error])).toEqual([[1, 500, null], [2, 500, null], [3, 200, null]]);
    expect(receiver.received.map((r) => [r.attempt, r.signatureValid])).toEqual([['1', true], ['2', true], ['3', true]]);
    // Every attempt posts the same bytes.
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
  });

  it('marks an alert failed after the last attempt, and records why each one failed', async () => {
    const rt = await runtimes.start({ alertDelivery: { ...FAST_DELIVERY, maxAttempts: 2 } });
    await rt.registerBusiness('acme');
    const receiver = await startReceiver([503, 503, 503]);
    await registerEndpoint(rt, 'acme', receiver.url);
    const { id } = await fireAlert(rt.deps.store, jump('acme'));
    const alert = await settled(rt, id);
    expect(alert.delivery).toMatchObject({ state: 'failed', delivered_at: null, next_attempt_at: null });
    expect(alert.delivery.attempts.map((a) => a.status)).toEqual([503, 503]);
    expect(receiver.received).toHaveLength(2);
  });

  it('records a receiver that does not answer in time as a timeout, and a redirect as not followed', async () => {
    const rt = await runtimes.start({ alertDelivery: { ...FAST_DELIVERY, timeoutMs: 200, maxAttempts: 1 } });
    await rt.registerBusiness('acme');
    await rt.registerBusiness('globex');
    const silent = createServer(() => undefined);
    const redirecting = createServer((_req, res) => res.writeHead(302, { location: 'https://elsewhere.example.com/' }).end());
    for (const server of [silent, redirecting]) {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      closers.push(() => new Promise((resolve) => server.close(resolve)));
    }
    const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    await registerEndpoint(rt, 'acme', urlOf(silent));
    await registerEndpoint(rt, 'globex', urlOf(redirecting));
    const timedOut = await settled(rt, (await fireAlert(rt.deps.store, jump('acme'))).id);
    const redirected = await settled(rt, (await fireAlert(rt.deps.store, jump('globex'))).id);
    expect(timedOut.delivery).toMatchObject({ state: 'failed', attempts: [{ attempt: 1, status: null, error: 'timeout' }] });
    expect(timedOut.delivery.attempts[0]!.duration_ms).toBeGreaterThanOrEqual(190);
    expect(redirected.delivery).toMatchObject({ state: 'failed', attempts: [{ attempt: 1, status: 302, error: 'redirect' }] });
    silent.closeAllConnections();
  });

  it('stops at once on close, abandoning an attempt under way', async () => {
    const rt = await runtimes.start({ alertDelivery: { ...FAST_DELIVERY, timeoutMs: 30_000 } });
    runtimes.release(rt);
    await rt.registerBusiness('acme');
    let reached = false;
    const silent = createServer(() => {
      reached = true;
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => silent.close(resolve)));
    await registerEndpoint(rt, 'acme', `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`);
    await fireAlert(rt.deps.store, jump('acme'));
    await vi.waitFor(() => expect(reached).toBe(true), { timeout: 5_000, interval: 20 });
    const started = performance.now();
    await rt.stop();
    expect(performance.now() - started).toBeLessThan(5_000);
    silent.closeAllConnections();
  });

  it('keeps the alerts of a business without an endpoint listed as undelivered, and posts them once one is registered', async () => {
    const rt = await runtimes.start();
    await rt.registerBusiness('acme');
    const { id } = await fireAlert(rt.deps.store, jump('acme'));
    await rt.deliverAlerts();
    expect(await listed(rt, '?business=acme')).toMatchObject([
      { id, delivery: { state: 'undelivered', next_attempt_at: '2026-11-03T10:00:00.000Z', attempts: [] } },
    ]);

    const receiver = await startReceiver();
    await registerEndpoint(rt, 'acme', receiver.url);
    expect((await settled(rt, id)).delivery.state).toBe('delivered');
    expect(receiver.received).toHaveLength(1);
  });

  it('shows a marketing user scoped to another business none of these alerts', async () => {
    const rt = await runtimes.start();
    await rt.registerBusiness('acme');
    await rt.registerBusiness('globex');
    await fireAlert(rt.deps.store, jump('acme'));
    await fireAlert(rt.deps.store, jump('globex', { firedAtMs: Date.parse('2026-11-04T10:00:00Z') }));
    const password = 'marketing-password-123';
    expect((await rt.admin('POST', '/v1/users', { email: 'mia@example.com', password, role: 'marketing', businesses: ['globex'] })).status).toBe(201);
    const session = await rt.app.request('/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'mia@example.com', password }) });
    const mia = { cookie: session.headers.get('set-cookie')!.split(';')[0]! };

    expect((await listed(rt, '', mia)).map((a) => a.business)).toEqual(['globex']);
    expect((await listed(rt)).map((a) => a.business)).toEqual(['globex', 'acme']);
    // Another business answers as an unregistered one does.
    const hidden = await rt.app.request('/v1/alerts?business=acme', { headers: mia });
    const unknown = await rt.app.request('/v1/alerts?business=nobody', { headers: mia });
    expect([hidden.status, unknown.status]).toEqual([404, 404]);
    expect(await hidden.text()).toBe((await unknown.text()).replaceAll('nobody', 'acme'));
    expect((await rt.app.request('/v1/alerts')).status).toBe(401);
  });

  it('lists alerts fired since a date or time, newest first', async () => {
    const rt = await runtimes.start();
    await rt.registerBusiness('acme');
    for (const day of ['01', '02', '03']) {
      await fireAlert(rt.deps.store, jump('acme', { cause: `jump:${day}`, firedAtMs: Date.parse(`2026-11-${day}T10:00:00Z`) }));
    }
    expect((await listed(rt, '?since=2026-11-02')).map((a) => a.cause)).toEqual(['jump:03', 'jump:02']);
    expect((await listed(rt, '?since=2026-11-02T10:00:01Z')).map((a) => a.cause)).toEqual(['jump:03']);
    expect((await rt.admin('GET', '/v1/alerts?since=yesterday')).status).toBe(400);
  });
});

describe('the alert endpoint of a business', () => {
  it('is registered, shown without its secret, replaced and removed by an admin, each change audited', async () => {
    const rt = await runtimes.start();
    await rt.registerBusiness('acme');
    expect((await rt.admin('GET', '/v1/businesses/acme/alert-endpoint')).status).toBe(404);
    const put = await rt.admin('PUT', '/v1/businesses/acme/alert-endpoint', { url: 'https://hooks.example.com/a?token=t', secret: SECRET });
    expect(put.status).toBe(200);
    const shown = await (await rt.admin('GET', '/v1/businesses/acme/alert-endpoint')).text();
    expect(JSON.parse(shown)).toMatchObject({ business: 'acme', url: 'https://hooks.example.com/a?token=t', secret_set: true });
    expect(shown).not.toContain(SECRET);
    const [stored] = await queryRows<{ secret: string }>(rt.deps.store.connection, 'SELECT secret FROM alert_endpoints');
    expect(stored!.secret.startsWith(SEALED_PREFIX) && !stored!.secret.includes(SECRET)).toBe(true);
    expect((await rt.admin('PUT', '/v1/businesses/acme/alert-endpoint', { url: 'https://hooks.example.com/b', secret: SECRET })).status).toBe(200);
    expect((await rt.admin('DELETE', '/v1/businesses/acme/alert-endpoint')).status).toBe(204);
    expect((await rt.admin('DELETE', '/v1/businesses/acme/alert-endpoint')).status).toBe(404);
    expect((await rt.admin('GET', '/v1/businesses/acme/alert-endpoint')).status).toBe(404);

    const audit = (await auditLog(rt)).filter((row) => row.action.startsWith('admin.business.alert_endpoint'));
    expect(audit.map((row) => [row.action, row.target])).toEqual([
      ['admin.business.alert_endpoint', 'acme'], ['admin.business.alert_endpoint', 'acme'], ['admin.business.alert_endpoint.delete', 'acme'],
    ]);
    expect(JSON.stringify(audit)).not.toContain(SECRET);
  });

  it('refuses a short secret, a URL that is not http(s), plain http beyond localhost, and an unknown business', async () => {
    const rt = await runtimes.start();
    await rt.registerBusiness('acme');
    const put = (body: unknown, business = 'acme') => rt.admin('PUT', `/v1/businesses/${business}/alert-endpoint`, body);
    expect((await put({ url: 'https://hooks.example.com/a', secret: 'short' })).status).toBe(400);
    for (const url of ['ftp://hooks.example.com/a', 'not a url', 'http://hooks.example.com/a', 'https://user:pw@hooks.example.com/a']) {
      const res = await put({ url, secret: SECRET });
      expect(res.status, url).toBe(400);
    }
    expect((await (await put({ url: 'http://hooks.example.com/a', secret: SECRET })).json())).toMatchObject({ error: { message: expect.stringContaining('ALERT_ENDPOINT_ALLOW_HTTP') } });
    expect((await put({ url: 'http://localhost:8080/a', secret: SECRET })).status).toBe(200);
    expect((await put({ url: 'http://[::1]:8080/a', secret: SECRET })).status).toBe(200);
    expect((await put({ url: 'https://hooks.example.com/a', secret: SECRET }, 'nobody')).status).toBe(404);
  });

  it('takes plain http beyond localhost when the operator allows it', async () => {
    const rt = await runtimes.start({ env: { ALERT_ENDPOINT_ALLOW_HTTP: '1' } });
    await rt.registerBusiness('acme');
    expect((await rt.admin('PUT', '/v1/businesses/acme/alert-endpoint', { url: 'http://hooks.internal/a', secret: SECRET })).status).toBe(200);
  });

  it('is for admins only', async () => {
    const rt = await runtimes.start();
    await rt.registerBusiness('acme');
    const password = 'dpo-password-12345';
    expect((await rt.admin('POST', '/v1/users', { email: 'dana@example.com', password, role: 'dpo' })).status).toBe(201);
    const session = await rt.app.request('/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'dana@example.com', password }) });
    const dana = { cookie: session.headers.get('set-cookie')!.split(';')[0]!, 'content-type': 'application/json' };
    const res = await rt.app.request('/v1/businesses/acme/alert-endpoint', { method: 'PUT', headers: dana, body: JSON.stringify({ url: 'https://hooks.example.com/a', secret: SECRET }) });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { message: 'this needs the admin role or higher' } });
    expect((await rt.app.request('/v1/businesses/acme/alert-endpoint', { headers: dana })).status).toBe(403);
  });
});
