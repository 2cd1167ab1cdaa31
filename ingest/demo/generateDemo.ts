import { DEMO_BUSINESSES, registrationBody, type DemoBusiness } from './businesses';
import { demoRecords } from './demoRecords';
import type { ProcessingRecords } from '../../db/processingRecords';
import { simulateConversation, type BusinessModel, type Campaign, type DemoEvent, type Period } from './conversations';
import { buildCustomerPool, countryCounts } from './customers';
import { LocalClock, OpeningHours } from './openingHours';
import { Random } from './random';
import { DEMO_RATE_CARD, demoRateCard, type DemoRateCardVersion } from './rateCards';

export interface DemoOptions {
  seed: number | string;
  /** Exactly this many events are generated. */
  events: number;
  /** Length of the period, ending at `end`. */
  days: number;
  /** Milliseconds since the epoch; no event is later. */
  end: number;
  batchSize?: number;
}

export type { DemoEvent };

export interface Demo {
  options: Required<DemoOptions>;
  period: Period;
  /** Each business's registration body and its records of processing (PUT /v1/businesses/{id}/records). */
  businesses: { id: string; body: ReturnType<typeof registrationBody>; records: ProcessingRecords }[];
  /** The rate card every demo business is priced with, each version as PUT /v1/rate-cards/{id} takes it. */
  rateCard: { id: string; versions: DemoRateCardVersion[] };
  /** A fresh, identical run of the events each time it is called. */
  batches: () => Generator<DemoEvent[]>;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;
// Rough averages, used only to size the customer pools.
const EVENTS_PER_CONVERSATION = 6;
const CONVERSATIONS_PER_CUSTOMER = 2.2;

/**
 * The demo data set, a pure function of (seed, events, days, end): the businesses to register
 * and the events to post, in batches. Same inputs, byte-identical events.
 */
export function generateDemo(input: DemoOptions): Demo {
  const options: Required<DemoOptions> = { batchSize: 5000, ...input };
  if (!Number.isInteger(options.events) || options.events < 1) throw new Error('events must be a positive integer');
  if (!(options.days > 0)) throw new Error('days must be positive');
  const period = { start: options.end - options.days * DAY, end: options.end };
  return {
    options,
    period,
    businesses: DEMO_BUSINESSES.map((b, i) => ({ id: b.id, body: registrationBody(b, options.end), records: demoRecords(b, i) })),
    rateCard: { id: DEMO_RATE_CARD, versions: demoRateCard(period) },
    batches: () => eventBatches(options, period),
  };
}

function* eventBatches(options: Required<DemoOptions>, period: Period): Generator<DemoEvent[]> {
  const seed = String(options.seed);
  const models = buildModels(seed, options.events, period);
  const rng = new Random(`${seed}/conversations`);
  const byVolume = models.map((m) => [m, m.profile.volume] as const);
  let batch: DemoEvent[] = [];
  let emitted = 0;
  let emptyInARow = 0;
  while (emitted < options.events) {
    let kept = 0;
    for (const event of simulateConversation(rng, rng.weighted(byVolume), period)) {
      if (emitted >= options.events) break;
      batch.push(event);
      emitted += 1;
      kept += 1;
      if (batch.length === options.batchSize) {
        yield batch;
        batch = [];
      }
    }
    emptyInARow = kept > 0 ? 0 : emptyInARow + 1;
    if (emptyInARow > 10_000) throw new Error('the demo generator produces no events for this period');
  }
  if (batch.length > 0) yield batch;
}

function buildModels(seed: string, events: number, period: Period): BusinessModel[] {
  const totalVolume = DEMO_BUSINESSES.reduce((sum, b) => sum + b.volume, 0);
  const poolSizes = DEMO_BUSINESSES.map((b) =>
    Math.max(b.customerCountries.length, Math.round((events / EVENTS_PER_CONVERSATION) * (b.volume / totalVolume) / CONVERSATIONS_PER_CUSTOMER)),
  );
  // Every business draws its numbers from one range per country, twice the largest need: some
  // people turn up as customers of several businesses.
  const largestNeed = new Map<string, number>();
  DEMO_BUSINESSES.forEach((b, i) => {
    for (const [country, count] of countryCounts(b, poolSizes[i]!)) largestNeed.set(country, Math.max(count, largestNeed.get(country) ?? 0));
  });
  const phoneRange = (country: string) => 2 * (largestNeed.get(country) ?? 1) + 10;
  return DEMO_BUSINESSES.map((profile, i) => {
    const clock = new LocalClock(profile.timezone);
    return {
      profile,
      clock,
      opening: new OpeningHours(profile.hours, clock),
      pool: buildCustomerPool(new Random(`${seed}/customers/${profile.id}`), seed, profile, poolSizes[i]!, phoneRange),
      campaigns: planCampaigns(new Random(`${seed}/campaigns/${profile.id}`), profile, clock, period),
      surgeAt: profile.surge ? localMidnight(clock, period.start + profile.surge.at * (period.end - period.start)) : undefined,
      unreachable: new Set(),
    };
  });
}

function localMidnight(clock: LocalClock, t: number): number {
  return clock.fromLocal(Math.floor(clock.toLocal(t) / DAY) * DAY);
}

/**
 * Marketing bursts: each campaign goes out on one day, at the business's usual local hour, tagged
 * with its template and local date (fare_sale_0412); then the business's showcase campaigns.
 */
function planCampaigns(rng: Random, business: DemoBusiness, clock: LocalClock, period: Period): Campaign[] {
  const { campaignsPerMonth, sendHour, templates, showcase = [] } = business.marketing;
  const days = (period.end - period.start) / DAY;
  const count = Math.max(1, Math.round((campaignsPerMonth * days) / 30));
  const sendTime = (day: number) => clock.fromLocal(clock.toLocal(day) + (sendHour + rng.int(0, 1)) * HOUR + rng.int(0, 3) * 15 * MINUTE);
  const campaigns: Campaign[] = [];
  for (let i = 0; i < count; i++) {
    const day = localMidnight(clock, period.start + rng.next() * (period.end - period.start));
    const at = sendTime(day);
    const template = rng.pick(templates);
    const size = 0.5 + rng.next();
    const name = `${template}_${new Date(clock.toLocal(day)).toISOString().slice(5, 10).replace('-', '')}`;
    if (at >= period.start && at <= period.end) campaigns.push({ name, at, template, size, annoyance: 1 });
  }
  for (const { name, template, at: share, size, annoyance } of showcase) {
    campaigns.push({ name, template, size, annoyance, at: sendTime(localMidnight(clock, period.start + share * (period.end - period.start))) });
  }
  return campaigns;
}
