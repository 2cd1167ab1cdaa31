import type { EventRow } from '../../db/eventStore';
import type { IngestEvent, Rejection } from '../events/eventSchema';
import { parseRfc3339Micros } from '../events/eventSchema';
import { identityOf } from '../identity/rawClaim';
import { customerIdentity } from './customerIdentity';
import type { Pseudonymiser } from './pseudonym';

const MICROS_PER_MINUTE = 60_000_000;
const MICROS_PER_DAY = 86_400_000_000;

export interface IntakeContext {
  pseudonymiser: Pseudonymiser;
  /** During a key rotation's overlap: the previous key, for the event id's old pseudonym. */
  previousPseudonymiser?: Pseudonymiser;
  /** Country used when the event has no processed_in. */
  primaryProcessingCountry: string;
  receivedAtMicros: number;
  retentionDays: number;
}

export type Anonymised = { ok: true; row: EventRow } | { ok: false; rejection: Rejection };

/**
 * When it happened, on our clock: with sent_at, the client's clock skew is removed
 * (received_at - (sent_at - at)), so a phone whose clock is an hour off still files events
 * in the right hour.
 */
export function occurredAtMicros(event: Pick<IngestEvent, 'at' | 'sent_at'>, receivedAtMicros: number): number {
  const at = parseRfc3339Micros(event.at)!;
  if (event.sent_at === undefined) return at;
  return receivedAtMicros - (parseRfc3339Micros(event.sent_at)! - at);
}

// Module level, not a closure per event: this runs for every event (and tsx wraps every named
// closure it creates in a defineProperty call).
function optionalPseudonym(pseudonymiser: Pseudonymiser, business: string, kind: 'conversation' | 'message', value: string | undefined) {
  return value === undefined ? null : pseudonymiser.pseudonym(business, kind, value);
}

/** The event's other identifiers of the same person, pseudonymised (the raw values are dropped). */
function aliasesOf(event: IngestEvent, pseudonymiser: Pseudonymiser): NonNullable<EventRow['aliases']> {
  return (event.customer_aliases ?? []).filter((alias) => alias !== event.customer)
    .map((alias) => identityOf(pseudonymiser, event.business, event.channel, alias));
}

/** Turns a valid event into a stored row: every identifier pseudonymised, the raw values dropped. */
export function anonymiseEvent(event: IngestEvent, index: number, context: IntakeContext): Anonymised {
  const occurredAt = occurredAtMicros(event, context.receivedAtMicros);
  if (occurredAt > context.receivedAtMicros + 5 * MICROS_PER_MINUTE) {
    const field = event.sent_at === undefined ? 'at' : 'sent_at';
    return { ok: false, rejection: { index, field, error: 'at is more than 5 minutes in the future (after clock-skew correction)' } };
  }
  if (occurredAt < context.receivedAtMicros - context.retentionDays * MICROS_PER_DAY) {
    return { ok: false, rejection: { index, field: 'at', error: `at is older than the retention period of ${context.retentionDays} days` } };
  }
  const { pseudonymiser } = context;
  const business = event.business;
  const customer = customerIdentity(event.channel, event.customer, event.customer_country);
  const row: EventRow = {
    business,
    eventId: pseudonymiser.pseudonym(business, 'event', event.id),
    type: event.type,
    channel: event.channel,
    customer: pseudonymiser.pseudonym(business, 'customer', customer.canonical),
    customerRegion: customer.region,
    conversation: optionalPseudonym(pseudonymiser, business, 'conversation', event.conversation),
    message: optionalPseudonym(pseudonymiser, business, 'message', event.message),
    occurredAtMicros: occurredAt,
    receivedAtMicros: context.receivedAtMicros,
    sender: event.sender ?? null,
    category: event.category ?? null,
    template: event.template ?? null,
    processedIn: event.processed_in ?? context.primaryProcessingCountry,
    errorCode: event.error_code ?? null,
    pricing: event.pricing ?? null,
    source: event.source ?? null,
    // Not an identifier: a tag in an alphabet that cannot hold personal data, stored as given.
    campaign: event.campaign ?? null,
    customerKind: customer.kind,
  };
  if (event.customer_aliases) row.aliases = aliasesOf(event, pseudonymiser);
  if (context.previousPseudonymiser) row.previousEventId = context.previousPseudonymiser.pseudonym(business, 'event', event.id);
  return { ok: true, row };
}
