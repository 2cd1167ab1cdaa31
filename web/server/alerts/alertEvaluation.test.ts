import { afterEach, describe, expect, it, vi } from 'vitest';
import { auditLog } from '../auth/authTesting';
import { loadConfig } from '../config';
import { useTestRuntimes, type TestRuntime } from '../testing/testRuntime';
import { startAlertEvaluation } from './alertEvaluation';
import { startAlertReceiver, type AlertReceiver } from './testing/alertReceiver';

// The alert rules through the real app: sends and opt-outs ingested through the API, the rules
// evaluated at a fixed clock, the alerts listed by GET /v1/alerts and posted by the runtime's
// worker to a receiver on 127.0.0.1.

const NOW = Date.parse('2026-11-03T15:00:00Z');
const SECRET = 'receiver-secret-0123456789';
// The worker polls often here; a failed attempt is retried 30 ms later.
const runtimes = useTestRuntimes({ now: () => NOW, alertDelivery: { pollMs: 20, firstRetryMs: 30, timeoutMs: 2_000 } });
const receivers: AlertReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

let n = 0;
const customer = (i: number) => `+49151${String(i).padStart(8, '0')}`;
const event = (type: string, who: number, at: string, extra: Record<string, unknown> = {}) =>
  ({ id: `e${++n}`, business: 'acme', type, channel: 'whatsapp', customer: customer(who), at, ...extra });
const send = (who: number, at: string, template: string, campaign = 'autumn') =>
  event('message.sent', who, at, { conversation: `conv-${who}`, sender: 'automation', template, category: 'marketing', pricing: 'regular', message: `m${n + 1}`, campaign });
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

/** Sends of a template to customers first..first+count-1 at a time, and the reactions of the first `reacting` of them an hour later. */
const wave = (template: string, at: string, first: number, count: number, reaction?: { type: string; reacting: number }) => {
  const reactionAt = new Date(Date.parse(at) + 3_600_000).toISOString();
  return [
    ...range(first, count).map((who) => send(who, at, template)),
    ...(reaction ? range(first, reaction.reacting).map((who) => event(reaction.type, who, reactionAt)) : []),
  ];
};

async function seed(rt: TestRuntime, events: unknown[]) {
  const res = await rt.postEvents(await rt.createKey('acme'), events);
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  expect(((await res.json()) as { rejected: unknown[] }).rejected).toEqual([]);
}

interface ListedAlert {
  id: string;
  kind: string;
  cause: string;
  title: string;
  details: Record<string, unknown>;
  delivery: { state: string; attempts: { attempt: number; status: number | null }[] };
}

async function listed(rt: TestRuntime): Promise<ListedAlert[]> {
  const res = await rt.admin('GET', '/v1/alerts');
  expect(res.status).toBe(200);
  return ((await res.json()) as { alerts: ListedAlert[] }).alerts;
}

async function startAcme() {
  const rt = await runtimes.start();
  await rt.registerBusiness('acme');
  return rt;
}

const putRules = (rt: TestRuntime, body: unknown, business = 'acme') => rt.admin('PUT', `/v1/businesses/${business}/alert-rules`, body);

// The business's usual: 100 customers get `newsletter` weekly, nobody leaves (baseline 0, so the
// 0.2% floor applies). On 2 November `spring_sale` goes to 120 of them and 6 opt out within the
// hour (5% > 3 × 0.2%); `flash` goes to 40 others, half of whom opt out, but 40 is below 100.
const USUAL = ['2026-10-12', '2026-10-19', '2026-10-26'].flatMap((day) => wave('newsletter', `${day}T09:00:00Z`, 0, 100));
const JUMP = wave('spring_sale', '2026-11-02T10:00:00Z', 0, 120, { type: 'customer.opted_out', reacting: 6 });
const SMALL_JUMP = wave('flash', '2026-11-02T11:00:00Z', 500, 40, { type: 'customer.opted_out', reacting: 20 });

describe('alert rules evaluated', () => {
  it('fire one alert for a seeded jump however often they run, and post it signed, retried after the receiver failed', async () => {
    // A clock that moves from NOW, so that the retry after the failed attempt comes due.
    const started = Date.now();
    const rt = await runtimes.start({ now: () => NOW + Date.now() - started });
    await rt.registerBusiness('acme');
    const receiver = await startAlertReceiver(SECRET, [500]);
    receivers.push(receiver);
    expect((await rt.admin('PUT', '/v1/businesses/acme/alert-endpoint', { url: receiver.url, secret: SECRET })).status).toBe(200);
    await seed(rt, [...USUAL, ...JUMP, ...SMALL_JUMP]);

    expect(await rt.evaluateAlerts()).toEqual({ businesses: 1, fired: 1 });
    expect(await rt.evaluateAlerts(NOW + 3_600_000)).toEqual({ businesses: 1, fired: 0 });
    const [alert, ...others] = await listed(rt);
    expect(others).toEqual([]);
    expect(alert).toMatchObject({
      kind: 'template_opt_out_jump', cause: 'jump:spring_sale:opted_out:2026-11-02',
      title: 'Opt-outs jumped to 5.00% (3× the baseline) after spring_sale on 2026-11-02',
      details: { rule: 'jump', reaction: 'opted_out', template: 'spring_sale', day: '2026-11-02', rate: 0.05, baseline: 0, limit: 0.006, recipients: 120, min_recipients: 100 },
    });

    const delivered = await vi.waitFor(async () => {
      const [now] = await listed(rt);
      expect(now!.delivery.state).toBe('delivered');
      return now!;
    }, { timeout: 5_000, interval: 20 });
    expect(delivered.delivery.attempts.map((a) => [a.attempt, a.status])).toEqual([[1, 500], [2, 200]]);
    expect(receiver.received.map((r) => [r.attempt, r.signatureValid])).toEqual([['1', true], ['2', true]]);
    expect(JSON.parse(receiver.received[1]!.body)).toMatchObject({ id: alert!.id, business: 'acme', cause: alert!.cause, details: alert!.details });
    // Figures and labels only: nothing of a customer.
    expect(receiver.received[1]!.body).not.toMatch(/\+49|4915/);
  });

  it('fire nothing for a jump on a template below the recipient minimum', async () => {
    const rt = await startAcme();
    await seed(rt, [...USUAL, ...SMALL_JUMP]);
    expect(await rt.evaluateAlerts()).toEqual({ businesses: 1, fired: 0 });
    expect(await listed(rt)).toEqual([]);
    // The same template fires once the business asks for fewer recipients.
    expect((await putRules(rt, { jump: { min_recipients: 40 } })).status).toBe(200);
    await rt.evaluateAlerts();
    expect((await listed(rt)).map((a) => a.cause)).toEqual(['jump:flash:opted_out:2026-11-02']);
  });

  it('fire a threshold on blocks, and no jump when the business turned the jump rule off', async () => {
    const rt = await startAcme();
    expect((await putRules(rt, { thresholds: { block_rate_24h: 0.1 }, jump: { factor: null, min_recipients: 20 } })).status).toBe(200);
    // Today: 25 recipients of `receipt`, 3 block (12%); 30 of `notice`, 3 block (10%: not above).
    await seed(rt, [
      ...wave('receipt', '2026-11-03T08:00:00Z', 0, 25, { type: 'customer.blocked', reacting: 3 }),
      ...wave('notice', '2026-11-03T09:00:00Z', 100, 30, { type: 'customer.blocked', reacting: 3 }),
    ]);
    expect(await rt.evaluateAlerts()).toEqual({ businesses: 1, fired: 1 });
    expect(await listed(rt)).toMatchObject([{
      kind: 'template_block_threshold', cause: 'threshold:receipt:blocked:2026-11-03',
      details: { rule: 'threshold', template: 'receipt', day: '2026-11-03', rate: 0.12, limit: 0.1, recipients: 25 },
    }]);
  });

  it('fire nothing for a business whose rules are disabled', async () => {
    const rt = await startAcme();
    expect((await putRules(rt, { enabled: false })).status).toBe(200);
    await seed(rt, [...USUAL, ...JUMP]);
    expect(await rt.evaluateAlerts()).toEqual({ businesses: 1, fired: 0 });
    expect(await listed(rt)).toEqual([]);
  });

  it('run on the runtime\'s schedule', async () => {
    const rt = await runtimes.start({ alertEvaluation: { intervalMs: 50 } });
    await rt.registerBusiness('acme');
    await seed(rt, [...USUAL, ...JUMP]);
    const [alert] = await vi.waitFor(async () => {
      const alerts = await listed(rt);
      expect(alerts).toHaveLength(1);
      return alerts;
    }, { timeout: 5_000, interval: 50 });
    expect(alert!.cause).toBe('jump:spring_sale:opted_out:2026-11-02');
  });

  it('run every ALERT_EVALUATION_INTERVAL_SECONDS: 300 unless set, 10 at least', () => {
    expect(loadConfig({}).alertEvaluationIntervalMs).toBe(300_000);
    expect(loadConfig({ ALERT_EVALUATION_INTERVAL_SECONDS: '60' }).alertEvaluationIntervalMs).toBe(60_000);
    expect(() => loadConfig({ ALERT_EVALUATION_INTERVAL_SECONDS: '5' })).toThrow(/ALERT_EVALUATION_INTERVAL_SECONDS/);
  });

  it('log a business whose counts cannot be read, redacted, and go on with the others', async () => {
    const rt = await startAcme();
    await rt.registerBusiness('globex');
    const evaluation = startAlertEvaluation({
      ...rt.deps,
      reads: { queries: rt.deps.reads.queries, query: () => Promise.reject(new Error(`read refused for ${customer(7)}`)) },
    }, { intervalMs: 60_000 });
    try {
      expect(await evaluation.evaluateNow()).toEqual({ businesses: 0, fired: 0 });
    } finally {
      await evaluation.stop();
    }
    const failures = rt.logs.filter((line) => line.includes('alert rules could not be evaluated'));
    expect(failures).toHaveLength(2);
    expect(failures.join('')).not.toContain(customer(7));
  });
});

describe('PUT/GET /v1/businesses/:id/alert-rules', () => {
  it('show the defaults until an admin sets rules, then the rules set, each change audited', async () => {
    const rt = await startAcme();
    const get = async () => {
      const res = await rt.admin('GET', '/v1/businesses/acme/alert-rules');
      expect(res.status).toBe(200);
      return res.json() as Promise<Record<string, unknown>>;
    };
    expect(await get()).toEqual({
      business: 'acme', enabled: true, thresholds: { opt_out_rate_24h: null, block_rate_24h: null },
      jump: { factor: 3, min_recipients: 100, baseline_days: 28, baseline_floor: 0.002 }, source: 'default', updated_at: null,
    });
    const put = await putRules(rt, { thresholds: { opt_out_rate_24h: 0.05 }, jump: { factor: 4, baseline_days: 14 } });
    expect(put.status, await put.clone().text()).toBe(200);
    const set = {
      business: 'acme', enabled: true, thresholds: { opt_out_rate_24h: 0.05, block_rate_24h: null },
      jump: { factor: 4, min_recipients: 100, baseline_days: 14, baseline_floor: 0.002 }, source: 'set', updated_at: new Date(NOW).toISOString(),
    };
    expect(await put.json()).toEqual(set);
    expect(await get()).toEqual(set);
    const audit = (await auditLog(rt)).filter((row) => row.action === 'admin.business.alert_rules');
    expect(audit.map((row) => row.target)).toEqual(['acme']);
  });

  it('refuse rules that make no sense with a message naming the field', async () => {
    const rt = await startAcme();
    const refused = async (body: unknown, field: string) => {
      const res = await putRules(rt, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(await res.json()), JSON.stringify(body)).toContain(field);
    };
    await refused({ jump: { min_recipients: 5 } }, 'jump.min_recipients must be at least MIN_COHORT (10)');
    await refused({ jump: { factor: 1 } }, 'jump.factor must be a number above 1');
    await refused({ jump: { baseline_days: 3 } }, 'jump.baseline_days must be a whole number of days, 7 to 90');
    await refused({ thresholds: { opt_out_rate_24h: 5 } }, 'thresholds.opt_out_rate_24h must be a rate');
    await refused({ thresholds: { block_rate_24h: 0 } }, 'thresholds.block_rate_24h must be a rate');
    await refused({ enabled: 'yes' }, 'enabled must be true or false');
    await refused({ jump: { facter: 4 } }, 'facter');
    expect((await rt.admin('GET', '/v1/businesses/acme/alert-rules')).status).toBe(200);
    expect(((await (await rt.admin('GET', '/v1/businesses/acme/alert-rules')).json()) as { source: string }).source).toBe('default');
    expect((await putRules(rt, {}, 'nobody')).status).toBe(404);
    expect((await rt.admin('GET', '/v1/businesses/nobody/alert-rules')).status).toBe(404);
  });

  it('are for admins only', async () => {
    const rt = await startAcme();
    const password = 'marketing-password-123';
    expect((await rt.admin('POST', '/v1/users', { email: 'mia@example.com', password, role: 'marketing' })).status).toBe(201);
    const session = await rt.app.request('/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'mia@example.com', password }) });
    const mia = { cookie: session.headers.get('set-cookie')!.split(';')[0]!, 'content-type': 'application/json' };
    const res = await rt.app.request('/v1/businesses/acme/alert-rules', { method: 'PUT', headers: mia, body: JSON.stringify({ enabled: false }) });
    expect(res.status).toBe(403);
    expect((await rt.app.request('/v1/businesses/acme/alert-rules', { headers: mia })).status).toBe(403);
  });
});
