import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bsuidCountry, phoneIdentity } from '../anonymise/customerIdentity';
import { PLATFORM_LIMIT_CODES } from '../../db/messageFacts';
import { validateEvent } from '../events/validateEvent';
import { generateDemo, type DemoEvent } from './generateDemo';

const END = Date.parse('2026-11-20T18:00:00Z');

function allEvents(seed: number | string, events: number, days = 90): DemoEvent[] {
  return [...generateDemo({ seed, events, days, end: END }).batches()].flat();
}

const digest = (events: DemoEvent[]) => createHash('sha256').update(JSON.stringify(events)).digest('hex');

describe('demo data generator', () => {
  const events = allEvents(42, 6000);
  let many: DemoEvent[] | undefined;
  const manyEvents = () => (many ??= allEvents(42, 60_000));

  it('gives byte-identical events for the same seed and end, and different ones for another seed', () => {
    expect(digest(allEvents(42, 6000))).toBe(digest(events));
    expect(digest(allEvents(43, 6000))).not.toBe(digest(events));
  });

  it('generates exactly the number of events asked for, in batches of at most 5,000', () => {
    const batches = [...generateDemo({ seed: 1, events: 12_345, days: 30, end: END }).batches()];
    expect(batches.map((b) => b.length)).toEqual([5000, 5000, 2345]);
  });

  it('keeps every event inside the period and valid for the ingest API', () => {
    const start = END - 90 * 86_400_000;
    for (const [index, event] of events.entries()) {
      const at = Date.parse(event.at);
      expect(at).toBeGreaterThanOrEqual(start);
      expect(at).toBeLessThanOrEqual(END);
      const validated = validateEvent(JSON.parse(JSON.stringify(event)), index);
      if (!validated.ok) throw new Error(`event ${index} (${event.type}) is invalid: ${validated.rejection.error}`);
    }
  });

  it('registers at least 12 businesses of the kinds in the issue, with every transfer mechanism', () => {
    const { businesses } = generateDemo({ seed: 42, events: 10, days: 90, end: END });
    expect(businesses.length).toBeGreaterThanOrEqual(12);
    const sectors = businesses.map((b) => b.body.sector);
    for (const sector of ['airline', 'bank', 'cosmetics retail', 'online fashion', 'telecom', 'marketplace and payments', 'food delivery', 'hotel chain', 'parcel delivery', 'insurance', 'pharmacy']) {
      expect(sectors).toContain(sector);
    }
    expect(sectors.filter((s) => s === 'bank').length).toBeGreaterThanOrEqual(2);
    expect(sectors.filter((s) => s === 'online fashion').length).toBeGreaterThanOrEqual(2);
    const mechanisms = new Set(businesses.flatMap((b) => b.body.processing_locations.map((l) => l.mechanism)));
    expect([...mechanisms].sort()).toEqual(['adequacy', 'bcr', 'derogation', 'dpf', 'eea', 'none', 'scc']);
    expect(new Set(businesses.map((b) => b.body.verified))).toEqual(new Set([true, false]));
  });

  it('uses real-format phone numbers that libphonenumber places in the intended countries', () => {
    const regions = new Set<string>();
    for (const event of events) {
      if (event.channel !== 'whatsapp' && event.channel !== 'sms') continue;
      if (bsuidCountry(event.customer)) continue;
      const identity = phoneIdentity(event.customer);
      expect(identity.region).not.toBe('ZZ');
      regions.add(identity.region);
    }
    for (const country of ['DE', 'FR', 'IT', 'ES', 'NL', 'PL', 'IE', 'SE', 'PT', 'GB', 'US', 'CA', 'BR', 'IN', 'JP', 'RU', 'NG', 'JM', 'CH', 'AE', 'MX', 'ZA', 'GG', 'JE']) {
      expect(regions, country).toContain(country);
    }
    const opaque = events.filter((e) => e.channel === 'messenger' || e.channel === 'instagram');
    expect(opaque.length).toBeGreaterThan(0);
    expect(opaque.every((e) => /^\d{16}$/.test(e.customer) && e.customer_country !== undefined)).toBe(true);
  });

  it('brings customers back in several conversations', () => {
    const conversationsOf = new Map<string, Set<string>>();
    for (const e of events) {
      if (!e.conversation) continue;
      const key = `${e.business}/${e.customer}`;
      conversationsOf.set(key, (conversationsOf.get(key) ?? new Set()).add(e.conversation));
    }
    const returning = [...conversationsOf.values()].filter((c) => c.size > 1).length;
    expect(returning / conversationsOf.size).toBeGreaterThan(0.2);
  });

  it('mixes customer- and business-initiated conversations, bots, auto-acknowledgements and failures', () => {
    const sent = events.filter((e) => e.type === 'message.sent');
    for (const sender of ['agent', 'bot', 'automation']) expect(sent.some((e) => e.sender === sender)).toBe(true);
    for (const category of ['service', 'marketing', 'utility', 'authentication']) expect(sent.some((e) => e.category === category)).toBe(true);
    expect(sent.some((e) => e.template === 'boarding_pass')).toBe(true);
    const failed = events.filter((e) => e.type === 'message.failed');
    expect(new Set(failed.map((e) => e.error_code))).toContain(131049);
    for (const type of ['message.received', 'message.delivered', 'message.read', 'customer.blocked', 'customer.opted_out', 'customer.reported']) {
      expect(events.some((e) => e.type === type), type).toBe(true);
    }
  });

  it('gives some WhatsApp customers a BSUID of their country: beside the number first, alone later, or only', () => {
    const many = manyEvents();
    const wa = many.filter((e) => e.channel === 'whatsapp');
    const byBsuid = wa.filter((e) => bsuidCountry(e.customer) !== undefined);
    const aliased = wa.filter((e) => e.customer_aliases !== undefined);
    for (const e of [...byBsuid, ...aliased]) {
      expect(e.customer_country).toBeUndefined();
      expect(e.customer_aliases?.length ?? 1).toBe(1);
    }
    // The alias is the BSUID of the number's country, and the first event posted names it (later
    // ones, from the switch time on, the BSUID alone).
    const position = new Map(wa.map((e, i) => [e, i]));
    const phoneOf = new Map<string, { phone: string; first: number }>();
    aliased.forEach((e) => {
      const bsuid = e.customer_aliases![0]!;
      expect(bsuidCountry(bsuid)).toBe(phoneIdentity(e.customer).region);
      const key = `${e.business}/${bsuid}`;
      const seen = phoneOf.get(key);
      if (seen) expect(seen.phone).toBe(e.customer);
      phoneOf.set(key, { phone: e.customer, first: seen?.first ?? position.get(e)! });
    });
    const alone = new Map<string, number>();
    byBsuid.forEach((e) => {
      const key = `${e.business}/${e.customer}`;
      if (!alone.has(key)) alone.set(key, position.get(e)!);
    });
    const switched = [...phoneOf].filter(([key]) => alone.has(key));
    expect(switched.length).toBeGreaterThan(20);
    for (const [key, { first }] of switched) expect(first).toBeLessThan(alone.get(key)!);
    const onlyBsuid = [...alone.keys()].filter((key) => !phoneOf.has(key));
    const countries = new Set(onlyBsuid.map((key) => bsuidCountry(key.split('/')[1]!)));
    for (const country of ['BR', 'IN', 'DE', 'US', 'NG']) expect(countries, country).toContain(country);
    const customers = new Set(wa.map((e) => `${e.business}/${e.customer_aliases?.[0] ?? e.customer}`));
    expect(alone.size / customers.size).toBeGreaterThan(0.03);
    expect(alone.size / customers.size).toBeLessThan(0.2);
  });

  it('prices every WhatsApp send, some only on delivery, and shows app replies and capped marketing', () => {
    const many = manyEvents();
    const sent = many.filter((e) => e.type === 'message.sent');
    const waSent = sent.filter((e) => e.channel === 'whatsapp');
    expect(sent.filter((e) => e.channel !== 'whatsapp').every((e) => e.pricing === undefined && e.source === undefined)).toBe(true);
    const unpriced = waSent.filter((e) => e.pricing === undefined);
    expect(unpriced.length / waSent.length).toBeGreaterThan(0.03);
    expect(unpriced.length / waSent.length).toBeLessThan(0.07);
    expect(unpriced.every((e) => e.category === 'service')).toBe(true);
    const pricedOnDelivery = many.filter((e) => e.type === 'message.delivered' && e.pricing !== undefined);
    expect(pricedOnDelivery.every((e) => e.category !== undefined)).toBe(true);
    expect(pricedOnDelivery.some((e) => e.category === 'marketing' && e.pricing === 'regular')).toBe(true);
    for (const e of waSent) {
      if (e.pricing === undefined) continue;
      if (e.category === 'marketing' || e.category === 'authentication') expect(e.pricing, e.category).not.toBe('free_customer_service');
      if (e.category === 'service') expect(e.pricing).not.toBe('regular');
    }
    const pricing = (p: string, category: string) => waSent.filter((e) => e.pricing === p && e.category === category).length;
    expect(pricing('free_customer_service', 'utility')).toBeGreaterThan(0);
    expect(pricing('regular', 'utility')).toBeGreaterThan(0);
    expect(waSent.filter((e) => e.pricing === 'free_entry_point').length / waSent.length).toBeGreaterThan(0.002);
    expect(waSent.filter((e) => e.pricing === 'free_entry_point').length / waSent.length).toBeLessThan(0.03);

    const fromApp = waSent.filter((e) => e.source === 'business_app');
    expect(fromApp.length).toBeGreaterThan(0);
    expect(fromApp.every((e) => e.sender === 'agent' && e.category === 'service' && e.template === undefined)).toBe(true);
    expect(new Set(fromApp.map((e) => e.business)).size).toBeLessThanOrEqual(2);

    const marketing = waSent.filter((e) => e.template !== undefined && (e.category === 'marketing' || e.pricing === undefined)).length;
    const failed = many.filter((e) => e.type === 'message.failed' && e.channel === 'whatsapp');
    const limited = failed.filter((e) => (PLATFORM_LIMIT_CODES as readonly number[]).includes(e.error_code!));
    expect(limited.some((e) => e.error_code === 130472)).toBe(true);
    expect(limited.filter((e) => e.error_code === 131049).length).toBeGreaterThan(limited.filter((e) => e.error_code === 130472).length);
    expect(limited.length / marketing).toBeGreaterThan(0.02);
    expect(limited.length / marketing).toBeLessThan(0.08);
  });

  it('makes the aggressive marketer the business with the highest block rate', () => {
    const many = manyEvents();
    const rate = (business: string) => {
      const messaged = new Set(many.filter((e) => e.business === business && e.type === 'message.sent').map((e) => e.customer));
      const blocked = new Set(many.filter((e) => e.business === business && e.type === 'customer.blocked').map((e) => e.customer));
      return blocked.size / messaged.size;
    };
    const rates = ['moda-rapida', 'lumiere-beaute', 'hanse-bank', 'aer-skyways', 'northwind-apparel'].map((b) => [b, rate(b)] as const);
    const highest = rates.reduce((a, b) => (b[1] > a[1] ? b : a));
    expect(highest[0]).toBe('moda-rapida');
  });

  it('shows processing outside the primary location, declared and undeclared', () => {
    const { businesses } = generateDemo({ seed: 42, events: 10, days: 90, end: END });
    const declared = new Map(businesses.map((b) => [b.id, new Set(b.body.processing_locations.map((l) => l.country))]));
    const elsewhere = events.filter((e) => e.processed_in !== undefined);
    expect(elsewhere.length / events.length).toBeGreaterThan(0.05);
    expect(elsewhere.some((e) => !declared.get(e.business)!.has(e.processed_in!))).toBe(true);
  });

  it('tags campaign sends, and has one campaign that drives customers away beside one that does not', () => {
    const many = manyEvents();
    const marketing = many.filter((e) => e.type === 'message.sent' && e.category === 'marketing');
    expect(marketing.filter((e) => e.campaign !== undefined).length / marketing.length).toBeGreaterThan(0.6);
    expect(marketing.every((e) => e.campaign === undefined || /^[a-z0-9_]+$/.test(e.campaign))).toBe(true);
    // Per campaign: recipients, and those whose next opt-out or block followed its send (the
    // report's attribution, roughly: the customer's last marketing send before the reaction).
    const last = new Map<string, string | undefined>();
    const stats = new Map<string, { recipients: Set<string>; leaving: Set<string> }>();
    for (const e of [...many].filter((x) => x.business === 'aer-skyways').sort((a, b) => a.at.localeCompare(b.at))) {
      if (e.type === 'message.sent' && e.category === 'marketing') {
        last.set(e.customer, e.campaign);
        if (e.campaign) {
          const s = stats.get(e.campaign) ?? { recipients: new Set(), leaving: new Set() };
          s.recipients.add(e.customer);
          stats.set(e.campaign, s);
        }
      }
      const campaign = last.get(e.customer);
      if ((e.type === 'customer.opted_out' || e.type === 'customer.blocked') && campaign) stats.get(campaign)!.leaving.add(e.customer);
    }
    const rate = (name: string) => stats.get(name)!.leaving.size / stats.get(name)!.recipients.size;
    expect(stats.get('flash_fare_blast')!.recipients.size).toBeGreaterThan(20);
    expect(stats.get('autumn_fare_sale')!.recipients.size).toBeGreaterThan(20);
    expect(rate('flash_fare_blast')).toBeGreaterThan(0.06);
    expect(rate('flash_fare_blast')).toBeGreaterThan(5 * rate('autumn_fare_sale'));
  });

  it('prices the demo with two versions of a made-up rate card, the second from the middle of the period', () => {
    const { rateCard, period } = generateDemo({ seed: 42, events: 10, days: 90, end: END });
    expect(rateCard.id).toBe('demo-illustrative');
    const [first, second] = rateCard.versions.map((v) => Date.parse(`${v.effective_from}T00:00:00Z`));
    expect(first).toBeLessThanOrEqual(period.start);
    expect(Math.abs(second! - (period.start + period.end) / 2)).toBeLessThan(86_400_000);
    const price = (v: number, category: string) => rateCard.versions[v]!.prices.find((p) => p.category === category && p.country === 'DE')!.price;
    expect(price(1, 'marketing')).toBeGreaterThan(price(0, 'marketing'));
  });
});
