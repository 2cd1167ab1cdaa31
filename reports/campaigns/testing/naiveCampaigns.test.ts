import { describe, expect, it } from 'vitest';
import type { TestEvent } from '../../testing/eventsDb';
import { naiveCampaignRows } from './naiveCampaigns';

// The campaigns report's definition, worked by hand on a few customers: the oracle the SQL of both
// stores will be compared with on random data must itself say what the issue says.

const H = 3_600_000;
const DAY0 = Date.parse('2026-06-01T00:00:00Z');
const at = (hours: number) => new Date(DAY0 + hours * H).toISOString();
const SCOPE = { business: 'acme', fromMs: DAY0, toMs: DAY0 + 7 * 24 * H };

type Event = TestEvent & { campaign?: string | null };
const send = (customer: string, message: string, hours: number, template: string, extra: Partial<Event> = {}): Event =>
  ({ type: 'message.sent', customer, message, at: at(hours), template, category: 'marketing', campaign: 'spring', sender: 'automation', ...extra });
const react = (customer: string, type: string, hours: number): Event => ({ type, customer, at: at(hours) });

const rowOf = (events: Event[], template: string, scope = SCOPE) => naiveCampaignRows(events, scope).find((r) => r.template === template);

describe('campaign attribution, worked by hand', () => {
  it('attributes a block 10 hours after a send to it in both windows, an opt-out after 3 days in the 7-day one only', () => {
    const events = [send('c1', 'm1', 10, 'promo'), react('c1', 'customer.blocked', 20), send('c2', 'm2', 10, 'promo'), react('c2', 'customer.opted_out', 10 + 72)];
    const row = rowOf(events, 'promo')!;
    expect(row).toMatchObject({ sent: 2, recipients: 2, campaign: 'spring', category: 'marketing' });
    expect(row.attributed_24h).toEqual({ blocked: 1, muted: 0, reported: 0, opted_out: 0 });
    expect(row.attributed_7d).toEqual({ blocked: 1, muted: 0, reported: 0, opted_out: 1 });
  });

  it('gives a reaction to the later of two templates sent to the same customer', () => {
    const events = [send('c3', 'm3', 0, 'promo'), send('c3', 'm4', 24, 'reminder', { campaign: null }), react('c3', 'customer.reported', 25)];
    expect(rowOf(events, 'reminder')!.attributed_24h.reported).toBe(1);
    expect(rowOf(events, 'reminder')!.campaign).toBeNull();
    expect(rowOf(events, 'promo')!.attributed_7d.reported).toBe(0);
  });

  it('attributes nothing to a reaction before any send, or more than 7 days after one; exactly 24 hours still counts', () => {
    const events = [
      react('c4', 'customer.muted', 1), send('c4', 'm5', 2, 'promo'),
      send('c5', 'm6', 2, 'promo'), react('c5', 'customer.blocked', 2 + 7 * 24 + 1),
      send('c6', 'm7', 3, 'promo'), react('c6', 'customer.blocked', 3 + 24),
    ];
    const row = rowOf(events, 'promo')!;
    expect(row.attributed_24h).toEqual({ blocked: 1, muted: 0, reported: 0, opted_out: 0 });
    expect(row.attributed_7d).toEqual({ blocked: 1, muted: 0, reported: 0, opted_out: 0 });
  });

  it('counts customers, not reactions, and leaves out a reaction whose send is outside the period', () => {
    const events = [
      send('c7', 'm8', 5, 'promo'), react('c7', 'customer.blocked', 6), react('c7', 'customer.blocked', 7),
      // c8's block follows a send before the period: it is that send's, in no row of this period.
      send('c8', 'm9', -48, 'promo'), react('c8', 'customer.blocked', -47),
    ];
    expect(rowOf(events, 'promo')!.attributed_24h.blocked).toBe(1);
    expect(rowOf(events, 'promo')!.recipients).toBe(1);
  });

  it('counts a row\'s messages: delivered, read, limited by Meta\'s caps, charged; the status category over the send\'s', () => {
    const events: Event[] = [
      send('c9', 'm10', 1, 'promo', { pricing: 'regular' }),
      { type: 'message.delivered', customer: 'c9', message: 'm10', at: at(1.1), pricing: 'regular' },
      { type: 'message.read', customer: 'c9', message: 'm10', at: at(2) },
      send('c10', 'm11', 1, 'promo'),
      { type: 'message.failed', customer: 'c10', message: 'm11', at: at(1.2), errorCode: 131049 },
      send('c11', 'm12', 1, 'promo'),
      { type: 'message.delivered', customer: 'c11', message: 'm12', at: at(1.5), category: 'utility' },
    ];
    const rows = naiveCampaignRows(events, SCOPE);
    expect(rows.map((r) => [r.template, r.category, r.sent, r.delivered, r.read, r.limited, r.charged])).toEqual([
      ['promo', 'marketing', 2, 1, 1, 1, 1],
      ['promo', 'utility', 1, 1, 0, 0, 0],
    ]);
  });

  it('keeps to the channel asked for, and leaves out sends without a template', () => {
    const events: Event[] = [send('c12', 'm13', 1, 'promo', { channel: 'messenger' }), { type: 'message.sent', customer: 'c13', message: 'm14', at: at(1), sender: 'agent' }];
    expect(naiveCampaignRows(events, { ...SCOPE, channel: 'whatsapp' })).toEqual([]);
    expect(naiveCampaignRows(events, { ...SCOPE, channel: 'messenger' }).map((r) => r.template)).toEqual(['promo']);
  });
});

describe('campaign attribution at one instant', () => {
  it('gives a reaction after two sends at the same instant to the greater template name, whatever the arrival order', () => {
    const events = [send('c14', 'm15', 1, 'b_offer'), send('c14', 'm16', 1, 'a_offer'), react('c14', 'customer.blocked', 2)];
    for (const order of [events, [...events].reverse()]) {
      expect(rowOf(order, 'b_offer')!.attributed_24h.blocked).toBe(1);
      expect(rowOf(order, 'a_offer')!.attributed_24h.blocked).toBe(0);
    }
  });
});

describe('campaign and week rows', () => {
  it('counts a campaign over its templates, a customer sent two of them once, and its reactions once', () => {
    const events = [
      send('c20', 'm20', 1, 'promo'), send('c20', 'm21', 5, 'reminder'), react('c20', 'customer.opted_out', 6),
      send('c21', 'm22', 1, 'reminder'), send('c22', 'm23', 1, 'promo', { campaign: 'summer' }),
    ];
    const rows = naiveCampaignRows(events, { ...SCOPE, grouping: 'campaign' });
    expect(rows.map((r) => [r.template, r.campaign, r.sent, r.recipients, r.attributed_24h.opted_out])).toEqual([
      [null, 'spring', 3, 2, 1],
      [null, 'summer', 1, 1, 0],
    ]);
  });

  it('splits a template by the ISO week (Monday, UTC) of its sends, not of the reactions', () => {
    // 2026-06-01 is a Monday: hours 0..167 are one week, 168.. the next.
    const events = [send('c23', 'm24', 167, 'promo'), react('c23', 'customer.blocked', 170), send('c24', 'm25', 168, 'promo')];
    const rows = naiveCampaignRows(events, { ...SCOPE, toMs: DAY0 + 14 * 24 * H, grouping: 'template_week' });
    const monday = DAY0 / (24 * H);
    expect(rows.map((r) => [r.template, r.week, r.sent, r.attributed_24h.blocked])).toEqual([
      ['promo', monday, 1, 1],
      ['promo', monday + 7, 1, 0],
    ]);
  });
});
