import { findWebhookMessage, recordWebhookMessage, threadNeighbours, type StateDb, type ThreadPoint } from '../../db/webhookState';
import type { Pseudonymiser } from '../anonymise/pseudonym';
import { customerIdentity } from '../anonymise/customerIdentity';
import type { MappedEvent, WebhookChannel } from './mappedEvent';

export const THREAD_GAP_MS = 24 * 60 * 60 * 1000;

/**
 * Which thread a message at `atMs` joins (the customer's thread, a new one after 24
 * hours without a message, in either direction). Threads are keyed by the time they started
 * (as first seen), and that key never changes once events carry it:
 * - within 24 h after the customer's previous recorded message: that message's thread;
 * - else within 24 h before the next recorded message (a late, out-of-order arrival): the next
 *   message's thread, so events already stored keep their conversation;
 * - else a new thread starting at this message.
 * A late message that bridges two threads does not merge them (events are append-only); that
 * rare case counts as two conversations.
 */
export function chooseThreadStart(atMs: number, previous?: ThreadPoint, next?: ThreadPoint): number {
  if (previous && atMs - previous.atMs < THREAD_GAP_MS) return previous.threadStartMs;
  if (next && next.atMs - atMs < THREAD_GAP_MS) return next.threadStartMs;
  return atMs;
}

/** A thread's conversation value: the person's pseudonym and when the thread started. */
export const threadConversationValue = (channel: string, customerKey: string, threadStartMs: number) =>
  `${channel}:thread:${customerKey}:${threadStartMs}`;

/**
 * Resolves conversations for webhook events, recording every message (pseudonymised customer
 * and message id, time, thread start) in webhook_messages. Retries are idempotent: a message
 * already recorded keeps its thread. Statuses (delivered/read/failed) are filed under their
 * message's thread; a status for a message we never saw sent is recorded as that message, at
 * the status's time, so its later statuses agree. The caller holds the registry store exclusively
 * (`db` is the handle it was given) and serialises requests per business, so two requests never
 * resolve the same customer at once.
 */
export class ThreadResolver {
  constructor(
    private readonly db: StateDb,
    private readonly pseudonymiser: Pseudonymiser,
    private readonly business: string,
    private readonly channel: WebhookChannel,
    /** The person an identifier pseudonym belongs to (ingest/identity): threads are the person's. */
    private readonly personOf: (identity: string) => string = (identity) => identity,
  ) {}

  customerKey(event: Pick<MappedEvent, 'channel' | 'customer' | 'customer_country'>): string {
    const identity = customerIdentity(event.channel, event.customer, event.customer_country);
    return this.personOf(this.pseudonymiser.pseudonym(this.business, 'customer', identity.canonical));
  }

  messageKey(message: string): string {
    return this.pseudonymiser.pseudonym(this.business, 'message', message);
  }

  /** The conversation value handed to the pipeline (pseudonymised there like any other). */
  conversationValue(customerKey: string, threadStartMs: number): string {
    return threadConversationValue(this.channel, customerKey, threadStartMs);
  }

  async resolve(event: MappedEvent): Promise<{ conversation: string; customerKey: string; messageKey: string; threadStartMs: number } | undefined> {
    if (!event.thread || event.message === undefined) return undefined;
    const customerKey = this.customerKey(event);
    const messageKey = this.messageKey(event.message);
    const atMs = Date.parse(event.at);
    const direction = event.thread.role === 'message' ? event.thread.direction : 'out';
    const known = await findWebhookMessage(this.db, this.business, this.channel, direction, messageKey);
    let threadStartMs = known?.threadStartMs;
    if (threadStartMs === undefined && event.type === 'message.failed') {
      // A message we only know failed reached nobody: it joins no thread and starts none (a
      // failure of a message seen sent is filed under that message's thread above).
      return { conversation: `${this.channel}:unsent:${messageKey}`, customerKey, messageKey, threadStartMs: atMs };
    }
    if (threadStartMs === undefined) {
      const { previous, next } = await threadNeighbours(this.db, this.business, this.channel, customerKey, atMs);
      threadStartMs = chooseThreadStart(atMs, previous, next);
      await recordWebhookMessage(this.db, {
        business: this.business, channel: this.channel, direction, message: messageKey, customer: customerKey, atMs, threadStartMs,
      });
    }
    return { conversation: this.conversationValue(customerKey, threadStartMs), customerKey, messageKey, threadStartMs };
  }
}
