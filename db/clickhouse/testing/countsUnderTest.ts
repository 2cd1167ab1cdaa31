import { CATEGORY_BITS, SENDER_BITS, TYPE_BITS } from '../../activityKinds';
import type { DistinctCountColumn } from '../eventMetricsSql';

/**
 * The distinct counts behind the reports' events metrics (reports/metrics/definitions.ts), as
 * activity-bit masks: what reports/metrics/kindsMask.ts makes of their filters.
 */
const bits = (map: ReadonlyMap<string, number>, ...values: string[]) => values.reduce((mask, v) => mask | map.get(v)!, 0);
const MESSAGES = bits(TYPE_BITS, 'message.received', 'message.sent', 'message.delivered', 'message.read');

export const COUNTS_UNDER_TEST: readonly DistinctCountColumn[] = [
  { name: 'conversations', distinct: 'conversation', mask: MESSAGES },
  { name: 'conversation_customers', distinct: 'customer', mask: MESSAGES },
  { name: 'sent_to', distinct: 'customer', mask: bits(TYPE_BITS, 'message.sent') },
  { name: 'blocked', distinct: 'customer', mask: bits(TYPE_BITS, 'customer.blocked') },
  { name: 'muted', distinct: 'customer', mask: bits(TYPE_BITS, 'customer.muted') },
  { name: 'reported', distinct: 'customer', mask: bits(TYPE_BITS, 'customer.reported') },
  { name: 'negative', distinct: 'customer', mask: bits(TYPE_BITS, 'customer.blocked', 'customer.muted', 'customer.reported') },
  { name: 'opted_out', distinct: 'customer', mask: bits(TYPE_BITS, 'customer.opted_out') },
  { name: 'sent_marketing', distinct: 'customer', mask: bits(CATEGORY_BITS, 'marketing', 'marketing_lite') },
  { name: 'sent_by_agent', distinct: 'customer', mask: bits(SENDER_BITS, 'agent') },
];
