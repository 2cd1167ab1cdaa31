import type { PreviousPseudonymKey, Pseudonymiser } from '../anonymise/pseudonym';
import { anonymiseEvent, type IntakeContext } from '../anonymise/anonymiseEvent';
import type { EventWriter } from '../buffer/eventWriter';
import type { PersonResolver } from '../identity/personResolver';
import type { RegistrySnapshot } from '../keys/registrySnapshot';
import type { IngestKeyQuotas } from '../keys/ingestQuotas';
import type { EventRow } from '../../db/eventStore';
import type { IngestReply, Rejection } from './eventSchema';
import type { BodyItem } from './bodyItem';
import { validateEvent } from './validateEvent';

export interface IntakeDeps {
  registry: RegistrySnapshot;
  writer: EventWriter;
  /** One person, one customer across phone numbers and business-scoped user ids. */
  persons: PersonResolver;
  pseudonymiser: Pseudonymiser;
  /** PSEUDONYM_KEY_PREVIOUS and the end of its overlap, after a key rotation. */
  previousPseudonymKey?: PreviousPseudonymKey;
  retentionDays: number;
  /** Milliseconds since the epoch; a parameter so tests can fix the clock. */
  now: () => number;
}

/** The ingest key a request came with, and the quotas it is counted against. */
export interface KeyQuota {
  keyId: string;
  quotas: IngestKeyQuotas;
}

export interface IngestOutcome {
  status: 200 | 403 | 422;
  reply: IngestReply;
}

type Step = { row: EventRow } | { rejection: Rejection; outOfScope?: boolean };

/** What anonymisation needs for one business's events of a batch: built once per business, not per event. */
type ContextOf = (business: string, primaryProcessingCountry: string) => IntakeContext;

function prepare(item: BodyItem, index: number, scope: ReadonlySet<string>, deps: IntakeDeps, contextOf: ContextOf): Step {
  if (!item.ok) return { rejection: { index, field: null, error: item.error } };
  const validated = validateEvent(item.value, index);
  if (!validated.ok) return { rejection: validated.rejection };
  const { event } = validated;
  // The key's scope first: a business outside it is refused alike whether it is registered or
  // not, so a key cannot find out which business ids exist.
  if (!scope.has(event.business)) {
    return { rejection: { index, field: 'business', error: 'this ingest key may not write events for this business' }, outOfScope: true };
  }
  const business = deps.registry.business(event.business);
  if (!business) {
    return { rejection: { index, field: 'business', error: 'business is not registered' }, outOfScope: true };
  }
  const anonymised = anonymiseEvent(event, index, contextOf(event.business, business.primaryProcessingCountry));
  return anonymised.ok ? { row: anonymised.row } : { rejection: anonymised.rejection };
}

/**
 * validate -> check scope -> anonymise -> resolve the person -> hand to the writer -> wait for the commit. Valid
 * events are stored even when others in the batch are rejected; the reply is only built once
 * they are committed.
 */
export async function ingestBatch(items: readonly BodyItem[], scope: ReadonlySet<string>, deps: IntakeDeps, quota?: KeyQuota): Promise<IngestOutcome> {
  // Every event sent counts against the key's rate, valid or not: each one was parsed and checked.
  quota?.quotas.charge(quota.keyId, items.length);
  const nowMs = deps.now();
  const receivedAtMicros = nowMs * 1000;
  const rotation = deps.previousPseudonymKey;
  const previous = rotation && nowMs < rotation.untilMs ? rotation.pseudonymiser : undefined;
  const rows: EventRow[] = [];
  const rejected: Rejection[] = [];
  let outOfScope = 0;
  const contexts = new Map<string, IntakeContext>();
  const contextOf: ContextOf = (business, primaryProcessingCountry) => {
    let context = contexts.get(business);
    if (context === undefined) {
      context = {
        pseudonymiser: deps.pseudonymiser,
        ...(previous ? { previousPseudonymiser: previous } : {}),
        primaryProcessingCountry,
        receivedAtMicros,
        retentionDays: deps.retentionDays,
      };
      contexts.set(business, context);
    }
    return context;
  };
  items.forEach((item, index) => {
    const step = prepare(item, index, scope, deps, contextOf);
    if ('row' in step) rows.push(step.row);
    else {
      rejected.push(step.rejection);
      if (step.outOfScope) outOfScope += 1;
    }
  });
  // The key's share of the queue counts its rows from here until their commit settles.
  const release = quota && rows.length > 0 ? quota.quotas.hold(quota.keyId, rows.length) : () => undefined;
  let committed: Promise<boolean[]>;
  try {
    ({ committed } = await submitResolved(rows, deps));
  } catch (error) {
    release();
    throw error;
  }
  void committed.then(release, release);
  const stored = await committed;
  const accepted = stored.filter(Boolean).length;
  const reply = { accepted, duplicates: stored.length - accepted, rejected };
  if (rows.length > 0 || items.length === 0) return { status: 200, reply };
  return { status: outOfScope === items.length ? 403 : 422, reply };
}

/** Resolves the rows' persons and hands them to the writer; resolves once they are queued, with their commit. */
function submitResolved(rows: EventRow[], deps: IntakeDeps): Promise<{ committed: Promise<boolean[]> }> {
  // Queued before the resolution is released: a later merge's rewrite is queued after these rows.
  return deps.persons.exclusive(async () => {
    const links = await deps.persons.resolveRows(rows);
    // The new links are held by the resolver until their commit settles (or is refused here).
    const settled = () => deps.persons.settled(links);
    let committed: Promise<boolean[]>;
    try {
      committed = deps.writer.submit(rows, links);
    } catch (error) {
      settled();
      throw error;
    }
    void committed.then(settled, settled);
    return { committed };
  });
}
