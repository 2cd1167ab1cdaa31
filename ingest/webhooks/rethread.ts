import type { PersonRewrite } from '../../db/customerLinks';
import { threadRecordsOf, type StateDb, type ThreadRecord } from '../../db/webhookState';
import type { Pseudonymiser } from '../anonymise/pseudonym';
import type { PlanFollowUp } from '../identity/personResolver';
import { THREAD_GAP_MS, threadConversationValue } from './threadResolver';

/**
 * Thread starts of one person's messages on one channel, in time order: a new thread after 24
 * hours without a message in either direction. Adding messages can only join threads, never split
 * one, so every old thread lands in exactly one new thread.
 */
export function threadStarts(records: readonly ThreadRecord[]): number[] {
  const starts: number[] = [];
  let start = 0;
  records.forEach((record, i) => {
    if (i === 0 || record.atMs - records[i - 1]!.atMs >= THREAD_GAP_MS) start = record.atMs;
    starts.push(start);
  });
  return starts;
}

/**
 * When two persons turn out to be one (a phone number and a BSUID each seen alone first), their
 * webhook threads become one person's: messages less than 24 hours apart share a thread, and the
 * conversations stored under the old threads are renamed to the joined ones. Reads the thread
 * records on `db` (the registry store's handle, held by the webhook intake).
 */
export function rethreadMerged(db: StateDb, pseudonymiser: Pseudonymiser, business: string): PlanFollowUp {
  return async (plan) => {
    const rewrite: Pick<PersonRewrite, 'conversations' | 'threads'> & { conversations: PersonRewrite['conversations'][number][]; threads: PersonRewrite['threads'][number][] } =
      { conversations: [], threads: [] };
    const conversation = (channel: string, customer: string, startMs: number) =>
      pseudonymiser.pseudonym(business, 'conversation', threadConversationValue(channel, customer, startMs));
    const seen = new Set<string>();
    for (const person of new Set(plan.moves.map((m) => m.to))) {
      const customers = [person, ...plan.moves.filter((m) => m.to === person).map((m) => m.from)];
      const records = await threadRecordsOf(db, business, customers);
      for (const channel of new Set(records.map((r) => r.channel))) {
        const ofChannel = records.filter((r) => r.channel === channel).sort((a, b) => a.atMs - b.atMs);
        const starts = threadStarts(ofChannel);
        ofChannel.forEach((record, i) => {
          const start = starts[i]!;
          if (start !== record.threadStartMs) rewrite.threads.push({ channel, direction: record.direction, message: record.message, threadStartMs: start });
          const from = conversation(channel, record.customer, record.threadStartMs);
          const to = conversation(channel, person, start);
          if (from !== to && !seen.has(from)) {
            seen.add(from);
            rewrite.conversations.push({ from, to });
          }
        });
      }
    }
    return rewrite;
  };
}
