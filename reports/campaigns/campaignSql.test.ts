import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../db/testing/seededRandom';
import { business, openEventsDb, type EventsDb, type TestEvent } from '../testing/eventsDb';
import { ATTRIBUTED_COLUMNS, CAMPAIGN_GROUPINGS, compileCampaignRows, type CampaignScope } from './campaignSql';
import { naiveCampaignRows, type NaiveCampaignRow } from './testing/naiveCampaigns';

// The campaigns report's SQL on DuckDB against the naive implementation of its definition, on
// random sends and reactions dense enough that every rule is met many times: reactions within and
// beyond 24 hours and 7 days, two templates to one customer, sends at one instant, sends before
// and after the period, statuses, caps and pricing, and events arriving in any order.

const MIN = 60_000;
const START = Date.parse('2026-05-04T00:00:00Z');
const SCOPE: CampaignScope = { business: 'acme', from: '2026-05-04', to: '2026-05-17' };
const END = Date.parse('2026-05-18T00:00:00Z');
type Event = TestEvent & { campaign?: string | null };

function generate(seed: number): Event[] {
  const r = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const events: Event[] = [];
  const iso = (ms: number) => new Date(ms).toISOString();
  for (let m = 0; m < 400; m++) {
    const customer = `u${Math.floor(r() * 60)}`;
    // On the hour often, so that two sends to one customer share an instant now and then.
    const sentAt = START - 9 * 1440 * MIN + Math.floor(r() * 30 * 24) * 60 * MIN + (r() < 0.5 ? 0 : Math.floor(r() * 60) * MIN);
    const base = { customer, channel: r() < 0.8 ? 'whatsapp' : 'messenger', message: `m${m}` };
    events.push({
      ...base, type: 'message.sent', at: iso(sentAt), sender: 'automation', template: r() < 0.85 ? pick(['promo', 'reminder', 'boarding_pass']) : null,
      category: pick(['marketing', 'utility']), campaign: r() < 0.7 ? pick(['spring', 'summer']) : null, ...(r() < 0.5 ? { pricing: pick(['regular', 'free_entry_point']) } : {}),
    });
    if (r() < 0.7) events.push({ ...base, type: 'message.delivered', at: iso(sentAt + 30_000), ...(r() < 0.1 ? { category: 'utility' } : {}) });
    if (r() < 0.4) events.push({ ...base, type: 'message.read', at: iso(sentAt + 600_000) });
    if (r() < 0.08) events.push({ ...base, type: 'message.failed', at: iso(sentAt + 5_000), errorCode: pick([131049, 130472, 131026]) });
    if (r() < 0.45) {
      const delay = pick([0, 30 * MIN, 23 * 60 * MIN, 24 * 60 * MIN, 25 * 60 * MIN, 3 * 1440 * MIN, 7 * 1440 * MIN, 8 * 1440 * MIN]);
      events.push({ customer, type: pick(['customer.blocked', 'customer.muted', 'customer.reported', 'customer.opted_out']), at: iso(sentAt + delay) });
    }
  }
  for (let i = 0; i < 15; i++) events.push({ customer: `u${Math.floor(r() * 60)}`, type: 'customer.blocked', at: iso(START + Math.floor(r() * 14 * 1440) * MIN) });
  // Any order of arrival.
  for (let i = events.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [events[i], events[j]] = [events[j]!, events[i]!];
  }
  return events;
}

function asNaive(row: Record<string, unknown>): NaiveCampaignRow {
  const counts = (window: '24h' | '7d') => Object.fromEntries(ATTRIBUTED_COLUMNS.filter((c) => c.window === window).map((c) => [c.reaction, Number(row[c.name])]));
  return {
    template: row.template === null ? null : String(row.template), week: row.week === null ? null : Number(row.week), category: row.category === null ? null : String(row.category), campaign: row.campaign === null ? null : String(row.campaign),
    sent: Number(row.sent), recipients: Number(row.recipients), delivered: Number(row.delivered), read: Number(row.read),
    limited: Number(row.limited), charged: Number(row.charged),
    attributed_24h: counts('24h') as NaiveCampaignRow['attributed_24h'], attributed_7d: counts('7d') as NaiveCampaignRow['attributed_7d'],
  };
}

describe('the campaigns report\'s SQL (DuckDB) against its naive definition', () => {
  let db: EventsDb;
  beforeAll(async () => {
    db = await openEventsDb();
  });
  afterAll(() => db.close());

  for (const seed of [1, 2, 3]) {
    it(`agrees on every row and count, seed ${seed}`, async () => {
      await db.connection.run('DELETE FROM events; DELETE FROM message_facts; DELETE FROM message_fact_parts');
      const events = generate(seed);
      await db.insert(events);
      const source = db.source([business('acme')]);
      for (const channel of [undefined, 'whatsapp'] as const) {
        for (const grouping of CAMPAIGN_GROUPINGS) {
          const scope = { ...SCOPE, grouping, ...(channel ? { channel } : {}) };
          const rows = (await source.query<Record<string, unknown>>(compileCampaignRows(scope))).map(asNaive);
          const expected = naiveCampaignRows(events, { business: 'acme', fromMs: START, toMs: END, grouping, ...(channel ? { channel } : {}) });
          expect(rows).toEqual(expected);
          // ...and the data meets the rules it is meant to: attributions in both windows, several rows
          // (three campaigns: spring, summer, none; three weeks: the period's two and one Monday before).
          expect(expected.length).toBeGreaterThanOrEqual(3);
          expect(expected.some((row) => Object.values(row.attributed_7d).some((n) => n > 0))).toBe(true);
        }
      }
    });
  }
});
