import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, TEST_ADMIN_TOKEN, type TestRuntime } from '../../testing/testRuntime';

// `?compare=previous` through the real app, k = 3: each report's compared reply holds the
// preceding period's report exactly as a separate request returns it, and each change is the
// difference of the two separate replies' figures. acme had k-1 customers in the week before
// (its figures withheld there), beta enough in both weeks.
const NOW = Date.parse('2026-03-10T12:00:00Z');
const CURRENT = 'from=2026-03-02&to=2026-03-08';
const PREVIOUS = 'from=2026-02-23&to=2026-03-01';

let rt: TestRuntime;
let n = 0;
const phone = (i: number) => `+491510000${String(i).padStart(4, '0')}`;
const event = (business: string, type: string, customer: string, at: string, extra: Record<string, unknown> = {}) =>
  ({ id: `cmp${++n}`, business, type, channel: 'whatsapp', customer, at, ...extra });

/** A customer writes, gets the campaign's template (delivered, maybe read) and maybe opts out. */
function visit(business: string, customer: string, day: string, options: { read?: boolean; optOut?: boolean } = {}) {
  const message = `msg${++n}`;
  const conversation = `conv${n}`;
  return [
    event(business, 'message.received', customer, `${day}T09:00:00Z`, { conversation }),
    event(business, 'message.sent', customer, `${day}T09:02:00Z`, {
      conversation, message, sender: 'automation', template: 'promo', category: 'marketing', campaign: 'spring', pricing: 'regular',
    }),
    event(business, 'message.delivered', customer, `${day}T09:02:05Z`, { conversation, message }),
    ...(options.read ? [event(business, 'message.read', customer, `${day}T09:10:00Z`, { conversation, message })] : []),
    ...(options.optOut ? [event(business, 'customer.opted_out', customer, `${day}T11:00:00Z`)] : []),
  ];
}

const EVENTS = [
  // acme: 2 customers the week before (k-1), 3 this week.
  ...[1, 2].flatMap((i) => visit('acme', phone(i), '2026-02-25')),
  ...[3, 4, 5].flatMap((i) => visit('acme', phone(i), '2026-03-04', { read: true })),
  // beta: 3 customers the week before (one reads), 5 this week (three read, one opts out).
  ...[11, 12, 13].flatMap((i) => visit('beta', phone(i), '2026-02-26', { read: i === 11 })),
  ...[14, 15, 16, 17, 18].flatMap((i) => visit('beta', phone(i), '2026-03-05', { read: i < 17, optOut: i === 18 })),
];

type Row = Record<string, unknown> & { suppressed: string[]; change?: Record<string, number | null>; change_suppressed?: string[] };
type Report = Record<string, unknown> & { compare?: { from: string; to: string; previous: Record<string, unknown> } };

const get = async (path: string) => {
  const res = await rt.app.request(path, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Report;
};

/** The reply without what compare=previous adds: what the request without it returns. */
function withoutComparison(report: Report): Record<string, unknown> {
  const { compare: _compare, ...rest } = report;
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== 'object') return value;
    const { change: _c, change_suppressed: _s, ...fields } = value as Row;
    return Object.fromEntries(Object.entries(fields).map(([key, v]) => [key, strip(v)]));
  };
  return strip(rest) as Record<string, unknown>;
}

/**
 * Checks each compared row's changes against the two separate replies' rows (matched by key);
 * answers how many changes were numbers, so a test knows it compared something.
 */
function expectChanges(rows: Row[], previousRows: Row[], keyOf: (row: Row) => string): number {
  let numeric = 0;
  for (const row of rows) {
    const before = previousRows.find((p) => keyOf(p) === keyOf(row));
    expect(row.change, keyOf(row)).toBeDefined();
    for (const [figure, change] of Object.entries(row.change!)) {
      const withheld = row.suppressed.includes(figure) || !before || before.suppressed.includes(figure);
      expect(row.change_suppressed!.some((s) => s.startsWith(`${figure}: `)), `${keyOf(row)} ${figure}`).toBe(withheld);
      const [now, then] = [row[figure], before?.[figure]];
      if (withheld || typeof now !== 'number' || typeof then !== 'number') {
        expect(change, `${keyOf(row)} ${figure}`).toBeNull();
      } else {
        expect(change, `${keyOf(row)} ${figure}`).toBe(now - then);
        numeric++;
      }
    }
  }
  return numeric;
}

const rowsOf = (report: Record<string, unknown>, list: string) => report[list] as Row[];

beforeAll(async () => {
  rt = await startTestRuntime({ now: () => NOW, env: { MIN_COHORT: '3' } });
  await rt.registerBusiness('acme');
  await rt.registerBusiness('beta');
  for (const business of ['acme', 'beta']) {
    const res = await rt.postEvents(await rt.createKey(business), EVENTS.filter((e) => e.business === business));
    expect(((await res.json()) as { rejected: unknown[] }).rejected).toEqual([]);
  }
});
afterAll(async () => {
  await rt.stop();
});

describe('GET /v1/reports/overview?compare=previous', () => {
  it('holds the preceding period\'s report and each business\'s change, as two separate requests give them', async () => {
    const [compared, current, previous] = await Promise.all([
      get(`/v1/reports/overview?${CURRENT}&compare=previous`), get(`/v1/reports/overview?${CURRENT}`), get(`/v1/reports/overview?${PREVIOUS}`),
    ]);
    expect(compared.compare).toEqual({ from: '2026-02-23', to: '2026-03-01', previous });
    expect(withoutComparison(compared)).toEqual(current);
    const numeric = expectChanges(rowsOf(compared, 'businesses'), rowsOf(previous, 'businesses'), (r) => String(r.business));
    expect(numeric).toBeGreaterThan(0);
    const [acme, beta] = rowsOf(compared, 'businesses');
    expect(beta!.change).toMatchObject({ conversations: 2, customer_initiated: 2 });
    // acme's week before rests on 2 customers: withheld there, so its changes are too.
    expect(acme!.change!.conversations).toBeNull();
    expect(acme!.change_suppressed).toContain('conversations: withheld in the previous period');
    expect(acme!.change).not.toHaveProperty('very_responsive');
  });

  it('is without comparison fields when not asked for', async () => {
    const current = await get(`/v1/reports/overview?${CURRENT}`);
    expect(current).not.toHaveProperty('compare');
    expect(rowsOf(current, 'businesses')[0]).not.toHaveProperty('change');
  });
});

describe('GET /v1/reports/businesses/:id?compare=previous', () => {
  it('compares totals, channels, templates and pricing with the same channel and granularity', async () => {
    const filters = 'channel=whatsapp&granularity=week';
    const [compared, current, previous] = await Promise.all([
      get(`/v1/reports/businesses/beta?${CURRENT}&${filters}&compare=previous`),
      get(`/v1/reports/businesses/beta?${CURRENT}&${filters}`),
      get(`/v1/reports/businesses/beta?${PREVIOUS}&${filters}`),
    ]);
    expect(compared.compare).toEqual({ from: '2026-02-23', to: '2026-03-01', previous });
    expect(withoutComparison(compared)).toEqual(current);
    expect(expectChanges([compared.totals as Row], [previous.totals as Row], () => 'totals')).toBeGreaterThan(0);
    expect((compared.totals as Row).change).toMatchObject({ conversations: 2 });
    expect(expectChanges(rowsOf(compared, 'channels'), rowsOf(previous, 'channels'), (r) => String(r.channel))).toBeGreaterThan(0);
    const templateKey = (r: Row) => `${String(r.category)}/${String(r.template)}`;
    expect(expectChanges(rowsOf(compared, 'templates'), rowsOf(previous, 'templates'), templateKey)).toBeGreaterThan(0);
    expect(rowsOf(compared, 'templates').find((t) => t.template === 'promo')!.change).toMatchObject({ sent: 2 });
    expect(expectChanges(rowsOf(compared, 'pricing'), rowsOf(previous, 'pricing'), (r) => String(r.category))).toBeGreaterThan(0);
    // The series is not compared row by row: its buckets differ; the previous one is in compare.previous.
    expect(rowsOf(compared, 'series')[0]).not.toHaveProperty('change');
  });

  it('names a change withheld because the previous period withheld its figure', async () => {
    const compared = await get(`/v1/reports/businesses/acme?${CURRENT}&compare=previous`);
    const totals = compared.totals as Row;
    expect(totals.conversations).toBe(3);
    expect(totals.change!.conversations).toBeNull();
    expect(totals.change_suppressed).toContain('conversations: withheld in the previous period');
  });
});

describe('GET /v1/reports/campaigns?compare=previous', () => {
  it('compares the rows and campaigns; a row left out the week before has no change, and says so', async () => {
    const [compared, current, previous] = await Promise.all([
      get(`/v1/reports/campaigns?business=beta&${CURRENT}&compare=previous`),
      get(`/v1/reports/campaigns?business=beta&${CURRENT}`),
      get(`/v1/reports/campaigns?business=beta&${PREVIOUS}`),
    ]);
    expect(compared.compare).toEqual({ from: '2026-02-23', to: '2026-03-01', previous });
    expect(withoutComparison(compared)).toEqual(current);
    const rowKey = (r: Row) => JSON.stringify([r.template, r.category, r.campaign]);
    expect(expectChanges(rowsOf(compared, 'rows'), rowsOf(previous, 'rows'), rowKey)).toBeGreaterThan(0);
    expect(expectChanges(rowsOf(compared, 'campaigns'), rowsOf(previous, 'campaigns'), (r) => String(r.campaign))).toBeGreaterThan(0);
    expect(rowsOf(compared, 'rows')[0]!.change).toMatchObject({ sent: 2, recipients: 2, read: 2, opted_out_24h: 1 });

    // acme's promo reached k-1 customers the week before: no row there, so no change.
    const acme = await get(`/v1/reports/campaigns?business=acme&${CURRENT}&compare=previous`);
    const promo = rowsOf(acme, 'rows')[0]!;
    expect(promo).toMatchObject({ template: 'promo', recipients: 3 });
    expect(promo.change!.recipients).toBeNull();
    expect(promo.change_suppressed).toContain('recipients: no row in the previous period');
  });
});

describe('compare', () => {
  it('takes only "previous", on each report', async () => {
    for (const path of [`/v1/reports/overview?${CURRENT}`, `/v1/reports/businesses/beta?${CURRENT}`, `/v1/reports/campaigns?business=beta&${CURRENT}`]) {
      const res = await rt.app.request(`${path}&compare=last_year`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { details: { field: string; error: string }[] } };
      expect(body.error.details).toEqual([{ field: 'compare', error: expect.stringMatching(/compare must be "previous"/) }]);
    }
  });

  it('is one report read in the audit log, naming compare=previous', async () => {
    const entriesOf = async () => ((await (await rt.admin('GET', '/v1/audit?action=report.business&limit=1000')).json()) as {
      entries: { target: string; filters: Record<string, unknown> }[];
    }).entries;
    const before = (await entriesOf()).length;
    await get(`/v1/reports/businesses/beta?from=2026-01-01&to=2026-01-31&compare=previous`);
    const after = await entriesOf();
    expect(after.length).toBe(before + 1);
    expect(after.find((e) => e.filters.from === '2026-01-01')).toMatchObject({ target: 'beta', filters: { compare: 'previous' } });
  });
});
