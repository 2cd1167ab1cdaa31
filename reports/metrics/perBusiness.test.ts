import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodBounds } from '../period';
import { processingKeysSql, residencyCountsSql } from '../residency/residencySql';
import { business, openEventsDb, type EventsDb, type TestEvent } from '../testing/eventsDb';
import { compileEventMetrics, compileRowsPerBusiness } from './compileSql';
import { OWN_GROUPING_MIN_ROWS, rowsByBusinessOf } from './perBusiness';

// Whether a business's customers are grouped alone or with the others' changes no figure. The
// test data is far below OWN_GROUPING_MIN_ROWS, so the row counts handed to the builders are
// made up to choose each way.

const BUSINESSES = ['acme', 'globex', 'initech'];
const TYPES = ['message.received', 'message.sent', 'customer.blocked', 'customer.muted', 'customer.opted_out', 'customer.reported'];
const REGIONS = ['DE', 'FR', 'US', 'IN', 'ZZ'];

function events(): TestEvent[] {
  const out: TestEvent[] = [];
  let n = 0;
  for (const [b, id] of BUSINESSES.entries()) {
    // The same customer ids at every business: grouping by customer alone must not merge them.
    for (let u = 0; u < 12 + 4 * b; u++) {
      for (let j = 0; j <= (u + b) % 4; j++) {
        n += 1;
        const type = TYPES[(u * 7 + j * 3 + b) % TYPES.length]!;
        out.push({
          business: id, type, customer: `u${u}`, channel: (u + j) % 3 === 0 ? 'messenger' : 'whatsapp',
          region: REGIONS[(u + b) % REGIONS.length], processedIn: (u + j) % 4 === 0 ? 'US' : 'DE',
          conversation: type.startsWith('message') ? `c${u}` : null, message: type === 'message.sent' ? `m${n}` : null,
          sender: type === 'message.sent' ? 'agent' : null, category: type === 'message.sent' ? ((u + j) % 2 === 0 ? 'marketing' : 'service') : null,
          at: `2026-03-0${2 + ((u + j) % 6)}T1${j}:00:00Z`,
        });
      }
    }
  }
  return out;
}

const BOUNDS = periodBounds({ from: '2026-03-02', to: '2026-03-08' });
const large = (...ids: string[]) => new Map(ids.map((id) => [id, OWN_GROUPING_MIN_ROWS]));

let db: EventsDb;
beforeAll(async () => {
  db = await openEventsDb();
  await db.insert(events());
});
afterAll(() => db.close());

const query = (q: { sql: string; params: (string | number)[] }) => db.source(BUSINESSES.map((id) => business(id))).query(q);

describe('customers grouped one business at a time', () => {
  it('gives the event metrics of the one grouping of all, per business, channel and day', async () => {
    for (const groupings of [[{}], [{ byChannel: true }, { bucket: 'day' as const }]]) {
      const together = compileEventMetrics(BOUNDS, groupings);
      const expected = await query(together);
      expect(expected.length).toBeGreaterThanOrEqual(BUSINESSES.length);
      // 'initech' counted after the rows were: still read, with the others.
      for (const rowsByBusiness of [large('acme', 'globex'), large('acme', 'globex', 'initech'), large('globex')]) {
        const apart = compileEventMetrics({ ...BOUNDS, rowsByBusiness }, groupings);
        expect(apart.sql).toMatch(/\$\d+ AS business/);
        expect(apart.params).toContain('globex');
        expect(await query(apart)).toEqual(expected);
      }
    }
  });

  it('gives the business report, always grouped alone, the figures of the grouping of all', async () => {
    const groupings = [{}, { bucket: 'day' as const }, { byChannel: true }];
    const alone = compileEventMetrics({ ...BOUNDS, business: 'globex' }, groupings);
    expect(alone.sql).toMatch(/\$\d+ AS business/);
    const all = await query(compileEventMetrics(BOUNDS, groupings));
    const expected = all.filter((r) => r.business === 'globex');
    expect(expected.length).toBeGreaterThan(3);
    expect(await query(alone)).toEqual(expected);
  });

  it('gives the residency counts of the one grouping of all', async () => {
    const keys = await query(processingKeysSql(BOUNDS));
    const eea = [...new Set(keys.filter((k) => ['DE', 'FR'].includes(String(k.region))).map((k) => String(k.country)))].sort();
    const exposed = new Map([['acme', ['US']], ['initech', ['US']]]);
    const expected = await query(residencyCountsSql(BOUNDS, eea, exposed));
    expect(expected).toHaveLength(BUSINESSES.length);
    const apart = residencyCountsSql({ ...BOUNDS, rowsByBusiness: large('acme', 'initech') }, eea, exposed);
    expect(apart.sql).toMatch(/\$\d+ AS business/);
    expect(apart.params).toContain('initech');
    expect(await query(apart)).toEqual(expected);
    const alone = await query(residencyCountsSql({ ...BOUNDS, business: 'acme' }, eea, exposed));
    expect(alone).toEqual(expected.filter((r) => r.business === 'acme'));
  });

  it('counts the rows per business that decide it', async () => {
    const rows = rowsByBusinessOf(await query(compileRowsPerBusiness(BOUNDS)));
    expect([...rows.keys()].sort()).toEqual(BUSINESSES);
    const fromKeys = new Map<string, number>();
    for (const k of await query(processingKeysSql(BOUNDS))) fromKeys.set(String(k.business), (fromKeys.get(String(k.business)) ?? 0) + Number(k.rows));
    expect(fromKeys).toEqual(rows);
  });
});
