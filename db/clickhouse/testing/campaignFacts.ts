import { openDatabase, queryPlainRows } from '../../duckdb';
import { commitEvents, compactFacts, type EventRow } from '../../eventStore';
import { factKey } from '../../factKey';
import { migrate } from '../../migrate';
import { CURRENT_MESSAGE_FACTS } from '../../messageFacts';

/**
 * Sends with and without a campaign tag for comparing the message facts' campaign of the two
 * stores: a message sent twice under two campaigns (the earliest send's holds, though it arrives
 * last), a status before its send, a send without a platform id, a send with a template and no
 * campaign, and tags in every character class of the alphabet.
 */
const T0 = Date.parse('2026-04-07T09:00:00Z') * 1000;
const MINUTE = 60_000_000;
let n = 0;
function event(type: string, message: string | null, minute: number, fields: Partial<EventRow> = {}): EventRow {
  n += 1;
  return {
    business: 'acme', eventId: `campaign-e${n}`, type, channel: 'whatsapp', customer: 'c'.repeat(64), customerRegion: 'DE',
    conversation: 'conv1', message, occurredAtMicros: T0 + minute * MINUTE, receivedAtMicros: T0 + minute * MINUTE, sender: null,
    category: null, template: null, processedIn: 'DE', errorCode: null, pricing: null, source: null, ...fields,
  };
}
const sent = (message: string | null, minute: number, campaign: string | null, fields: Partial<EventRow> = {}) =>
  event('message.sent', message, minute, { sender: 'automation', category: 'marketing', template: 'spring_offer', campaign, ...fields });

export const CAMPAIGN_EVENTS: readonly EventRow[] = [
  sent('m1', 30, 'Resend-B'),
  event('message.delivered', 'm1', 31),
  sent('m1', 10, 'Spring_Sale.2026-04-07'),
  event('message.read', 'm2', 5),
  sent('m2', 1, 'spring-sale'),
  sent('m3', 2, null),
  sent(null, 3, 'no_platform_id'),
  sent('m4', 4, 'Winter-2026.b', { business: 'globex', template: null }),
  event('message.failed', 'm5', 6, { errorCode: 131049 }),
];

/** The facts' campaign per (business, message key), as the test expects them. */
export const EXPECTED_CAMPAIGNS: Record<string, string | null> = {
  [`acme|${factKey('m1')}`]: 'Spring_Sale.2026-04-07',
  [`acme|${factKey('m2')}`]: 'spring-sale',
  [`acme|${factKey('m3')}`]: null,
  [`acme|${factKey(CAMPAIGN_EVENTS[6]!.eventId)}`]: 'no_platform_id',
  [`globex|${factKey('m4')}`]: 'Winter-2026.b',
  [`acme|${factKey('m5')}`]: null,
};

/** Rows of business, message (the raw identifier) and campaign, keyed as EXPECTED_CAMPAIGNS. */
export const campaignsByKey = (rows: readonly { business: string; message: string; campaign: string | null }[]) =>
  Object.fromEntries(rows.map((r) => [`${r.business}|${factKey(r.message)}`, r.campaign]));

/** DuckDB's message_facts campaigns for `rows`, committed in two batches (the later send first) and compacted between. */
export async function duckdbCampaigns(rows: readonly EventRow[]): Promise<Record<string, string | null>> {
  const instance = await openDatabase(':memory:');
  const connection = await instance.connect();
  try {
    await migrate(connection);
    await commitEvents(connection, rows.slice(0, 2));
    await compactFacts(connection);
    await commitEvents(connection, rows.slice(2));
    const facts = await queryPlainRows(connection, `SELECT business, message::VARCHAR AS message, campaign FROM ${CURRENT_MESSAGE_FACTS} AS f`);
    return Object.fromEntries(facts.map((r) => [`${String(r.business)}|${String(r.message)}`, r.campaign as string | null]));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
