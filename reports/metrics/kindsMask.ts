import { CATEGORY_BITS, SENDER_BITS, TYPE_BITS } from '../../db/activityKinds';
import type { EventFilter } from './definitions';

/**
 * A filter of the customers or conversations families (./definitions.ts) as a bit mask over the
 * `kinds` of customer_days / conversation_days (db/activityKinds.ts): a key matches when its
 * combined kinds share a bit with the mask. Senders are recorded for message.sent only, categories
 * for a send or a status that reported one (a category a delivered status corrected counts),
 * one bit per value, so a filter may narrow sends by sender or by category, not by both at
 * once (no definition needs that; one that did would fail here, at load, not give a wrong count).
 */
export function kindsMask(where: EventFilter): number {
  // The days know a customer had a send or a failure, not what became of the message.
  if (where.status !== undefined || where.limited !== undefined) throw new Error('status and limited describe messages: count them with distinct: message');
  const bitsOf = (values: readonly string[], bits: ReadonlyMap<string, number>) => values.reduce((mask, value) => {
    const bit = bits.get(value);
    if (bit === undefined) throw new Error(`no activity bit for ${value}`);
    return mask | bit;
  }, 0);
  if (!where.senders && !where.categories) return bitsOf(where.types, TYPE_BITS);
  if (where.types.length !== 1 || where.types[0] !== 'message.sent') {
    throw new Error('senders and categories narrow message.sent only: types must be [message.sent]');
  }
  if (where.senders && where.categories) throw new Error('a filter may narrow sends by sender or by category, not both');
  return where.senders ? bitsOf(where.senders, SENDER_BITS) : bitsOf(where.categories!, CATEGORY_BITS);
}
