import { CATEGORIES, EVENT_TYPES, SENDERS } from './vocabulary';

/**
 * What a customer or a conversation did on a day, as the bits of one integer (the `kinds` column
 * of customer_days and conversation_days): one bit per event type, and for message.sent one bit
 * per sender and one per category. Bits only ever get set, so the rows of a day can be combined
 * with bit_or in any order and any number of times: a distinct count of customers "with a
 * marketing message.sent" is a count of customers whose combined kinds have that bit.
 * The bit positions are stored data: append new values, never renumber.
 */

// Fixed ranges: event types bits 0-11, senders 12-14, categories from 15 (31 bits in all). A
// vocabulary that outgrew its range would reuse another's bits: refuse to load instead.
if (EVENT_TYPES.length > 12 || SENDERS.length > 3 || CATEGORIES.length > 16) throw new Error('the activity bits have no room for this vocabulary');
const bitsOf = (values: readonly string[], first: number) => new Map(values.map((v, i) => [v, 1 << (first + i)]));

export const TYPE_BITS: ReadonlyMap<string, number> = bitsOf(EVENT_TYPES, 0);
/** message.sent only. */
export const SENDER_BITS: ReadonlyMap<string, number> = bitsOf(SENDERS, 12);
/** message.sent only. */
export const CATEGORY_BITS: ReadonlyMap<string, number> = bitsOf(CATEGORIES, 15);

const caseOf = (column: string, bits: ReadonlyMap<string, number>) =>
  `CASE ${column} ${[...bits].map(([value, bit]) => `WHEN '${value}' THEN ${bit}`).join(' ')} ELSE 0 END`;

/**
 * The kinds of an events row, as a SQL expression. A category bit is set by the send and also by
 * a status that reports the platform's category (WhatsApp sends pricing with `delivered` when the
 * `sent` status had none): "a marketing send to this customer" is then known whichever of the two
 * carried it.
 */
export function kindsSql(): string {
  return `(${caseOf('type', TYPE_BITS)}) | (CASE WHEN type = 'message.sent' THEN (${caseOf('sender', SENDER_BITS)}) ELSE 0 END) | (${caseOf('category', CATEGORY_BITS)})`;
}
