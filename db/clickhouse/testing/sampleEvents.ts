import type { EventRow } from '../../eventStore';
import { seededRandom } from '../../testing/seededRandom';

/**
 * Test events: a seeded random set over two businesses, three channels and three weeks of
 * April 2026, with every event type, senders, categories, conversations and events without one.
 * Identifiers are plain strings (the stores never look inside them).
 */

export const SAMPLE_START_MS = Date.parse('2026-04-06T00:00:00Z');
const SPAN_MS = 21 * 86_400_000;
const TYPES = ['message.received', 'message.sent', 'message.delivered', 'message.read', 'message.failed', 'customer.blocked',
  'customer.unblocked', 'customer.muted', 'customer.unmuted', 'customer.opted_out', 'customer.opted_in', 'customer.reported'] as const;

export function sampleEvents(count: number, seed = 7): EventRow[] {
  const r = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  return Array.from({ length: count }, (_, i): EventRow => {
    const type = pick(TYPES);
    const isMessage = type.startsWith('message.');
    // Sub-second instants, a few on the period's edges.
    const occurred = i % 50 === 0 ? SAMPLE_START_MS + (i % 100 === 0 ? 0 : SPAN_MS - 1) : SAMPLE_START_MS - 86_400_000 + Math.floor(r() * (SPAN_MS + 2 * 86_400_000));
    return {
      business: pick(['acme', 'globex']), eventId: `e${seed}-${i}`, type, channel: pick(['whatsapp', 'messenger', 'instagram']),
      customer: `u${Math.floor(r() * 60)}`, customerRegion: pick(['DE', 'FR', 'US']),
      conversation: isMessage && r() < 0.9 ? `c${Math.floor(r() * 120)}` : null, message: isMessage ? `m${i}` : null,
      occurredAtMicros: occurred * 1000, receivedAtMicros: occurred * 1000 + 5000,
      sender: type === 'message.sent' ? pick(['agent', 'bot', 'automation']) : null,
      category: (type === 'message.sent' || type === 'message.delivered') && r() < 0.7 ? pick(['service', 'marketing', 'marketing_lite', 'utility']) : null,
      template: type === 'message.sent' && r() < 0.3 ? pick(['welcome', "it's \\ 'quoted'"]) : null,
      processedIn: 'DE', errorCode: type === 'message.failed' ? pick([131049, 131026]) : null, pricing: null, source: null,
    };
  });
}
