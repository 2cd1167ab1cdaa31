import type { Logger } from 'pino';
import {
  countIntakeProblems, getWatermarks, markReceipts, messagesCoveredBy, raiseWatermark, recordPolicyEvent, type StateDb,
} from '../../db/webhookState';
import type { RegistryStore } from '../../db/store';
import type { SecretBox } from '../../db/secretBox';
import { getWebhookSecrets } from '../../db/registry';
import type { Pseudonymiser } from '../anonymise/pseudonym';
import { ingestBatch, type IntakeDeps } from '../events/ingestBatch';
import type { BodyItem } from '../events/bodyItem';
import { KeyedLock } from './keyedLock';
import type { MappedEvent, MappingResult, WebhookChannel } from './mappedEvent';
import { eventId } from './payloadValues';
import { ThreadResolver } from './threadResolver';
import { rethreadMerged } from './rethread';
import { rawClaim } from '../identity/rawClaim';
import type { IdentityClaim } from '../identity/planPersons';
import { sourceOf } from './sources';
import { foreignParts, ForeignAccountError } from './payloadAccounts';

export interface WebhookIntakeDeps extends IntakeDeps {
  /**
   * Holds the webhook state. On DuckDB (SerialStore) `exclusive` also serialises this state's
   * reads and writes with every other use of the admin connection; the per-business lock below
   * keeps two requests of one business apart (in this process, and across processes where the
   * store offers it).
   */
  store: RegistryStore;
  /** Opens the business's sealed webhook settings (its registered accounts). */
  secretBox: SecretBox;
  logger: Logger;
}

export interface WebhookOutcome {
  accepted: number;
  duplicates: number;
  /** Parts of the payload that were not stored (unmappable or rejected); counted per business. */
  problems: number;
}

/** Marks a payload that was not JSON (it is acknowledged and counted, never stored). */
export const UNPARSEABLE = Symbol('unparseable');

// Receipt-derived events name a message we only hold as a pseudonym: "psn:<pseudonym>" passes
// it through the pipeline's pseudonymisation unchanged (see withStoredMessagePseudonyms).
const STORED_MESSAGE = /^psn:[0-9a-f]{64}$/;

/**
 * The pipeline's pseudonymiser, except that a message value "psn:<64 hex>" is taken as an
 * already pseudonymised message id. Only the webhook intake uses it, and mapped platform ids
 * that start with "psn:" are refused before they get here, so a payload cannot smuggle a value
 * past pseudonymisation.
 */
function withStoredMessagePseudonyms(inner: Pseudonymiser): Pseudonymiser {
  const wrapped = Object.create(inner) as Pseudonymiser;
  Object.defineProperty(wrapped, 'pseudonym', {
    value: (business: string, kind: Parameters<Pseudonymiser['pseudonym']>[1], value: string) =>
      kind === 'message' && STORED_MESSAGE.test(value) ? value.slice(4) : inner.pseudonym(business, kind, value),
  });
  return wrapped;
}

interface Prepared {
  items: BodyItem[];
  /** After the commit: receipts to mark on stored messages, watermarks to raise. */
  marks: { kind: 'delivered' | 'read'; messages: string[] }[];
  watermarks: { customerKey: string; kind: 'delivered' | 'read'; watermarkMs: number }[];
  unmappable: number;
}

function toItem(event: MappedEvent, business: string, conversation: string | undefined): BodyItem {
  const { thread: _thread, ...fields } = event;
  return { ok: true, value: { ...fields, business, ...(conversation === undefined ? {} : { conversation }) } };
}

/** Every identifier the payload names, with the ones it says are one person linked. */
function claimsOf(mapping: MappingResult, business: string, deps: WebhookIntakeDeps): IdentityClaim[] {
  const micros = (at: string) => Date.parse(at) * 1000;
  return [
    ...mapping.events.map((e) => rawClaim(deps.pseudonymiser, business, e.channel, e.customer, e.customer_aliases ?? [], e.customer_country, micros(e.at))),
    ...mapping.identities.map((n) => rawClaim(deps.pseudonymiser, business, n.channel, n.identities[0]!, n.identities.slice(1), undefined, micros(n.at))),
    ...mapping.receipts.map((r) => rawClaim(deps.pseudonymiser, business, r.channel, r.customer, [], undefined, micros(r.at))),
  ];
}

/** Runs with the store held (db: the handle exclusive gave). */
async function prepare(db: StateDb, mapping: MappingResult, business: string, channel: WebhookChannel, deps: WebhookIntakeDeps): Promise<Prepared> {
  // The persons first: a customer's thread is the person's, whichever identifier an event carries.
  const claims = claimsOf(mapping, business, deps);
  const { personOf: persons } = await deps.persons.exclusive(() =>
    deps.persons.resolve(business, claims, { followUp: rethreadMerged(db, deps.pseudonymiser, business) }));
  const resolver = new ThreadResolver(db, deps.pseudonymiser, business, channel, (identity) => persons.get(identity)?.person ?? identity);
  const prepared: Prepared = { items: [], marks: [], watermarks: [], unmappable: mapping.unmappable };
  const receiptEvents = (kind: 'delivered' | 'read', customer: string, messageKey: string, conversation: string, at: string): BodyItem =>
    toItem(
      { id: eventId('fb', kind, messageKey), type: kind === 'read' ? 'message.read' : 'message.delivered', channel, customer, message: `psn:${messageKey}`, at },
      business,
      conversation,
    );
  // Messages in time order, so a batch's own messages build its threads in order.
  const events = [...mapping.events].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  for (const event of events) {
    if (event.message !== undefined && event.message.startsWith('psn:')) {
      prepared.unmappable += 1;
      continue;
    }
    const resolved = await resolver.resolve(event);
    prepared.items.push(toItem(event, business, resolved?.conversation));
    // A sent message (Messenger, Instagram) already covered by a receipt that arrived before it.
    if (sourceOf(channel).receiptsCoverEarlier && resolved && event.type === 'message.sent') {
      const { deliveredMs, readMs } = await getWatermarks(db, business, channel, resolved.customerKey);
      const atMs = Date.parse(event.at);
      const kind = readMs !== null && atMs <= readMs ? 'read' : deliveredMs !== null && atMs <= deliveredMs ? 'delivered' : undefined;
      if (kind) {
        prepared.items.push(receiptEvents(kind, event.customer, resolved.messageKey, resolved.conversation, event.at));
        prepared.marks.push({ kind, messages: [resolved.messageKey] });
      }
    }
  }
  // Watermarks: one event per earlier sent message of that customer not yet so covered.
  for (const receipt of mapping.receipts) {
    const customerKey = resolver.customerKey(receipt);
    const named = receipt.mids.filter((mid) => !mid.startsWith('psn:')).map((mid) => resolver.messageKey(mid));
    const covered = await messagesCoveredBy(db, business, channel, customerKey, receipt.kind, receipt.watermarkMs, named);
    for (const message of covered) {
      prepared.items.push(receiptEvents(receipt.kind, receipt.customer, message.message, resolver.conversationValue(customerKey, message.threadStartMs), receipt.at));
    }
    prepared.marks.push({ kind: receipt.kind, messages: covered.map((m) => m.message) });
    prepared.watermarks.push({ customerKey, kind: receipt.kind, watermarkMs: receipt.watermarkMs });
  }
  return prepared;
}

/**
 * One webhook payload (signature already verified): map -> resolve conversations -> the same
 * ingest pipeline as POST /v1/events (validate, scope = this business only, anonymise, writer)
 * -> after the commit, receipt bookkeeping, policy records and problem counters. Requests of
 * one business run one at a time, so thread and watermark state cannot race.
 */
export class WebhookIntake {
  readonly #lock = new KeyedLock();
  readonly #pipelineDeps: IntakeDeps;

  constructor(private readonly deps: WebhookIntakeDeps) {
    this.#pipelineDeps = { ...deps, pseudonymiser: withStoredMessagePseudonyms(deps.pseudonymiser) };
  }

  /**
   * One business's payloads one at a time: in this process (the keyed lock), and, on a store that
   * several servers share, across them (its advisory lock), since its thread and watermark state
   * is read, decided on and written back by each payload.
   */
  intake(channel: WebhookChannel, business: string, payload: unknown): Promise<WebhookOutcome> {
    const store = this.deps.store;
    const run = () => this.#intake(channel, business, payload);
    return this.#lock.run(business, () => (store.acrossProcesses ? store.acrossProcesses(`webhook-intake:${business}`, run) : run()));
  }

  async #intake(channel: WebhookChannel, business: string, payload: unknown): Promise<WebhookOutcome> {
    const { deps } = this;
    const store = deps.store;
    const nowMs = deps.now();
    if (payload === UNPARSEABLE) {
      await store.exclusive((db) => countIntakeProblems(db, business, channel, 'unparseable_payload', 1, nowMs));
      return { accepted: 0, duplicates: 0, problems: 1 };
    }
    await this.#refuseForeignAccounts(channel, business, payload, nowMs);
    const mapping = sourceOf(channel).map(payload);
    const prepared = await store.exclusive((db) => prepare(db, mapping, business, channel, deps));
    const outcome = prepared.items.length > 0
      ? await ingestBatch(prepared.items, new Set([business]), this.#pipelineDeps)
      : { status: 200 as const, reply: { accepted: 0, duplicates: 0, rejected: [] } };
    const rejected = outcome.reply.rejected.length;
    await store.exclusive(async (db) => {
      for (const mark of prepared.marks) await markReceipts(db, business, channel, mark.kind, mark.messages);
      for (const w of prepared.watermarks) await raiseWatermark(db, business, channel, w.customerKey, w.kind, w.watermarkMs);
      for (const policy of mapping.policies) {
        await recordPolicyEvent(db, business, policy.channel, policy.action, Date.parse(policy.at), nowMs);
      }
      await countIntakeProblems(db, business, channel, 'unmappable', prepared.unmappable, nowMs);
      await countIntakeProblems(db, business, channel, 'rejected_event', rejected, nowMs);
    });
    if (rejected > 0 || prepared.unmappable > 0) {
      // Counts and field names only: rejection messages never carry values, but none are logged.
      deps.logger.warn({ channel, business, unmappable: prepared.unmappable, rejected }, 'webhook intake problems');
    }
    return { accepted: outcome.reply.accepted, duplicates: outcome.reply.duplicates, problems: prepared.unmappable + rejected };
  }

  /**
   * Refuses the whole payload (ForeignAccountError, counted as `foreign_account`) when a part of
   * it names no account registered for this business on this channel: a misrouted payload is
   * loud (the platform retries and reports failures) instead of half stored.
   */
  async #refuseForeignAccounts(channel: WebhookChannel, business: string, payload: unknown, nowMs: number): Promise<void> {
    const { deps } = this;
    const registered = (await getWebhookSecrets(deps.store, deps.secretBox, business))?.accounts[channel] ?? [];
    const foreign = foreignParts(sourceOf(channel).accounts(payload), registered);
    if (foreign === 0) return;
    await deps.store.exclusive((db) => countIntakeProblems(db, business, channel, 'foreign_account', foreign, nowMs));
    deps.logger.warn({ channel, business, parts: foreign }, 'webhook payload for accounts not registered for this business refused');
    throw new ForeignAccountError(channel, foreign);
  }
}
