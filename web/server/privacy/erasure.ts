import type { ErasureCounts, ErasureTarget } from '../../../db/lifecycle';
import type { RegistryStore } from '../../../db/store';
import { customerIdentity, forgetCachedPhoneNumbers } from '../../../ingest/anonymise/customerIdentity';
import type { PreviousPseudonymKey, Pseudonymiser } from '../../../ingest/anonymise/pseudonym';
import type { EventWriter } from '../../../ingest/buffer/eventWriter';
import type { PersonResolver } from '../../../ingest/identity/personResolver';
import { CHANNELS, type Channel } from '../../../ingest/events/eventSchema';

export interface ErasureDeps {
  // Held around the erasure: on DuckDB (one connection) it keeps the webhook intake's state
  // updates out of the way while the writer's transaction deletes that state and writes the audit
  // row; on PostgreSQL the event store deletes the state and writes the row in one transaction.
  store: RegistryStore;
  writer: EventWriter;
  /** Held too, so no identity link of the person is written while it is erased. */
  persons: PersonResolver;
  pseudonymiser: Pseudonymiser;
  previousPseudonymKey?: PreviousPseudonymKey;
  now: () => number;
}

export interface ErasureRequest {
  /** The raw identifier as the platform gives it. Held in memory only, never written or logged. */
  customer: string;
  businesses: readonly string[];
  channel?: Channel;
}

/**
 * The values the intake could have pseudonymised for this identifier: a phone number in E.164
 * (whatever format it was given in: "+39 333 ...", a wa_id "39333...", "0039 ..."), or the id as
 * given (Messenger, Instagram and web chat ids, WhatsApp user ids). Without a channel, every
 * channel's reading is a candidate, since the same text can be either.
 */
export function customerCandidates(raw: string, channel?: Channel): string[] {
  const values = new Set<string>();
  for (const form of new Set([raw, raw.trim()])) {
    if (form.length === 0) continue;
    for (const ch of channel ? [channel] : CHANNELS) values.add(customerIdentity(ch, form, undefined).canonical);
  }
  return [...values];
}

/** The person's customer pseudonyms at each business, under the current and the previous key. */
export function erasureTargets(request: ErasureRequest, deps: Pick<ErasureDeps, 'pseudonymiser' | 'previousPseudonymKey'>): ErasureTarget[] {
  const keys = [deps.pseudonymiser, ...(deps.previousPseudonymKey ? [deps.previousPseudonymKey.pseudonymiser] : [])];
  const candidates = customerCandidates(request.customer, request.channel);
  return [...new Set(request.businesses)].map((business) => ({
    business,
    customers: [...new Set(keys.flatMap((key) => candidates.map((value) => key.pseudonym(business, 'customer', value))))],
  }));
}

/**
 * Deletes every event and derived webhook fact of one person in the businesses named, and
 * records the request in the audit log, all in one transaction. It runs in the event writer's
 * queue (after every batch submitted before it, before any submitted after it) while the admin
 * store is held, so neither an event insert nor a webhook state update can race it.
 */
export async function erasePerson(deps: ErasureDeps, request: ErasureRequest, actor: string): Promise<ErasureCounts> {
  const targets = erasureTargets(request, deps);
  try {
    return await eraseTargets(deps, request, targets, actor);
  } finally {
    // The intake's in-memory caches may hold the person's raw identifiers (and computing the
    // targets just put them there): forget them all, whatever the outcome.
    for (const pseudonymiser of [deps.pseudonymiser, deps.previousPseudonymKey?.pseudonymiser]) pseudonymiser?.forgetCachedIdentifiers();
    forgetCachedPhoneNumbers();
  }
}

function eraseTargets(deps: ErasureDeps, request: ErasureRequest, targets: ErasureTarget[], actor: string): Promise<ErasureCounts> {
  // The intake's order: admin store, then persons, then the writer (a webhook holds the first two).
  return deps.store.exclusive(() => deps.persons.exclusive(() =>
    deps.writer.exclusive(async (store) => {
      deps.persons.forgetCached();
      return store.eraseCustomers(targets, (counts) => ({
        actor,
        action: 'privacy.erasure',
        target: targets.map((t) => t.business).join(','),
        // What was asked and what it did; the identifier itself (and its pseudonyms) is not kept.
        filters: {
          businesses: targets.map((t) => t.business),
          ...(request.channel ? { channel: request.channel } : {}),
          deleted_events: counts.events,
          deleted_webhook_messages: counts.webhookMessages,
          deleted_webhook_watermarks: counts.webhookWatermarks,
          deleted_customer_links: counts.customerLinks,
        },
        rowCount: counts.events,
        atMs: deps.now(),
      }));
    })));
}
