import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/duckdb';
import { COUNTRY_CODES } from '../../db/countries';
import { business, openEventsDb, type EventsDb, type TestEvent } from '../testing/eventsDb';
import { ADEQUACY, ADEQUATE_COUNTRIES } from './adequacy';
import { locationStatus } from './locationStatus';
import { regionClass } from './regionClass';
import { classBit, classBitsOf, classedRegionsSql } from './residencySql';
import { computeResidency, computeResidencyFlags } from './residency';

describe('the adequacy data file', () => {
  it('holds every adequacy decision with its number and the list date', () => {
    expect(ADEQUACY.as_of).toBe('2026-01-26');
    const byKey = Object.fromEntries(ADEQUACY.decisions.map((d) => [d.country ?? d.organisation!, d.decision]));
    expect(byKey).toEqual({
      AD: '2010/625/EU', AR: '2003/490/EC', CA: '2002/2/EC', FO: '2010/146/EU', GG: '2003/821/EC', IL: '2011/61/EU',
      IM: '2004/411/EC', JE: '2008/393/EC', NZ: '2013/65/EU', CH: '2000/518/EC', UY: '2012/484/EU', JP: '(EU) 2019/419',
      KR: '(EU) 2022/254', GB: '(EU) 2021/1772', US: '(EU) 2023/1795', 'European Patent Organisation': '(EU) 2025/1382',
      BR: '(EU) 2026/179',
    });
    expect(ADEQUACY.decisions.find((d) => d.country === 'GB')).toMatchObject({ renewed: '2025-12-19', valid_to: '2031-12-27' });
    expect(ADEQUACY.decisions.find((d) => d.country === 'BR')!.date).toBe('2026-01-26');
  });
});

describe('region classes', () => {
  it('classifies EEA, outermost regions, adequacy countries (partial ones too), third countries and unknown', () => {
    for (const c of ['DE', 'FR', 'IE', 'IS', 'LI', 'NO', 'GP', 'GF', 'MQ', 'RE', 'YT', 'MF']) expect(regionClass(c)).toBe('eea');
    // +1 covers US, CA, JM, ...: the number's own region decides. +44 covers GB, GG, IM, JE.
    for (const c of ['US', 'CA', 'GB', 'GG', 'IM', 'JE', 'JP', 'KR', 'CH', 'BR', 'NZ']) expect(regionClass(c)).toBe('adequate');
    for (const c of ['JM', 'PR', 'BS', 'IN', 'CN', 'SG', 'AX', 'XK', 'TR']) expect(regionClass(c)).toBe('third');
    expect(regionClass('ZZ')).toBe('unknown');
    expect(ADEQUATE_COUNTRIES).toHaveLength(16);
  });

  it('agrees with its SQL form for every country code', async () => {
    const db = await openEventsDb();
    try {
      const codes = [...COUNTRY_CODES, 'ZZ'];
      const rows = await queryRows<{ c: string; k: number }>(db.connection,
        `WITH ${classedRegionsSql()} SELECT customer_region AS c, class_bit AS k FROM ${classBitsOf("(SELECT unnest(string_split($1, ',')) AS customer_region) AS codes")}`, [codes.join(',')]);
      expect(rows).toHaveLength(codes.length);
      for (const row of rows) expect([row.c, Number(row.k)]).toEqual([row.c, classBit(regionClass(row.c))]);
    } finally {
      db.close();
    }
  });
});

describe('location status', () => {
  it('gives each mechanism its status', () => {
    // In the EEA: ok whatever was declared.
    expect(locationStatus('DE', 'eea')).toBe('ok');
    expect(locationStatus('IE', 'none')).toBe('ok');
    // US: only the DPF makes it adequate; SCCs safeguard; anything else is exposed.
    expect(locationStatus('US', 'dpf')).toBe('ok');
    expect(locationStatus('US', 'scc')).toBe('safeguarded');
    expect(locationStatus('US', 'adequacy')).toBe('exposed');
    expect(locationStatus('US', 'none')).toBe('exposed');
    // Other adequacy countries: ok (Canada for commercial organisations).
    for (const m of ['adequacy', 'none', 'scc'] as const) {
      expect(locationStatus('CA', m)).toBe('ok');
      expect(locationStatus('JP', m)).toBe('ok');
      expect(locationStatus('GB', m)).toBe('ok');
      expect(locationStatus('BR', m)).toBe('ok');
    }
    // A third country: safeguards or exposed; a declared mechanism that cannot apply is exposed.
    expect(locationStatus('IN', 'scc')).toBe('safeguarded');
    expect(locationStatus('IN', 'bcr')).toBe('safeguarded');
    expect(locationStatus('IN', 'derogation')).toBe('safeguarded');
    expect(locationStatus('IN', 'none')).toBe('exposed');
    expect(locationStatus('IN', 'adequacy')).toBe('exposed');
    expect(locationStatus('IN', 'eea')).toBe('exposed');
    expect(locationStatus('IN', 'dpf')).toBe('exposed');
  });
});

// Period Mon 2026-03-02 .. Sun 2026-03-08.
const PERIOD = { from: '2026-03-02', to: '2026-03-08' };
const ev = (b: string, customer: string, region: string, processedIn: string, at = '2026-03-03T10:00:00Z'): TestEvent =>
  ({ business: b, type: 'customer.opted_in', customer, region, processedIn, at });

const EVENTS: TestEvent[] = [
  // acme declares DE (eea) and US/CloudCo (scc).
  ev('acme', 'u1', 'DE', 'DE'),
  ev('acme', 'u1', 'DE', 'DE', '2026-03-04T10:00:00Z'),
  ev('acme', 'u2', 'FR', 'US'),
  ev('acme', 'u3', 'US', 'US'),
  ev('acme', 'u4', 'JM', 'DE'),
  ev('acme', 'u5', 'ZZ', 'SG'), // undeclared SG, no EEA customer there
  ev('acme', 'u6', 'GP', 'IN'), // undeclared IN holding an EEA customer -> exposed
  ev('acme', 'u7', 'CA', 'DE'),
  ev('acme', 'u8', 'GG', 'DE'),
  ev('acme', 'u9', 'FR', 'CN', '2026-02-01T10:00:00Z'), // before the period: no CN location
  // beta: US with the DPF -> ok.
  ev('beta', 'b1', 'IT', 'US'),
  // gamma: US with SCCs holding an EEA customer -> safeguarded; a third-country customer in IN (declared none) does not count.
  ev('gamma', 'g1', 'ES', 'US'),
  ev('gamma', 'g2', 'JM', 'IN'),
];

const REGISTRY = [
  business('acme', {}, [
    { country: 'DE', processor: 'Example Hosting GmbH', role: 'processor', mechanism: 'eea', primary: true },
    { country: 'US', processor: 'CloudCo Inc.', role: 'processor', mechanism: 'scc', primary: false },
  ]),
  business('beta', {}, [{ country: 'US', processor: 'Beta Cloud', role: 'processor', mechanism: 'dpf', primary: true }]),
  business('gamma', {}, [
    { country: 'US', processor: 'Gamma Cloud', role: 'processor', mechanism: 'scc', primary: true },
    { country: 'IN', processor: 'Gamma Support', role: 'processor', mechanism: 'none', primary: false },
  ]),
];

let db: EventsDb;
beforeAll(async () => {
  db = await openEventsDb();
  await db.insert(EVENTS);
});
afterAll(() => db.close());

describe('residency per business', () => {
  it('counts customers by class, EEA customers per location, undeclared locations, the flag and the exposure', async () => {
    const rows = await computeResidency(db.source(REGISTRY), REGISTRY, { period: PERIOD, today: PERIOD.to }, 1);
    const acme = rows.find((r) => r.business === 'acme')!;
    // eea: u1 (DE), u2 (FR), u6 (GP); adequate: u3 (US), u7 (CA), u8 (GG); third: u4 (JM); unknown: u5.
    expect(acme.customers_by_class).toEqual({ eea: 3, adequate: 3, third: 1, unknown: 1 });
    expect(acme.locations.map((l) => [l.country, l.processor, l.mechanism, l.status, l.eea_customers, l.declared])).toEqual([
      ['DE', 'Example Hosting GmbH', 'eea', 'ok', 1, true],
      ['US', 'CloudCo Inc.', 'scc', 'safeguarded', 1, true],
      ['IN', 'undeclared', 'none', 'exposed', 1, false],
      ['SG', 'undeclared', 'none', 'exposed', 0, false],
    ]);
    expect(acme.flag).toBe('exposed');
    expect(acme.exposure).toBe(1);
    expect(acme.suppressed).toEqual([]);

    const beta = rows.find((r) => r.business === 'beta')!;
    expect([beta.flag, beta.exposure, beta.locations[0]!.status, beta.locations[0]!.eea_customers]).toEqual(['ok', 0, 'ok', 1]);
    // gamma: IN (declared, none) is exposed but holds no EEA customer, so the flag is the US's.
    const gamma = rows.find((r) => r.business === 'gamma')!;
    expect(gamma.locations.map((l) => [l.country, l.status, l.eea_customers])).toEqual([['US', 'safeguarded', 1], ['IN', 'exposed', 0]]);
    expect([gamma.flag, gamma.exposure]).toEqual(['safeguarded', 0]);
  });

  it('gives the overview the same flags, counting only the customers behind them', async () => {
    const flags = await computeResidencyFlags(db.source(REGISTRY), REGISTRY, { period: PERIOD }, 1);
    expect(flags).toEqual([{ business: 'acme', flag: 'exposed' }, { business: 'beta', flag: 'ok' }, { business: 'gamma', flag: 'safeguarded' }]);
    const full = await computeResidency(db.source(REGISTRY), REGISTRY, { period: PERIOD, today: PERIOD.to }, 1);
    expect(flags).toEqual(full.map((r) => ({ business: r.business, flag: r.flag })));
    expect(await computeResidencyFlags(db.source(REGISTRY), REGISTRY, { period: PERIOD, business: 'gamma' }, 1)).toEqual([{ business: 'gamma', flag: 'safeguarded' }]);
    // One EEA customer behind each non-ok flag: withheld at k = 2, here as in the residency report.
    const withheld = await computeResidencyFlags(db.source(REGISTRY), REGISTRY, { period: PERIOD }, 2);
    expect(withheld).toEqual([{ business: 'acme', flag: null }, { business: 'beta', flag: 'ok' }, { business: 'gamma', flag: null }]);
    const full2 = await computeResidency(db.source(REGISTRY), REGISTRY, { period: PERIOD, today: PERIOD.to }, 2);
    expect(withheld).toEqual(full2.map((r) => ({ business: r.business, flag: r.flag })));
  });

  it('suppresses small counts by path, and the flag with the exposure it rests on', async () => {
    const [acme] = await computeResidency(db.source(REGISTRY), REGISTRY, { period: PERIOD, business: 'acme', today: PERIOD.to }, 2);
    // `exposed` would tell that 1..k-1 EEA customers were processed at an exposed location.
    expect(acme!.flag).toBeNull();
    expect(acme!.exposure).toBeNull();
    expect(acme!.customers_by_class).toEqual({ eea: 3, adequate: 3, third: null, unknown: null });
    expect(acme!.locations.map((l) => l.eea_customers)).toEqual([null, null, null, 0]);
    expect(acme!.suppressed).toEqual([
      'flag', 'exposure', 'customers_by_class.third', 'customers_by_class.unknown',
      'locations.0.eea_customers', 'locations.1.eea_customers', 'locations.2.eea_customers',
    ]);
    const [k4] = await computeResidency(db.source(REGISTRY), REGISTRY, { period: PERIOD, business: 'acme', today: PERIOD.to }, 4);
    // 3 = k-1 is suppressed too.
    expect(k4!.customers_by_class).toEqual({ eea: null, adequate: null, third: null, unknown: null });
    const [k3] = await computeResidency(db.source(REGISTRY), REGISTRY, { period: PERIOD, business: 'acme', today: PERIOD.to }, 3);
    expect(k3!.customers_by_class).toEqual({ eea: 3, adequate: 3, third: null, unknown: null });
  });
});

describe('residency with more processing countries than one 62-bit column holds', () => {
  it('counts each country, the exposure across columns, and a customer in two classes once per class', async () => {
    // 70 undeclared third countries (processing outside the EEA, no mechanism: each exposed), one
    // EEA customer processed in each; c0 is also processed in the 70th and has a US-region event.
    const countries = [...COUNTRY_CODES].sort().filter((c) => regionClass(c) === 'third').slice(0, 70);
    expect(countries).toHaveLength(70);
    const events = countries.map((country, i) => ev('wide', `c${i}`, 'DE', country));
    events.push(ev('wide', 'c0', 'DE', countries[69]!), ev('wide', 'c0', 'US', 'DE'), ev('wide', 'n1', 'IN', countries[0]!));
    const wide = await openEventsDb();
    try {
      await wide.insert(events);
      const registry = [business('wide', {}, [{ country: 'DE', processor: 'Host', role: 'processor', mechanism: 'eea', primary: true }])];
      const [row] = await computeResidency(wide.source(registry), registry, { period: PERIOD, today: PERIOD.to }, 1);
      const counted = Object.fromEntries(row!.locations.map((l) => [l.country, l.eea_customers]));
      // c0..c69 one each, c69's country also holds c0; DE holds no EEA customer's event (c0's US-region one).
      expect(counted).toEqual(Object.fromEntries([['DE', 0], ...countries.map((c, i) => [c, i === 69 ? 2 : 1])]));
      expect(row!.locations.filter((l) => l.country !== 'DE').every((l) => l.status === 'exposed')).toBe(true);
      expect(row!.exposure).toBe(70);
      expect(row!.customers_by_class).toEqual({ eea: 70, adequate: 1, third: 1, unknown: 0 });
      expect(row!.flag).toBe('exposed');
    } finally {
      wide.close();
    }
  });
});
