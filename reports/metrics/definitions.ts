import { z } from 'zod';
import { CATEGORIES, EVENT_TYPES, MESSAGE_TYPES, SENDERS } from '../vocabulary';

/**
 * Every metric of the reports, defined once, as data. The report API, the dashboard and
 * the exports all compute from this list, so a figure means the same everywhere. Each definition
 * is validated at load (zod) and compiled to SQL (events metrics, ./compileSql.ts) or
 * aggregated over per-conversation facts (conversation metrics, ./conversationMetricsSql.ts) by
 * pure functions.
 *
 * Two sources:
 * - `events`: the period's events, [from 00:00Z, to+1 00:00Z), counted as DISTINCT customers,
 *   conversations or messages matching a filter. Messages are the period's attempted messages:
 *   those with a send or a failure, in the period their earliest send falls in, or, without a
 *   send, their earliest failure. A message's `status` (delivered/read) and whether the platform
 *   limited it belong to the message, not to the day they arrived, and its category is the one a
 *   delivered/read status reported, else the send's (WhatsApp may price only `delivered`).
 * - `conversations`: the customer-initiated conversations whose start falls in the period, with
 *   their first response (see ./conversationMetricsSql.ts).
 *
 * Suppression: each metric names the customers it is computed from (its cohort):
 * for a rate, the customers of its denominator; for a count of conversations, the customers in
 * them; for FRT, the customers of the answered conversations. See ../suppression.ts.
 */

/** The event types a message count may name: a message is attempted by a send or a failure. */
export const ATTEMPT_TYPES = ['message.sent', 'message.failed'] as const;

const Filter = z.strictObject({
  types: z.array(z.enum(EVENT_TYPES)).min(1).readonly(),
  senders: z.array(z.enum(SENDERS)).min(1).readonly().optional(),
  categories: z.array(z.enum(CATEGORIES)).min(1).readonly().optional(),
  /** Message counts only: the message has a delivered (read implies delivered) / read status. */
  status: z.enum(['delivered', 'read']).optional(),
  /**
   * Message counts only. true: a failure of the message was the platform's cap on marketing
   * messages (Meta's 131049, 130472), not an undeliverable message; false: none was.
   */
  limited: z.boolean().optional(),
});
export type EventFilter = z.infer<typeof Filter>;

const DistinctCount = z.strictObject({
  distinct: z.enum(['customer', 'conversation', 'message']),
  where: Filter,
});
export type DistinctCount = z.infer<typeof DistinctCount>;

const Id = z.string().regex(/^[a-z][a-z0-9_]*$/);
/** How figures are read: a count, a duration in seconds, a share from 0 to 1, or a yes/no flag. */
export const UNITS = ['count', 'seconds', 'rate', 'flag'] as const;
/** The groups figures are shown in (dashboard tables, PDF tables), in order. */
export const METRIC_GROUPS = [
  { id: 'conversations', title: 'Conversations and responsiveness' },
  { id: 'response_times', title: 'First response times' },
  { id: 'audience', title: 'Audience reactions' },
  { id: 'delivery', title: 'Delivery' },
] as const;
export type MetricGroupId = (typeof METRIC_GROUPS)[number]['id'];

const common = {
  id: Id,
  /** The figure's name where there is room (definitions, the API catalogue). */
  label: z.string().min(1),
  /** Its name as a column header, the same on the dashboard and in exports. */
  shortLabel: z.string().min(1).max(32),
  unit: z.enum(UNITS),
  group: z.enum(METRIC_GROUPS.map((g) => g.id) as [MetricGroupId, ...MetricGroupId[]]),
  /** One line on what the figure means, for the people who read it. */
  description: z.string().min(1),
  /** Exactly how it is computed. */
  formula: z.string().min(1),
};

/**
 * How a count's rows of one reply relate to its total (the series' days or weeks, the channel
 * rows), for complementary suppression (../suppression.ts, docs/metrics.md#suppression):
 * - `sum`: each thing counted falls in exactly one part, so the parts add up to the total;
 * - `cover`: each falls in at least one part, possibly several (a conversation with messages on two
 *   days), so the parts add up to the total or more, and total minus the other parts bounds a part
 *   from below: exact whenever nothing spans it.
 * Absent: not a count of things (a rate, a time, a flag) or a count whose parts do not cover it.
 */
export const ADDITIVITY = ['sum', 'cover'] as const;
export type Additivity = (typeof ADDITIVITY)[number];

const EventsCount = z.strictObject({
  ...common,
  source: z.literal('events'),
  kind: z.literal('count'),
  additive: z.enum(ADDITIVITY).optional(),
  count: DistinctCount,
  /** Whose customers make the figure's cohort. */
  cohort: DistinctCount,
});
const EventsRate = z.strictObject({
  ...common,
  source: z.literal('events'),
  kind: z.literal('rate'),
  numerator: DistinctCount,
  denominator: DistinctCount,
});
const ConversationsCount = z.strictObject({
  ...common, source: z.literal('conversations'), kind: z.literal('count'), additive: z.enum(ADDITIVITY).optional(),
});
const ConversationsRate = z.strictObject({
  ...common,
  source: z.literal('conversations'),
  kind: z.literal('rate'),
  /**
   * The published count this rate divides by. Rate times count is its numerator, which adds up like
   * the count, so the rate is withheld wherever that count is.
   */
  denominatorMetric: Id.optional(),
  /** Answered at most this many seconds after the start (calendar time). */
  answeredWithinS: z.number().positive(),
});
const ConversationsQuantile = z.strictObject({
  ...common,
  source: z.literal('conversations'),
  kind: z.literal('quantile'),
  clock: z.enum(['calendar', 'business']),
  q: z.number().min(0).max(1),
});
const Badge = z.strictObject({
  ...common,
  source: z.literal('conversations'),
  kind: z.literal('badge'),
  windowDays: z.number().int().positive(),
  minResponseRate: z.number().min(0).max(1),
  maxMedianFrtS: z.number().positive(),
  /** The metrics the rule reads, computed over the window. */
  responseRate: Id,
  medianFrt: Id,
});

export const MetricDefinition = z.union([EventsCount, EventsRate, ConversationsCount, ConversationsRate, ConversationsQuantile, Badge]);
export type MetricDefinition = z.infer<typeof MetricDefinition>;
export type EventMetric = Extract<MetricDefinition, { source: 'events' }>;
export type ConversationMetric = Extract<MetricDefinition, { source: 'conversations' }>;

/**
 * The message events a conversation is active by: a failure reached nobody, so it opens no
 * conversation, extends none and adds no customer (docs/counting.md; db/conversationFacts.ts
 * leaves it out of the facts the same way).
 */
export const CONVERSATION_MESSAGE_TYPES = MESSAGE_TYPES.filter((t) => t !== 'message.failed');
const MESSAGES = [...CONVERSATION_MESSAGE_TYPES];
const sentTo = (extra: Partial<EventFilter> = {}): DistinctCount => ({ distinct: 'customer', where: { types: ['message.sent'], ...extra } });
const customersWith = (type: EventFilter['types'][number]): DistinctCount => ({ distinct: 'customer', where: { types: [type] } });
/** Attempted messages of the period (a send or a failure), narrowed by message-only fields. */
const attempted = (extra: Pick<EventFilter, 'status' | 'limited'> = {}): DistinctCount => ({
  distinct: 'message',
  where: { types: ATTEMPT_TYPES, ...extra },
});
/** Meta's marketing categories: marketing_lite (Marketing Messages Lite API) is marketing too. */
const MARKETING: EventFilter['categories'] = ['marketing', 'marketing_lite'];

/** In the order of the overview row. The whitelist: nothing else is computed or served. */
const DEFINITIONS = [
  {
    id: 'conversations', source: 'events', kind: 'count', additive: 'cover', label: 'Conversations',
    shortLabel: 'Conversations', unit: 'count', group: 'conversations',
    description: 'Conversations with a message in the period, in either direction.',
    formula: 'count(DISTINCT conversation) of message.* events in the period, message.failed aside (a failure reached nobody)',
    count: { distinct: 'conversation', where: { types: MESSAGES } },
    cohort: { distinct: 'customer', where: { types: MESSAGES } },
  },
  {
    id: 'customer_initiated', source: 'conversations', kind: 'count', additive: 'sum', label: 'Customer-initiated conversations',
    shortLabel: 'Customer-initiated', unit: 'count', group: 'conversations',
    description: 'Conversations the customer started, counted in the period they started in.',
    formula: 'conversations whose earliest message.* event (over all time) is message.received, counted in the period their start falls in',
  },
  {
    id: 'frt_median_s', source: 'conversations', kind: 'quantile', clock: 'calendar', q: 0.5, label: 'First response time, median (s)',
    shortLabel: 'First response, median', unit: 'seconds', group: 'response_times',
    description: 'Half of the customer-initiated conversations got a first reply from a person or a bot within this time.',
    formula: 'quantile_cont(first agent|bot message.sent at or after start - start, 0.5) over answered customer-initiated conversations',
  },
  {
    id: 'frt_p90_s', source: 'conversations', kind: 'quantile', clock: 'calendar', q: 0.9, label: 'First response time, p90 (s)',
    shortLabel: 'First response, p90', unit: 'seconds', group: 'response_times',
    description: 'Nine in ten customer-initiated conversations got a first reply within this time.',
    formula: 'quantile_cont(first agent|bot message.sent at or after start - start, 0.9) over answered customer-initiated conversations',
  },
  {
    id: 'frt_bh_median_s', source: 'conversations', kind: 'quantile', clock: 'business', q: 0.5, label: 'First response time in business hours, median (s)',
    shortLabel: 'Business hours, median', unit: 'seconds', group: 'response_times',
    description: "The median first response time, counting only time inside the business's opening hours.",
    formula: 'quantile_cont(seconds of [start, first response) inside opening hours in the business time zone, 0.5) over answered customer-initiated conversations',
  },
  {
    id: 'frt_bh_p90_s', source: 'conversations', kind: 'quantile', clock: 'business', q: 0.9, label: 'First response time in business hours, p90 (s)',
    shortLabel: 'Business hours, p90', unit: 'seconds', group: 'response_times',
    description: 'The 90th percentile first response time, counting only time inside opening hours.',
    formula: 'quantile_cont(seconds of [start, first response) inside opening hours in the business time zone, 0.9) over answered customer-initiated conversations',
  },
  {
    id: 'response_rate_24h', source: 'conversations', kind: 'rate', answeredWithinS: 86_400, denominatorMetric: 'customer_initiated',
    label: 'Answered within 24 hours',
    shortLabel: 'Answered within 24 h', unit: 'rate', group: 'conversations',
    description: 'Share of customer-initiated conversations answered by a person or a bot within 24 hours.',
    formula: 'customer-initiated conversations with first response - start <= 24 h / customer-initiated conversations',
  },
  {
    id: 'very_responsive', source: 'conversations', kind: 'badge', windowDays: 7, minResponseRate: 0.9, maxMedianFrtS: 900,
    responseRate: 'response_rate_24h', medianFrt: 'frt_median_s', label: 'Very responsive',
    shortLabel: 'Very responsive', unit: 'flag', group: 'conversations',
    description: 'Over the last 7 days: at least 90% answered within 24 h and a median first response of 15 minutes or less.',
    formula: 'over the 7 days ending at `to`: response_rate_24h >= 0.90 and frt_median_s <= 900 (false when either is null)',
  },
  {
    id: 'block_rate', source: 'events', kind: 'rate', label: 'Block rate',
    shortLabel: 'Block rate', unit: 'rate', group: 'audience',
    description: 'Share of the customers sent a message who blocked the business.',
    formula: 'count(DISTINCT customer with customer.blocked) / count(DISTINCT customer with message.sent)',
    numerator: customersWith('customer.blocked'), denominator: sentTo(),
  },
  {
    id: 'mute_rate', source: 'events', kind: 'rate', label: 'Mute rate',
    shortLabel: 'Mute rate', unit: 'rate', group: 'audience',
    description: 'Share of the customers sent a message who muted the business.',
    formula: 'count(DISTINCT customer with customer.muted) / count(DISTINCT customer with message.sent)',
    numerator: customersWith('customer.muted'), denominator: sentTo(),
  },
  {
    id: 'report_rate', source: 'events', kind: 'rate', label: 'Report rate',
    shortLabel: 'Report rate', unit: 'rate', group: 'audience',
    description: 'Share of the customers sent a message who reported the business.',
    formula: 'count(DISTINCT customer with customer.reported) / count(DISTINCT customer with message.sent)',
    numerator: customersWith('customer.reported'), denominator: sentTo(),
  },
  {
    id: 'negative_feedback_rate', source: 'events', kind: 'rate', label: 'Negative feedback rate',
    shortLabel: 'Negative feedback', unit: 'rate', group: 'audience',
    description: 'Share of the customers sent a message who blocked, muted or reported the business (each customer once).',
    formula: 'count(DISTINCT customer with customer.blocked, customer.muted or customer.reported) / count(DISTINCT customer with message.sent)',
    numerator: { distinct: 'customer', where: { types: ['customer.blocked', 'customer.muted', 'customer.reported'] } }, denominator: sentTo(),
  },
  {
    id: 'opt_out_rate', source: 'events', kind: 'rate', label: 'Opt-out rate',
    shortLabel: 'Opt-out rate', unit: 'rate', group: 'audience',
    description: 'Share of the customers sent marketing who opted out of marketing messages.',
    formula: 'count(DISTINCT customer with customer.opted_out) / count(DISTINCT customer sent a marketing or marketing_lite message, ' +
      'by the send\'s category or the one a delivered/read status reported)',
    numerator: customersWith('customer.opted_out'), denominator: sentTo({ categories: MARKETING }),
  },
  {
    id: 'delivery_rate', source: 'events', kind: 'rate', label: 'Delivery rate',
    shortLabel: 'Delivery rate', unit: 'rate', group: 'delivery',
    description: "Share of the messages that could be delivered that were delivered (the platform's caps aside).",
    formula: 'count(DISTINCT attempted message not limited, with a delivered or read status) / count(DISTINCT attempted message not limited). ' +
      'Attempted: a message.sent or message.failed, in the period of its earliest send, else (no send) of its earliest failure; ' +
      'a failure alone does not tell the channel, so with a channel filter or per channel only messages with a send count. ' +
      'Limited: failed with 131049 or 130472 (the platform capped marketing messages to the customer: not a failure to deliver)',
    numerator: attempted({ status: 'delivered', limited: false }), denominator: attempted({ limited: false }),
  },
  {
    id: 'read_rate', source: 'events', kind: 'rate', label: 'Read rate',
    shortLabel: 'Read rate', unit: 'rate', group: 'delivery',
    description: 'Share of the messages that could be delivered that were read.',
    formula: 'count(DISTINCT attempted message not limited, with a read status) / count(DISTINCT attempted message not limited) ' +
      '(attempted and limited as for delivery_rate)',
    numerator: attempted({ status: 'read', limited: false }), denominator: attempted({ limited: false }),
  },
  {
    id: 'limited_rate', source: 'events', kind: 'rate', label: 'Limited by the platform',
    shortLabel: 'Limited by the platform', unit: 'rate', group: 'delivery',
    description: 'Share of the messages the platform did not deliver because of its own caps on marketing messages.',
    formula: 'count(DISTINCT attempted message that failed with 131049 or 130472) / count(DISTINCT attempted message) ' +
      '(attempted as for delivery_rate)',
    numerator: attempted({ limited: true }), denominator: attempted(),
  },
] as const satisfies readonly MetricDefinition[];

export type MetricId = (typeof DEFINITIONS)[number]['id'];

/** What a distinct count may filter on: message-only fields on messages, and messages by attempt only. */
function checkCount(id: string, c: DistinctCount): void {
  if (c.distinct === 'message') {
    if (!c.where.types.every((t) => (ATTEMPT_TYPES as readonly string[]).includes(t))) {
      throw new Error(`${id}: messages are counted by their attempts: types among ${ATTEMPT_TYPES.join(', ')}`);
    }
  } else if (c.where.status !== undefined || c.where.limited !== undefined) {
    throw new Error(`${id}: status and limited describe messages: count them with distinct: message`);
  }
}

function validate(definitions: readonly unknown[]): MetricDefinition[] {
  const parsed = definitions.map((d) => MetricDefinition.parse(d));
  const ids = new Set(parsed.map((d) => d.id));
  if (ids.size !== parsed.length) throw new Error('metric ids must be unique');
  if (new Set(parsed.map((d) => d.shortLabel)).size !== parsed.length) throw new Error('metric short labels must be unique');
  for (const d of parsed) {
    if (d.kind === 'badge' && (!ids.has(d.responseRate) || !ids.has(d.medianFrt))) throw new Error(`${d.id}: unknown input metric`);
    if (d.kind === 'rate' && d.source === 'conversations' && d.denominatorMetric !== undefined
      && parsed.find((m) => m.id === d.denominatorMetric)?.kind !== 'count') throw new Error(`${d.id}: denominatorMetric must name a count`);
    if (d.source === 'events') {
      for (const c of d.kind === 'count' ? [d.count, d.cohort] : [d.numerator, d.denominator]) checkCount(d.id, c);
    }
  }
  return parsed;
}

export const METRICS: readonly MetricDefinition[] = validate(DEFINITIONS);
export const METRIC_IDS: readonly MetricId[] = METRICS.map((m) => m.id as MetricId);
export const EVENT_METRICS = METRICS.filter((m): m is EventMetric => m.source === 'events');
export const CONVERSATION_METRICS = METRICS.filter((m): m is ConversationMetric => m.source === 'conversations');

/**
 * The customers a metric is computed from, for the events source. A rate over messages
 * takes the customers sent a message in the period: the activity days know who was sent one, not
 * what became of it (its status, whether it was limited), and a message that only failed reached
 * nobody, so it adds no one (docs/counting.md). readEventMetric bounds that cohort by the
 * messages counted too.
 */
export function cohortOf(metric: EventMetric): DistinctCount {
  if (metric.kind === 'count') return metric.cohort;
  if (metric.denominator.distinct !== 'message') return { distinct: 'customer', where: metric.denominator.where };
  const { status: _status, limited: _limited, types: _types, ...narrowing } = metric.denominator.where;
  return { distinct: 'customer', where: { ...narrowing, types: ['message.sent'] } };
}

export function metricById(id: string): MetricDefinition | undefined {
  return METRICS.find((m) => m.id === id);
}
