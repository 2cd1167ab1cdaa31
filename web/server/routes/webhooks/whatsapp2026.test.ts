import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../testing/testRuntime';
import { derivedRowsDiffering } from '../../../../db/derivedCheck';
import { bytesContaining, cellsContaining, postWebhook, registerWithWebhook } from './webhookTestKit';

// WhatsApp Cloud API webhooks in the shapes Meta documents for 2026: business-scoped user ids
// (`from_user_id`, `recipient_user_id`, contacts' `user_id` and `username`), system messages of a
// changed number or user id, coexistence echoes (`smb_message_echoes`), PMP pricing with
// `pricing.type`, and the caps 131049 / 130472. Each figure below is what marketing or a DPO reads
// in the reports; each came out wrong before (see the comments).

const NOW = Date.UTC(2026, 10, 20, 12);
const T0 = Date.UTC(2026, 10, 16, 9) / 1000; // Monday 2026-11-16 09:00Z, in seconds as Meta sends
const Q = 'from=2026-11-16&to=2026-11-19';

// Identifiers that must never reach the database, its WAL or a log.
const C1_PHONE = '393331234567';
const C1_BSUID = 'IT.7Hq2mX9aLp4RtZ';
const C2_BSUID = 'IN.8091kQw3Zt5Yv';
const C3_OLD = '4915112345678';
const C3_NEW = '4915187654321';
const C4_PHONE = '34612345678';
const C5_PHONE = '2348031234567';
const C6_PHONE = '819012345678';
const C7_PHONE = '12025550143';
const USERNAMES = ['@giulia.rossi', '@joao_bsuid'];
const NAMES = ['Giulia Rossi', 'João Silva', 'Tim Becker'];
const TEXTS = ['Where is my parcel?', 'Ainda nao chegou', 'Neue Nummer', 'Thanks, see you tomorrow!'];

const envelope = (field: string, value: Record<string, unknown>) => JSON.stringify({
  object: 'whatsapp_business_account',
  entry: [{
    id: '102290129340398',
    changes: [{ field, value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' }, ...value } }],
  }],
});
const at = (minutes: number) => String(T0 + minutes * 60);

function received(id: string, minutes: number, who: { phone?: string; bsuid?: string; name: string; username?: string }, body: string): string {
  return envelope('messages', {
    contacts: [{ profile: { name: who.name, ...(who.username ? { username: who.username } : {}) }, wa_id: who.phone ?? '', ...(who.bsuid ? { user_id: who.bsuid } : {}) }],
    messages: [{ from: who.phone ?? '', ...(who.bsuid ? { from_user_id: who.bsuid } : {}), id, timestamp: at(minutes), type: 'text', text: { body } }],
  });
}

function status(id: string, kind: string, minutes: number, to: { phone?: string; bsuid?: string }, extra: Record<string, unknown> = {}): string {
  return envelope('messages', {
    statuses: [{
      id, status: kind, timestamp: at(minutes),
      ...(to.phone ? { recipient_id: to.phone } : {}), ...(to.bsuid ? { recipient_user_id: to.bsuid } : {}), ...extra,
    }],
  });
}

const pricing = (type: string, category: string) => ({ pricing: { billable: type === 'regular', pricing_model: 'PMP', type, category } });
const capped = (code: number) => ({ errors: [{ code, title: 'This message was not delivered to maintain healthy ecosystem engagement.' }] });

function system(id: string, minutes: number, from: { phone?: string; bsuid?: string }, change: Record<string, string>): string {
  return envelope('messages', {
    messages: [{ from: from.phone ?? '', ...(from.bsuid ? { from_user_id: from.bsuid } : {}), id, timestamp: at(minutes), type: 'system', system: { body: `User ${NAMES[2]} changed`, ...change } }],
  });
}

function echo(id: string, minutes: number, to: string, body: string): string {
  return envelope('smb_message_echoes', { message_echoes: [{ from: '15550783881', to, id, timestamp: at(minutes), type: 'text', text: { body } }] });
}

const stop = (minutes: number, phone: string) => envelope('user_preferences', {
  contacts: [{ wa_id: phone, profile: { name: NAMES[1] } }],
  user_preferences: [{ wa_id: phone, detail: 'User requested to stop marketing messages', category: 'marketing_messages', value: 'stop', timestamp: Number(at(minutes)) }],
});

/** One small week of a shop's WhatsApp number, in arrival order. */
const REPLAY: string[] = [
  // C1: first message with phone and BSUID, later ones with the BSUID only (point 1).
  received('wamid.c1-in-1', 0, { phone: C1_PHONE, bsuid: C1_BSUID, name: NAMES[0]!, username: USERNAMES[0] }, TEXTS[0]!),
  status('wamid.c1-out-1', 'sent', 5, { phone: C1_PHONE, bsuid: C1_BSUID }, pricing('free_customer_service', 'service')),
  status('wamid.c1-out-1', 'delivered', 6, { bsuid: C1_BSUID }, pricing('free_customer_service', 'service')),
  received('wamid.c1-in-2', 120, { bsuid: C1_BSUID, name: NAMES[0]!, username: USERNAMES[0] }, TEXTS[3]!),
  status('wamid.c1-out-2', 'sent', 130, { bsuid: C1_BSUID }, pricing('free_customer_service', 'service')),
  status('wamid.c1-out-2', 'delivered', 131, { bsuid: C1_BSUID }),
  // C2: a username user, BSUID only; statuses carry no country (point 2).
  received('wamid.c2-in-1', 200, { bsuid: C2_BSUID, name: NAMES[1]!, username: USERNAMES[1] }, TEXTS[1]!),
  status('wamid.c2-out-1', 'sent', 215, { bsuid: C2_BSUID }, pricing('free_customer_service', 'service')),
  status('wamid.c2-out-1', 'read', 220, { bsuid: C2_BSUID }),
  // C3: writes, changes number (a system message, point 3), writes again from the new one.
  received('wamid.c3-in-1', 300, { phone: C3_OLD, name: NAMES[2]! }, TEXTS[2]!),
  system('wamid.c3-sys', 360, { phone: C3_OLD }, { wa_id: C3_NEW, type: 'user_changed_number' }),
  received('wamid.c3-in-2', 480, { phone: C3_NEW, name: NAMES[2]! }, TEXTS[2]!),
  status('wamid.c3-out-1', 'sent', 485, { phone: C3_NEW }, pricing('free_customer_service', 'service')),
  status('wamid.c3-out-1', 'delivered', 486, { phone: C3_NEW }),
  // C4: answered from the WhatsApp Business app on the shared number (point 4).
  received('wamid.c4-in-1', 600, { phone: C4_PHONE, name: NAMES[0]! }, TEXTS[0]!),
  echo('wamid.c4-app-1', 620, C4_PHONE, TEXTS[3]!),
  // C5: a marketing template whose `sent` has no pricing; `delivered` prices it (point 5); opts out.
  status('wamid.c5-mkt-1', 'sent', 1500, { phone: C5_PHONE }),
  status('wamid.c5-mkt-1', 'delivered', 1501, { phone: C5_PHONE }, pricing('regular', 'marketing')),
  stop(1600, C5_PHONE),
  // C6: a marketing template Meta capped: failed 131049, never sent (point 6).
  status('wamid.c6-mkt-1', 'failed', 1500, { phone: C6_PHONE }, capped(131049)),
  // C7: a utility message in an open service window: free.
  status('wamid.c7-utl-1', 'sent', 1510, { phone: C7_PHONE }, pricing('free_customer_service', 'utility')),
  status('wamid.c7-utl-1', 'delivered', 1511, { phone: C7_PHONE }, pricing('free_customer_service', 'utility')),
];

describe('WhatsApp 2026 webhook shapes, counted in the reports (real app, real DuckDB file)', () => {
  let runtime: TestRuntime;
  // The last test stops the runtime itself, to read the closed database file.
  let stopped = false;

  beforeAll(async () => {
    runtime = await startTestRuntime({ now: () => NOW, env: { MIN_COHORT: '1' } });
    for (const business of ['in-order', 'twice', 'reversed', 'quiet']) await registerWithWebhook(runtime, business);
    const send = async (business: string, payloads: readonly string[]) => {
      for (const body of payloads) expect((await postWebhook(runtime, 'whatsapp', business, body)).status).toBe(200);
    };
    await send('in-order', REPLAY);
    await send('twice', [...REPLAY, ...REPLAY]);
    await send('reversed', [...REPLAY].reverse());
    // Two customers write to a business that never answers (point 7).
    await send('quiet', REPLAY.filter((body) => body.includes('wamid.c1-in') || body.includes('wamid.c2-in')));
  });
  afterAll(async () => {
    if (!stopped) await runtime?.stop();
  });

  const report = async (business: string) => {
    const res = await runtime.admin('GET', `/v1/reports/businesses/${business}?${Q}&granularity=week`);
    expect(res.status).toBe(200);
    return (await res.json()) as { totals: Record<string, unknown>; channels: Record<string, unknown>[]; pricing: Record<string, unknown>[] };
  };
  const residency = async (business: string) => {
    const res = await runtime.admin('GET', `/v1/reports/residency?${Q}`);
    const body = (await res.json()) as { businesses: { business: string; customers_by_class: Record<string, number> }[] };
    return body.businesses.find((b) => b.business === business)!.customers_by_class;
  };

  it('counts one person once across phone, BSUID and a changed number, with one region each', async () => {
    const classes = await residency('in-order');
    // C1 IT, C3 DE, C4 ES | C6 JP, C7 US | C2 IN (from the BSUID prefix), C5 NG. Before: C1 twice
    // (IT and unknown), C2 only unknown, C3 as two customers. C6's capped send reached no one, but
    // its number was processed: it counts here, where the question is whose data went where.
    expect(classes).toEqual({ eea: 3, adequate: 2, third: 2, unknown: 0 });
  });

  it('opens one conversation per thread: no new one for a BSUID-only message, a system message or a capped send', async () => {
    const { totals } = await report('in-order');
    // C1, C2, C3, C4 wrote first; C5 and C7 got a template. Before: 8 (C1's BSUID-only message,
    // C3's system message and new number, and C6's capped send each opened one).
    expect(totals).toMatchObject({ customer_initiated: 4, conversations: 6 });
  });

  it('counts a WhatsApp Business app reply as the answer', async () => {
    const { totals } = await report('in-order');
    // Every customer-initiated conversation was answered within 24 h (C4 from the app, after 20
    // minutes). First responses 5, 15, 20 and 185 minutes (C3 from its first, old number).
    expect(totals.response_rate_24h).toBe(1);
    expect(totals.frt_median_s).toBe(17.5 * 60);
  });

  it('counts the marketing send whose category came with `delivered` in the opt-out denominator', async () => {
    const { totals } = await report('in-order');
    // C5 opted out after a marketing send. Before: the send stayed `service`, so no denominator (null).
    expect(totals.opt_out_rate).toBe(1);
  });

  it('reports capped sends as limited by the platform, not as undelivered, and a failed-only message as no conversation', async () => {
    const { totals } = await report('in-order');
    // 8 attempted messages: 7 sends (C4's app reply has no status) and C6's capped template.
    // Before: C6 was an undelivered message of its own conversation and customer.
    expect(totals.limited_rate).toBe(1 / 8);
    expect(totals.delivery_rate).toBe(6 / 7);
    expect(totals.read_rate).toBe(1 / 7);
  });

  it('counts messages charged and free per category, as Meta bills them', async () => {
    const { pricing } = await report('in-order');
    // C5's template was priced (marketing, regular) only with `delivered`; the app reply carries no
    // pricing; the capped template reached nobody and has no category.
    expect(pricing.map(({ suppressed: _s, ...row }) => row)).toEqual([
      { category: 'marketing', charged: 1, free_customer_service: 0, free_entry_point: 0, unknown: 0 },
      { category: 'service', charged: 0, free_customer_service: 4, free_entry_point: 0, unknown: 1 },
      { category: 'utility', charged: 0, free_customer_service: 1, free_entry_point: 0, unknown: 0 },
    ]);
  });

  it('gives 0, not "no data", for a response rate when nobody was answered', async () => {
    const { totals } = await report('quiet');
    expect(totals).toMatchObject({ customer_initiated: 2, response_rate_24h: 0, frt_median_s: null });
  });

  it('answers the same figures when the webhooks are replayed twice or in reverse order', async () => {
    const expected = await report('in-order');
    for (const business of ['twice', 'reversed']) {
      const got = await report(business);
      expect(got.totals, business).toEqual({ ...expected.totals });
      expect(got.channels, business).toEqual(expected.channels);
      expect(got.pricing, business).toEqual(expected.pricing);
      expect(await residency(business), business).toEqual(await residency('in-order'));
    }
  });

  it('leaves every derived table equal to a recomputation from the events, after the merges of the reversed replay', async () => {
    expect(await derivedRowsDiffering(runtime.deps.store.connection)).toEqual({ conversation_facts: 0, message_facts: 0, customer_days: 0, conversation_days: 0 });
    await runtime.deps.writer.compactFacts();
    expect(await derivedRowsDiffering(runtime.deps.store.connection)).toEqual({ conversation_facts: 0, message_facts: 0, customer_days: 0, conversation_days: 0 });
  });

  it('keeps no BSUID, phone number, username, name or text in the database, its WAL or the logs', async () => {
    const secrets = [C1_PHONE, C1_BSUID, C2_BSUID, C3_OLD, C3_NEW, C4_PHONE, C5_PHONE, C6_PHONE, C7_PHONE, ...USERNAMES, ...NAMES, ...TEXTS];
    expect(await cellsContaining(runtime, secrets)).toEqual([]);
    expect(runtime.logs.filter((line) => secrets.some((s) => line.includes(s)))).toEqual([]);
    const { databasePath } = runtime;
    await runtime.stop();
    expect(bytesContaining(databasePath, secrets)).toEqual([]);
    stopped = true;
  });
});
