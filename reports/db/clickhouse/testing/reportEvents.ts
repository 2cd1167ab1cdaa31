import type { EventRow } from '../../../../db/eventStore';
import { seededRandom } from '../../../../db/testing/seededRandom';

/**
 * Events for comparing the report queries of the two stores: conversations (a customer's
 * message, agent/bot/automation replies, statuses) whose messages have sends, delivered/read
 * statuses (some after the period, some with the category or pricing WhatsApp reports),
 * failures (some the platform's limit), sends without a platform id, statuses of unknown
 * messages, templates (more than a breakdown lists), customer actions, regions of every
 * residency class processed in several countries, over two businesses and three channels around
 * three weeks of April 2026. Seeded: the same events every run.
 */
export const REPORT_START_MS = Date.parse('2026-04-06T00:00:00Z');
const DAY_MS = 86_400_000;

const REGIONS = ['DE', 'FR', 'IE', 'NO', 'GB', 'CH', 'JP', 'US', 'BR', 'ZZ'];
const COUNTRIES = ['DE', 'IE', 'US', 'IN'];
const CATEGORIES = ['service', 'marketing', 'marketing_lite', 'utility', 'authentication', null];
const PRICING = ['regular', 'free_customer_service', 'free_entry_point', 'other', null];

export function reportEvents(conversations: number, seed = 5): EventRow[] {
  const r = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const rows: EventRow[] = [];
  let n = 0;
  const add = (fields: Partial<EventRow> & Pick<EventRow, 'business' | 'type' | 'customer' | 'channel'>, atMs: number) => {
    n += 1;
    const micros = Math.round(atMs * 1000);
    rows.push({
      eventId: `r${seed}-${n}`, customerRegion: 'DE', conversation: null, message: null, occurredAtMicros: micros, receivedAtMicros: micros + 1000,
      sender: null, category: null, template: null, processedIn: 'DE', errorCode: null, pricing: null, source: null, ...fields,
    });
  };
  for (let c = 0; c < conversations; c++) {
    const business = pick(['acme', 'globex']);
    const channel = pick(['whatsapp', 'messenger', 'instagram']);
    const customer = `u${Math.floor(r() * 90)}`;
    const who = { business, channel, customer, customerRegion: pick(REGIONS), processedIn: pick(COUNTRIES) };
    const conversation = r() < 0.95 ? `c${c}` : null;
    // Starts from a day before the period to a day after it; a few exactly on its edges.
    let at = c % 40 === 0 ? REPORT_START_MS : REPORT_START_MS - DAY_MS + r() * 23 * DAY_MS;
    if (r() < 0.7) add({ ...who, type: 'message.received', conversation }, at);
    for (let m = Math.floor(r() * 4); m > 0; m--) {
      at += r() * 3 * 3_600_000;
      const message = r() < 0.9 ? `m${c}-${m}` : null;
      const category = pick(CATEGORIES);
      if (r() < 0.9) {
        add({
          ...who, type: 'message.sent', conversation, message, sender: pick(['agent', 'bot', 'automation']), category,
          template: r() < 0.6 ? `t${Math.floor(r() * 70)}` : null, pricing: r() < 0.3 ? pick(PRICING) : null,
          // From the event count, not the random stream, so every other value stays as it was.
          campaign: ([null, 'spring', 'summer'] as const)[n % 3] ?? null,
        }, at);
      }
      if (message === null) continue;
      // Statuses arrive up to two days later: some after the period.
      const outcome = r();
      if (outcome < 0.6) add({ ...who, type: 'message.delivered', conversation, message, category: r() < 0.3 ? pick(CATEGORIES) : null, pricing: pick(PRICING) }, at + r() * 2 * DAY_MS);
      if (outcome < 0.35) add({ ...who, type: 'message.read', conversation, message }, at + 2 * DAY_MS);
      if (outcome > 0.8) add({ ...who, type: 'message.failed', conversation, message, errorCode: pick([131049, 130472, 131026]) }, at + r() * DAY_MS);
    }
    if (r() < 0.15) add({ ...who, type: pick(['customer.blocked', 'customer.muted', 'customer.reported', 'customer.opted_out', 'customer.unblocked']) }, at + DAY_MS);
    if (r() < 0.05) add({ ...who, type: 'message.delivered', message: `unknown${c}` }, at);
  }
  return rows;
}
