import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../db/duckdb';
import { hubSignature } from '../../../ingest/webhooks/signature';
import { APP_SECRET, bytesContaining, cellsContaining, fixture, registerWithWebhook } from '../routes/webhooks/webhookTestKit';
import { startTestRuntime, TEST_ADMIN_TOKEN, type TestRuntime } from '../testing/testRuntime';

/**
 * Hostile input: random and malformed bodies, headers and field values against every
 * public endpoint, through the real app on a real DuckDB file. Properties: never a 5xx (nor an
 * "unhandled error" log line); events are stored only when acknowledged; no generated raw value
 * (marker strings "QXMRK…", phone numbers "+4915999…") reaches the database, its file or a log
 * line; Object.prototype is never polluted.
 *
 * `npm test` runs FUZZ_RUNS (default 2,000) cases; `npm run test:fuzz` runs 10,000.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 2_000);
const MARK = 'QXMRK';
const PHONE_PREFIX = '4915999';

let rt: TestRuntime;
let key: string;
let otherKey: string;
let marketing: string;
const statuses = new Map<string, Map<number, number>>();
let acknowledgedEvents = 0;
let erasedEvents = 0;
let cases = 0;

// --- values -----------------------------------------------------------------------------------

const marker = fc.nat().map((n) => `${MARK}${n}`);
const phone = fc.integer({ min: 0, max: 999_999 }).map((n) => `+${PHONE_PREFIX}${String(n).padStart(6, '0')}`);
const waId = fc.integer({ min: 0, max: 999_999 }).map((n) => `${PHONE_PREFIX}${String(n).padStart(6, '0')}`);
const edgeStrings = fc.constantFrom(
  '', ' ', '\u0000', '\uD800', '\uDFFF', '\u202E', '\uFEFF', '\u200D', '👩‍👩‍👧‍👦', 'ﷺ', 'e\u0301', '\r\n', '\\', '"', "'; DROP TABLE events; --",
  '__proto__', 'constructor', 'prototype', 'NaN', 'Infinity', '-0', '1e309', '0x41', 'null', 'true', '{}', '[]', '%00', '../../etc/passwd',
);
const hostileString = fc.oneof(
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 4 },
  { arbitrary: edgeStrings, weight: 4 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 300 }), weight: 2 },
  { arbitrary: fc.integer({ min: 200, max: 70_000 }).map((n) => 'x'.repeat(n)), weight: 1 },
);
/** A raw value that must never be stored or logged as it is. */
const rawValue = fc.oneof(
  { arbitrary: marker, weight: 3 },
  { arbitrary: phone, weight: 3 },
  { arbitrary: waId, weight: 1 },
  { arbitrary: fc.tuple(marker, hostileString).map(([m, s]) => `${m}${s}`), weight: 2 },
  { arbitrary: fc.tuple(hostileString, marker).map(([s, m]) => `${s}${m}`), weight: 1 },
);
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 3 },
  { arbitrary: hostileString, weight: 2 },
  { arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -0, 1e308)), weight: 2 },
  { arbitrary: fc.integer({ min: 1, max: 1_000 }).map((d) => nest(d)), weight: 1 },
);
const idValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: rawValue, weight: 6 },
  { arbitrary: fc.integer(), weight: 1 }, // numbers as ids
  { arbitrary: anyJson, weight: 1 },
);

/** encodeURIComponent, with lone surrogates (which no URL can carry) as U+FFFD. */
function encodePath(text: string): string {
  return encodeURIComponent(text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));
}

function nest(depth: number): unknown {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

const recentIso = fc.integer({ min: 60_000, max: 30 * 86_400_000 }).map((ago) => new Date(Date.now() - ago).toISOString());
const atValue = fc.oneof(
  { arbitrary: recentIso, weight: 6 },
  { arbitrary: fc.constantFrom('2026-13-45T25:00:00Z', '1970-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2026-02-30T10:00:00Z', '2026-01-01T10:00:00'), weight: 1 },
  { arbitrary: anyJson, weight: 1 },
);
const EVENT_TYPES = ['message.received', 'message.sent', 'message.delivered', 'message.read', 'message.failed', 'customer.blocked', 'customer.opted_out'];
const CHANNELS = ['whatsapp', 'messenger', 'instagram', 'sms', 'rcs', 'webchat'];
const pick = <T>(values: readonly T[], other: fc.Arbitrary<unknown> = anyJson) =>
  fc.oneof({ arbitrary: fc.constantFrom(...values), weight: 8 }, { arbitrary: other, weight: 1 });

const event = fc.record(
  {
    id: idValue,
    business: pick(['acme', 'acme', 'acme', 'globex', 'nope']),
    type: pick(EVENT_TYPES),
    channel: pick(CHANNELS),
    customer: idValue,
    customer_country: pick(['DE', 'FR', 'US', 'ZZ', 'de', 'XX']),
    conversation: idValue,
    message: idValue,
    at: atValue,
    sent_at: atValue,
    sender: pick(['agent', 'bot', 'automation']),
    category: pick(['service', 'marketing', 'utility', 'authentication']),
    template: fc.string({ unit: 'grapheme-ascii', maxLength: 12 }),
    processed_in: pick(['DE', 'US', 'IN']),
    error_code: fc.oneof(fc.integer({ min: 0, max: 200_000 }), fc.double(), fc.string({ maxLength: 5 })),
    // Content fields and unknown fields: always rejected, never stored.
    text: rawValue,
    name: rawValue,
    profile: fc.record({ name: rawValue }),
    [`${MARK}_field`]: rawValue,
  },
  { requiredKeys: [] },
);

/** A generated value as text; JSON, because generated objects may carry keys like toString that String() cannot call. */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const eventsWithValidCore = fc.array(
  fc.tuple(event, fc.boolean()).map(([e, keepValid]) => {
    if (!keepValid) return e;
    // Often a storable event: the required fields right, identifiers still raw markers/phones.
    const { text: _t, name: _n, profile: _p, [`${MARK}_field`]: _m, ...rest } = e as Record<string, unknown>;
    return { ...rest, business: 'acme', type: 'message.received', channel: 'whatsapp', conversation: asText(rest.conversation ?? 'c'),
      id: asText(rest.id ?? 'i'), customer: asText(rest.customer ?? '+4915999000000'), at: new Date(Date.now() - 3_600_000).toISOString(),
      sender: undefined, category: undefined, sent_at: undefined, error_code: undefined, message: undefined, template: undefined };
  }),
  { maxLength: 30 },
);

const PROTO_BODIES = [
  '{"events":[{"__proto__":{"polluted":"yes"},"id":"p1","business":"acme","type":"message.received","channel":"whatsapp","customer":"+4915999000001","conversation":"c","at":"AT"}]}',
  '{"__proto__":{"polluted":"yes"},"events":[]}',
  '{"constructor":{"prototype":{"polluted":"yes"}},"events":[{"constructor":{"prototype":{"polluted":"yes"}}}]}',
  '{"events":{"__proto__":[]}}',
  '{"events":[{"id":"QXMRK1","business":"acme","__proto__":null}]}',
];

// --- requests ----------------------------------------------------------------------------------

interface Case {
  endpoint: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

const contentType = fc.oneof(
  { arbitrary: fc.constantFrom('application/json', 'application/x-ndjson'), weight: 6 },
  { arbitrary: fc.constantFrom('text/plain', 'application/json; charset=latin1', '', 'multipart/form-data; boundary=x', 'application/JSON',
    'application/x-www-form-urlencoded', 'application/jsonl', 'application/json\u00ff'), weight: 2 },
);
const auth = fc.oneof(
  { arbitrary: fc.constant('KEY'), weight: 8 },
  { arbitrary: fc.constantFrom('OTHER', 'ADMIN', 'NONE', 'Bearer', 'Bearer ', 'Basic QXMRK', 'Bearer ik_QXMRK000'), weight: 2 },
);

function authHeader(kind: string): Record<string, string> {
  switch (kind) {
    case 'KEY': return { authorization: `Bearer ${key}` };
    case 'OTHER': return { authorization: `Bearer ${otherKey}` };
    case 'ADMIN': return { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
    case 'NONE': return {};
    default: return { authorization: kind };
  }
}

type BodySpec =
  | { kind: 'json'; events: unknown[] }
  | { kind: 'ndjson'; events: unknown[]; cut: number }
  | { kind: 'raw'; text: string }
  | { kind: 'huge'; n: number }
  | { kind: 'bytes'; bytes: Uint8Array };

const bodySpec: fc.Arbitrary<BodySpec> = fc.oneof(
  { arbitrary: eventsWithValidCore.map((events): BodySpec => ({ kind: 'json', events })), weight: 6 },
  { arbitrary: fc.tuple(eventsWithValidCore, fc.nat()).map(([events, cut]): BodySpec => ({ kind: 'ndjson', events, cut })), weight: 3 },
  { arbitrary: hostileString.map((text): BodySpec => ({ kind: 'raw', text })), weight: 1 },
  { arbitrary: anyJson.map((value): BodySpec => ({ kind: 'raw', text: JSON.stringify({ events: value }) ?? '' })), weight: 1 },
  {
    arbitrary: fc.constantFrom(...PROTO_BODIES).map((text): BodySpec => ({ kind: 'raw', text: text.replace('AT', new Date(Date.now() - 60_000).toISOString()) })),
    weight: 1,
  },
  { arbitrary: fc.integer({ min: 1_000, max: 200_000 }).map((d): BodySpec => ({ kind: 'raw', text: `{"events":${'['.repeat(d)}${']'.repeat(d)}}` })), weight: 1 },
  { arbitrary: fc.constantFrom(10_001, 5 * 1024 * 1024 + 1).map((n): BodySpec => ({ kind: 'huge', n })), weight: 1 },
  { arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes): BodySpec => ({ kind: 'bytes', bytes })), weight: 1 },
);

const eventsCase: fc.Arbitrary<Case> = fc.tuple(
  bodySpec,
  contentType,
  auth,
).map(([body, type, who]) => {
  let payload: string | Uint8Array;
  if (body.kind === 'json') payload = JSON.stringify({ events: body.events });
  else if (body.kind === 'ndjson') {
    const text = body.events.map((e) => JSON.stringify(e)).join('\n');
    payload = body.cut % 3 === 0 ? text.slice(0, body.cut % (text.length + 1)) : text; // truncated NDJSON
  } else if (body.kind === 'huge') {
    payload = body.n === 10_001
      ? JSON.stringify({ events: Array.from({ length: 10_001 }, () => ({})) })
      : `{"events":["${'y'.repeat(body.n)}"]}`;
  } else if (body.kind === 'bytes') payload = body.bytes;
  else payload = body.text;
  const mediaType = body.kind === 'ndjson' && type === 'application/json' ? 'application/x-ndjson' : type;
  return { endpoint: 'POST /v1/events', method: 'POST', path: '/v1/events', headers: { 'content-type': mediaType, ...authHeader(who) }, body: payload };
});

const FIXTURES = {
  whatsapp: ['whatsapp-text', 'whatsapp-batch', 'whatsapp-status-failed-131049', 'whatsapp-user-preferences-stop', 'whatsapp-text-bsuid'],
  messenger: ['messenger-text', 'messenger-echo', 'messenger-delivery', 'messenger-read', 'messenger-optin-stop'],
} as const;

function recentTimestamps(text: string): string {
  const seconds = Math.floor(Date.now() / 1000) - 3_600;
  return text
    .replace(/"timestamp":\s*"\d+"/g, `"timestamp": "${seconds}"`)
    .replace(/"(timestamp|time|watermark)":\s*\d+/g, (_m, name: string) => `"${name}": ${seconds * 1000}`);
}

/** Replaces leaves of a fixture, in order, by the generated values (null: keep). */
function mutate(value: unknown, replacements: (unknown | null)[], counter = { i: 0 }): unknown {
  if (Array.isArray(value)) return value.map((v) => mutate(v, replacements, counter));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mutate(v, replacements, counter)]));
  }
  const replacement = replacements[counter.i++ % Math.max(replacements.length, 1)];
  return replacement === null || replacement === undefined ? value : replacement;
}

const webhookCase: fc.Arbitrary<Case> = fc.record({
  channel: fc.constantFrom('whatsapp', 'messenger') as fc.Arbitrary<'whatsapp' | 'messenger'>,
  fixtureIndex: fc.nat({ max: 4 }),
  replacements: fc.array(fc.option(fc.oneof(rawValue, anyJson), { nil: null, freq: 3 }), { maxLength: 40 }),
  business: pick(['acme', 'acme', 'nope'], hostileString.map((s) => encodePath(s).slice(0, 100))),
  signature: fc.oneof({ arbitrary: fc.constant('valid'), weight: 7 }, { arbitrary: fc.constantFrom('none', 'sha256=00', 'sha1=abc', 'sha256='), weight: 1 }),
  raw: fc.option(hostileString, { freq: 8 }),
}).map(({ channel, fixtureIndex, replacements, business, signature, raw }) => {
  const base = JSON.parse(recentTimestamps(fixture(FIXTURES[channel][fixtureIndex]!))) as unknown;
  const body = raw ?? JSON.stringify(mutate(base, replacements));
  const sig = signature === 'valid' ? hubSignature(body, APP_SECRET) : signature;
  return {
    endpoint: `POST /v1/webhooks/${channel}`, method: 'POST', path: `/v1/webhooks/${channel}/${String(business)}`,
    headers: { 'content-type': 'application/json', ...(sig === 'none' ? {} : { 'x-hub-signature-256': sig }) }, body,
  };
});

const queryValue = fc.oneof(rawValue, hostileString, fc.constantFrom('2026-01-01', '2026-02-30', '', 'whatsapp'));
const handshakeCase: fc.Arbitrary<Case> = fc.record({
  channel: fc.constantFrom('whatsapp', 'messenger'), mode: queryValue, token: fc.oneof(queryValue, fc.constant('test-verify-token')), challenge: queryValue,
}).map(({ channel, mode, token, challenge }) => ({
  endpoint: `GET /v1/webhooks/${channel}`, method: 'GET', headers: {},
  path: `/v1/webhooks/${channel}/acme?${new URLSearchParams({ 'hub.mode': mode, 'hub.verify_token': token, 'hub.challenge': challenge })}`,
}));

const jsonBody = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.oneof(
    { arbitrary: fc.record(fields, { requiredKeys: [] }).map((o) => JSON.stringify(o)), weight: 4 },
    { arbitrary: hostileString, weight: 1 },
    { arbitrary: anyJson.map((v) => JSON.stringify(v) ?? ''), weight: 1 },
  );

const loginCase: fc.Arbitrary<Case> = jsonBody({ email: fc.oneof(rawValue, fc.constant('admin')), password: rawValue, extra: anyJson })
  .map((body) => ({ endpoint: 'POST /v1/session', method: 'POST', path: '/v1/session', headers: { 'content-type': 'application/json' }, body }));

const erasureCase: fc.Arbitrary<Case> = fc.tuple(
  fc.oneof(
    jsonBody({ customer: idValue, businesses: fc.oneof(fc.constant(['acme']), fc.array(anyJson, { maxLength: 3 })), channel: pick(CHANNELS), note: rawValue }),
    fc.record({ customer: rawValue, businesses: fc.constant(['acme']) }).map((o) => JSON.stringify(o)),
  ),
  fc.constantFrom('ADMIN', 'MARKETING', 'KEY', 'NONE'),
).map(([body, who]) => ({
  endpoint: 'POST /v1/privacy/erasure', method: 'POST', path: '/v1/privacy/erasure', body,
  headers: { 'content-type': 'application/json', ...(who === 'MARKETING' ? { cookie: marketing } : authHeader(who)) },
}));

const reportCase: fc.Arbitrary<Case> = fc.record({
  which: fc.constantFrom('overview', 'residency', 'businesses/acme', 'businesses/'),
  from: queryValue, to: queryValue, channel: queryValue, granularity: queryValue, id: hostileString,
  who: fc.constantFrom('ADMIN', 'MARKETING', 'KEY', 'NONE'),
}).map(({ which, from, to, channel, granularity, id, who }) => ({
  endpoint: `GET /v1/reports/${which.split('/')[0]}`, method: 'GET',
  path: `/v1/reports/${which === 'businesses/' ? `businesses/${encodePath(id)}` : which}?${new URLSearchParams({ from, to, channel, granularity })}`,
  headers: who === 'MARKETING' ? { cookie: marketing } : authHeader(who),
}));

// Registry and users: values here may legitimately be stored (names, emails), so no markers
// except in passwords, which are only ever stored hashed.
const adminCase: fc.Arbitrary<Case> = fc.oneof(
  fc.tuple(fc.oneof(fc.constantFrom('acme', 'fuzzco'), hostileString.map((s) => encodePath(s).slice(0, 80))),
    jsonBody({ name: hostileString, sector: hostileString, verified: anyJson, timezone: fc.oneof(fc.constant('Europe/Berlin'), hostileString),
      business_hours: anyJson, processing_locations: anyJson, webhooks: anyJson })).map(([id, body]) => ({
    endpoint: 'PUT /v1/businesses/:id', method: 'PUT', path: `/v1/businesses/${id}`, body,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
  })),
  jsonBody({ email: hostileString, password: rawValue, role: pick(['marketing', 'dpo', 'admin']) }).map((body) => ({
    endpoint: 'POST /v1/users', method: 'POST', path: '/v1/users', body,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
  })),
  jsonBody({ label: hostileString, also_businesses: anyJson }).map((body) => ({
    endpoint: 'POST /v1/businesses/:id/keys', method: 'POST', path: '/v1/businesses/acme/keys', body,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
  })),
);

const strayCase: fc.Arbitrary<Case> = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
  segments: fc.array(fc.oneof(fc.constantFrom('v1', 'events', 'businesses', 'keys', 'docs', '_app', '..', '%2e%2e', 'openapi.json'),
    hostileString.map((s) => encodePath(s).slice(0, 60))), { maxLength: 5 }),
}).map(({ method, segments }) => ({ endpoint: 'other paths', method, path: `/${segments.join('/')}`, headers: {} }));

const anyCase = fc.oneof(
  { arbitrary: eventsCase, weight: 10 },
  { arbitrary: webhookCase, weight: 6 },
  { arbitrary: handshakeCase, weight: 1 },
  { arbitrary: loginCase, weight: 2 },
  { arbitrary: erasureCase, weight: 2 },
  { arbitrary: reportCase, weight: 2 },
  { arbitrary: adminCase, weight: 2 },
  { arbitrary: strayCase, weight: 1 },
);

async function send(c: Case): Promise<number | undefined> {
  let request: Request;
  try {
    request = new Request(`http://localhost${c.path}`, {
      method: c.method, headers: c.headers, ...(c.body !== undefined && c.method !== 'GET' && c.method !== 'HEAD' ? { body: c.body as BodyInit } : {}),
    });
  } catch {
    return undefined; // a request no client could send (e.g. a header outside Latin-1)
  }
  const res = await rt.app.request(request);
  const text = await res.text();
  const byStatus = statuses.get(c.endpoint) ?? new Map<number, number>();
  byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);
  statuses.set(c.endpoint, byStatus);
  if (res.status === 200 && (c.endpoint === 'POST /v1/events' || c.endpoint.startsWith('POST /v1/webhooks'))) {
    acknowledgedEvents += (JSON.parse(text) as { accepted: number }).accepted;
  }
  if (res.status === 200 && c.endpoint === 'POST /v1/privacy/erasure') erasedEvents += (JSON.parse(text) as { deleted_events: number }).deleted_events;
  return res.status;
}

beforeAll(async () => {
  rt = await startTestRuntime();
  await registerWithWebhook(rt, 'acme');
  await rt.registerBusiness('globex');
  key = await rt.createKey('acme');
  otherKey = await rt.createKey('globex');
  await rt.admin('POST', '/v1/users', { email: 'mia@example.com', password: 'marketing-password-1', role: 'marketing' });
  const res = await rt.app.request('/v1/session', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'mia@example.com', password: 'marketing-password-1' }),
  });
  marketing = res.headers.get('set-cookie')!.split(';')[0]!;
});

afterAll(async () => {
  await rt?.stop();
});

describe(`hostile input (${RUNS} cases)`, () => {
  it('never answers 5xx, whatever the body, headers or values', async () => {
    await fc.assert(
      fc.asyncProperty(anyCase, async (c) => {
        cases += 1;
        const status = await send(c);
        if (status !== undefined) expect(status, `${c.method} ${c.path.slice(0, 120)}`).toBeLessThan(500);
      }),
      { numRuns: RUNS, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
    );
    const table = [...statuses].map(([endpoint, byStatus]) =>
      `  ${endpoint.padEnd(34)} ${[...byStatus].sort(([a], [b]) => a - b).map(([s, n]) => `${s}:${n}`).join(' ')}`).join('\n');
    process.stdout.write(`hostile input: ${cases} cases, 5xx: ${[...statuses.values()].reduce((n, m) => n + [...m].filter(([s]) => s >= 500).reduce((a, [, k]) => a + k, 0), 0)}\n${table}\n`);
    expect(cases).toBe(RUNS);
    expect(rt.logs.filter((line) => line.includes('unhandled error'))).toEqual([]);
  }, Math.max(120_000, RUNS * 60));

  it('stored exactly the acknowledged events, and no raw value reached the database or the logs', async () => {
    const [row] = await queryRows<{ n: number }>(rt.deps.store.connection, 'SELECT count(*)::INTEGER AS n FROM events');
    expect(row!.n).toBe(acknowledgedEvents - erasedEvents);
    expect(acknowledgedEvents).toBeGreaterThan(0);
    expect(await cellsContaining(rt, [MARK, PHONE_PREFIX])).toEqual([]);
    const logs = rt.logs.join('\n');
    expect(logs).not.toContain(MARK);
    expect(logs).not.toContain(PHONE_PREFIX);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    await rt.close();
    expect(bytesContaining(rt.databasePath, [MARK, PHONE_PREFIX])).toEqual([]);
  });
});
