import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEventsDb, type EventsDb } from '../testing/eventsDb';
import { compilePricingBreakdown, pricingBreakdown } from './pricingBreakdown';
import { compileTemplateBreakdown, OTHER_TEMPLATES, TEMPLATE_ROWS_LIMIT, templateBreakdown } from './templateBreakdown';

let db: EventsDb;
beforeEach(async () => {
  db = await openEventsDb();
});
afterEach(() => db.close());

const sent = (customer: string, message: string | null, category: string, template: string | null, at = '2026-03-03T10:00:00Z') =>
  ({ type: 'message.sent', customer, conversation: `c-${customer}`, message, sender: 'automation', category, template, at });
const status = (type: string, message: string, at = '2026-03-03T10:01:00Z') => ({ type, customer: 'x', conversation: 'c-x', message, at });

describe('delivery and read by category and template', () => {
  it('counts each sent message of the period once, with delivered (or read) and read statuses from any time', async () => {
    await db.insert([
      // boarding_pass: 4 messages to 4 customers; m1 delivered, m2 read (implies delivered), m3 delivered twice, m4 nothing.
      sent('a', 'm1', 'utility', 'boarding_pass'), sent('b', 'm2', 'utility', 'boarding_pass'),
      sent('c', 'm3', 'utility', 'boarding_pass'), sent('d', 'm4', 'utility', 'boarding_pass'),
      status('message.delivered', 'm1'), status('message.read', 'm2'),
      status('message.delivered', 'm3'), status('message.delivered', 'm3', '2026-03-05T00:00:00Z'),
      // A status of a message sent before the period does not count, nor does its message.
      sent('e', 'm0', 'utility', 'boarding_pass', '2026-02-20T10:00:00Z'), status('message.read', 'm0', '2026-03-03T09:00:00Z'),
      // promo: 2 messages, one without a platform id (never matched by a status).
      sent('a', 'p1', 'marketing', 'spring_sale'), sent('b', null, 'marketing', 'spring_sale'), status('message.read', 'p1'),
      // free-form service reply without a template.
      sent('c', 's1', 'service', null), status('message.delivered', 's1'),
    ]);
    const rows = await templateBreakdown(db.source([]), { from: '2026-03-01', to: '2026-03-31', business: 'acme' }, 1);
    expect(rows).toEqual([
      { category: 'marketing', template: 'spring_sale', sent: 2, delivery_rate: 0.5, read_rate: 0.5, limited_rate: 0, suppressed: [] },
      { category: 'service', template: null, sent: 1, delivery_rate: 1, read_rate: 0, limited_rate: 0, suppressed: [] },
      { category: 'utility', template: 'boarding_pass', sent: 4, delivery_rate: 0.75, read_rate: 0.25, limited_rate: 0, suppressed: [] },
    ]);
  });

  it('hides every figure of a template sent to fewer than k customers', async () => {
    await db.insert([sent('a', 'm1', 'marketing', 'vip'), sent('a', 'm2', 'marketing', 'vip'), sent('b', 'm3', 'marketing', 'vip')]);
    const [atK] = await templateBreakdown(db.source([]), { from: '2026-03-01', to: '2026-03-31', business: 'acme' }, 2);
    expect(atK).toMatchObject({ sent: 3, suppressed: [] });
    const [belowK] = await templateBreakdown(db.source([]), { from: '2026-03-01', to: '2026-03-31', business: 'acme' }, 3);
    expect(belowK).toEqual({
      category: 'marketing', template: 'vip', sent: null, delivery_rate: null, read_rate: null, limited_rate: null,
      suppressed: ['sent', 'delivery_rate', 'read_rate', 'limited_rate'],
    });
  });

  it('lists the 50 rows with the most sent messages and groups the rest per category, ties by template name', async () => {
    // 49 templates with 2 messages each, then tie_a and tie_b with 1 (tie_a wins the 50th place),
    // and a utility template with 1: tie_b and it are grouped, each in its category's row.
    const events = Array.from({ length: TEMPLATE_ROWS_LIMIT - 1 }, (_, i) => `top_${String(i).padStart(2, '0')}`)
      .flatMap((name, i) => [sent(`a${i}`, `${name}-1`, 'marketing', name), sent(`b${i}`, `${name}-2`, 'marketing', name)]);
    await db.insertBatch([...events, sent('x', 'ta', 'marketing', 'tie_a'), sent('y', 'tb', 'marketing', 'tie_b'), sent('z', 'u1', 'utility', 'zz_notice')]);
    const rows = await templateBreakdown(db.source([]), { from: '2026-03-01', to: '2026-03-31', business: 'acme' }, 1);
    expect(rows).toHaveLength(TEMPLATE_ROWS_LIMIT + 2);
    expect(rows.filter((r) => r.template !== OTHER_TEMPLATES).map((r) => r.template)).toContain('tie_a');
    expect(rows.map((r) => r.template)).not.toContain('tie_b');
    expect(rows.slice(-2)).toEqual([
      { category: 'marketing', template: OTHER_TEMPLATES, sent: 1, delivery_rate: 0, read_rate: 0, limited_rate: 0, suppressed: [] },
      { category: 'utility', template: OTHER_TEMPLATES, sent: 1, delivery_rate: 0, read_rate: 0, limited_rate: 0, suppressed: [] },
    ]);
    // The grouped rows are suppressed by the same rule: one customer each.
    const atTwo = await templateBreakdown(db.source([]), { from: '2026-03-01', to: '2026-03-31', business: 'acme' }, 2);
    expect(atTwo.slice(-2).map((r) => [r.template, r.sent, r.suppressed.length])).toEqual([[OTHER_TEMPLATES, null, 4], [OTHER_TEMPLATES, null, 4]]);
  });
  it("adds up the grouped rows' counts and counts their customers once across their templates", async () => {
    // With one row listed: promo (3 messages) is; flash (u1, u4) and teaser (u1) are grouped into
    // one marketing row of 3 messages to 2 customers (u1 has messages in both), 2 of them delivered.
    await db.insertBatch([
      sent('u1', 'p1', 'marketing', 'promo'), sent('u2', 'p2', 'marketing', 'promo'), sent('u3', 'p3', 'marketing', 'promo'),
      sent('u1', 'f1', 'marketing', 'flash'), sent('u4', 'f2', 'marketing', 'flash'), sent('u1', 't1', 'marketing', 'teaser'),
      status('message.delivered', 'f1'), status('message.read', 't1'),
    ]);
    const rows = await db.source([]).query(compileTemplateBreakdown({ from: '2026-03-01', to: '2026-03-31', business: 'acme' }, 1, 1));
    expect(rows.map((r) => [r.template, r.grouped, r.sent, r.customers, r.delivery_rate_numerator, r.read_rate_numerator])).toEqual([
      ['promo', false, 3, 3, 0, 0],
      [null, true, 3, 2, 2, 1],
    ]);
  });
});

describe("a row's customers past the cohort sample", () => {
  // 3 customers with 65 messages each: a row's 64 smallest customer keys (the sample at k <= 8)
  // all belong to one customer, so the sample cannot settle the row and its customers are counted
  // exactly. Taking the sample's 1 as the count would suppress the row at k = 3.
  const burst = ['u1', 'u2', 'u3'].flatMap((customer) =>
    Array.from({ length: 65 }, (_, i) => sent(customer, `${customer}-${i}`, 'marketing', 'burst')));
  const scope = { from: '2026-03-01', to: '2026-03-31', business: 'acme' };

  it('shows a template row and a pricing row sent to k customers, and hides them below k', async () => {
    await db.insertBatch(burst);
    const source = db.source([]);
    expect((await source.query(compileTemplateBreakdown(scope, 3))).map((r) => [r.template, r.sent, r.customers])).toEqual([['burst', 195, 3]]);
    expect((await source.query(compilePricingBreakdown(scope, 3))).map((r) => [r.category, r.unknown, r.customers])).toEqual([['marketing', 195, 3]]);
    for (const [k, shown] of [[3, 195], [4, null]] as const) {
      expect(await templateBreakdown(source, scope, k)).toMatchObject([{ template: 'burst', sent: shown }]);
      expect(await pricingBreakdown(source, scope, k)).toMatchObject([{ category: 'marketing', unknown: shown }]);
    }
  });
});
