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

/** A business a key may write for, as the intake needs it: registered, and where it processes by default. */
export type BusinessLookup = (business: string) => { primaryProcessingCountry: string } | undefined;

/** What turning a request's items into rows needs: no writer, no person store, nothing shared. */
export interface PrepareContext {
  scope: ReadonlySet<string>;
  business: BusinessLookup;
  pseudonymiser: Pseudonymiser;
  /** The previous key's pseudonymiser while its overlap lasts (undefined after). */
  previousPseudonymiser: Pseudonymiser | undefined;
  receivedAtMicros: number;
  retentionDays: number;
}

/** A request's items turned into anonymised rows and rejections, before anything is stored. */
export interface PreparedBatch {
  /** Items the request held (every one counts against the key's rate). */
  itemCount: number;
  rows: EventRow[];
  /** In the items' order. */
  rejected: Rejection[];
  /** Rejections for a business outside the key's scope or not registered. */
  outOfScope: number;
}

/** What anonymisation needs for one business's events of a batch: built once per business, not per event. */
type ContextOf = (business: string, primaryProcessingCountry: string) => IntakeContext;

function prepare(item: BodyItem, index: number, context: PrepareContext, contextOf: ContextOf): Step {
  if (!item.ok) return { rejection: { index, field: null, error: item.error } };
  const validated = validateEvent(item.value, index);
  if (!validated.ok) return { rejection: validated.rejection };
  const { event } = validated;
  // The key's scope first: a business outside it is refused alike whether it is registered or
  // not, so a key cannot find out which business ids exist.
  if (!context.scope.has(event.business)) {
    return { rejection: { index, field: 'business', error: 'this ingest key may not write events for this business' }, outOfScope: true };
  }
  const business = context.business(event.business);
  if (!business) {
    return { rejection: { index, field: 'business', error: 'business is not registered' }, outOfScope: true };
  }
  const anonymised = anonymiseEvent(event, index, contextOf(event.business, business.primaryProcessingCountry));
  return anonymised.ok ? { row: anonymised.row } : { rejection: anonymised.rejection };
}

/** One request's items turned into rows and rejections, item by item. */
class BatchPreparation {
  readonly #rows: EventRow[] = [];
  readonly #rejected: Rejection[] = [];
  #outOfScope = 0;
  readonly #contexts = new Map<string, IntakeContext>();

  constructor(private readonly context: PrepareContext) {}

  add(item: BodyItem, index: number): void {
    const step = prepare(item, index, this.context, this.#contextOf);
    if ('row' in step) this.#rows.push(step.row);
    else {
      this.#rejected.push(step.rejection);
      if (step.outOfScope) this.#outOfScope += 1;
    }
  }

  batch(itemCount: number): PreparedBatch {
    return { itemCount, rows: this.#rows, rejected: this.#rejected, outOfScope: this.#outOfScope };
  }

  readonly #contextOf: ContextOf = (business, primaryProcessingCountry) => {
    let intake = this.#contexts.get(business);
    if (intake === undefined) {
      intake = {
        pseudonymiser: this.context.pseudonymiser,
        ...(this.context.previousPseudonymiser ? { previousPseudonymiser: this.context.previousPseudonymiser } : {}),
        primaryProcessingCountry,
        receivedAtMicros: this.context.receivedAtMicros,
        retentionDays: this.context.retentionDays,
      };
      this.#contexts.set(business, intake);
    }
    return intake;
  };
}

/**
 * validate -> check scope -> anonymise, for every item: pure per-event work that needs no shared
 * state, so it may run on an intake thread (web/server/routes/events/intakeThreads.ts) as well
 * as here. Nothing raw leaves it: rows hold pseudonyms only, rejections no values.
 */
export function prepareItems(items: readonly BodyItem[], context: PrepareContext): PreparedBatch {
  const preparation = new BatchPreparation(context);
  for (let index = 0; index < items.length; index++) preparation.add(items[index]!, index);
  return preparation.batch(items.length);
}

/** Items prepared between two turns of the event loop: about a millisecond of work. */
const ITEMS_PER_TURN = 50;

/**
 * prepareItems on the server's main thread, giving the event loop a turn after every
 * ITEMS_PER_TURN items. Done in one go, a 500-event request held the thread for 5-6 ms, and
 * each of the writer's statements, whose completions wait for the thread, waited behind such
 * requests: at 1.37M events with 4 clients, p99 25-27 ms for a trivial query's completion, and
 * a commit's statements 2-3 times as long as alone. In turns: p99 12-15 ms; HTTP ingest
 * 18.7-21.9k events/s against 17.9-20.1k, within the host's spread.
 */
export async function prepareItemsInTurns(items: readonly BodyItem[], context: PrepareContext, itemsPerTurn = ITEMS_PER_TURN): Promise<PreparedBatch> {
  const preparation = new BatchPreparation(context);
  for (let index = 0; index < items.length; index++) {
    if (index > 0 && index % itemsPerTurn === 0) await new Promise((resolve) => setImmediate(resolve));
    preparation.add(items[index]!, index);
  }
  return preparation.batch(items.length);
}

/** The request's clock and the key in use for it: what prepareItems needs besides the items. */
export function prepareContext(scope: ReadonlySet<string>, deps: IntakeDeps): PrepareContext {
  const nowMs = deps.now();
  const rotation = deps.previousPseudonymKey;
  return {
    scope,
    business: (id) => deps.registry.business(id),
    pseudonymiser: deps.pseudonymiser,
    previousPseudonymiser: rotation && nowMs < rotation.untilMs ? rotation.pseudonymiser : undefined,
    receivedAtMicros: nowMs * 1000,
    retentionDays: deps.retentionDays,
  };
}

/**
 * validate -> check scope -> anonymise -> resolve the person -> hand to the writer -> wait for the commit. Valid
 * events are stored even when others in the batch are rejected; the reply is only built once
 * they are committed.
 */
export async function ingestBatch(items: readonly BodyItem[], scope: ReadonlySet<string>, deps: IntakeDeps, quota?: KeyQuota): Promise<IngestOutcome> {
  // Every event sent counts against the key's rate, valid or not: each one was parsed and checked.
  quota?.quotas.charge(quota.keyId, items.length);
  return commitPrepared(prepareItems(items, prepareContext(scope, deps)), deps, quota);
}

/**
 * The shared-state half of the intake, on the main thread: the key's queue share, person
 * resolution, the writer; the reply once the rows are committed. The caller has charged the
 * key's rate for prepared.itemCount.
 */
export async function commitPrepared(prepared: PreparedBatch, deps: IntakeDeps, quota?: KeyQuota): Promise<IngestOutcome> {
  const { rows, rejected } = prepared;
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
  if (rows.length > 0 || prepared.itemCount === 0) return { status: 200, reply };
  return { status: prepared.outOfScope === prepared.itemCount ? 403 : 422, reply };
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
