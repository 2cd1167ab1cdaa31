import { describe, expect, it } from 'vitest';
import { CATEGORY_BITS, TYPE_BITS } from '../../db/activityKinds';
import { compileEventMetrics, compileMessageFilter } from './compileSql';
import { kindsMask } from './kindsMask';
import { compileConversationMetrics } from './conversationMetricsSql';
import { CONVERSATION_METRICS, EVENT_METRICS, MetricDefinition, METRIC_IDS } from './definitions';
import { literal } from './sqlText';

/** The step-1 CTE of one family of distinct counts (see compileSql.ts). */
const family = (sql: string, name: string) => sql.slice(sql.indexOf(`${name}_values AS (`), sql.indexOf(`${name}_counts AS (`));

const SCOPE = { startMs: Date.parse('2026-03-02T00:00:00Z'), endMs: Date.parse('2026-03-09T00:00:00Z') };

describe('metric definitions', () => {
  it('lists every overview metric once, in the overview order', () => {
    expect(METRIC_IDS).toEqual([
      'conversations', 'customer_initiated', 'frt_median_s', 'frt_p90_s', 'frt_bh_median_s', 'frt_bh_p90_s', 'response_rate_24h',
      'very_responsive', 'block_rate', 'mute_rate', 'report_rate', 'negative_feedback_rate', 'opt_out_rate', 'delivery_rate', 'read_rate', 'limited_rate',
    ]);
    expect(EVENT_METRICS.length + CONVERSATION_METRICS.length).toBe(METRIC_IDS.length);
  });

  it('rejects a malformed definition', () => {
    expect(MetricDefinition.safeParse({ id: 'x', label: 'x', formula: 'x', source: 'events', kind: 'rate', numerator: { distinct: 'customer', where: { types: ['message.exploded'] } } }).success).toBe(false);
  });
});

describe('SQL builders', () => {
  it('compiles filters from whitelisted values only', () => {
    expect(kindsMask({ types: ['message.sent'], categories: ['marketing'] })).toBe(CATEGORY_BITS.get('marketing'));
    expect(kindsMask({ types: ['customer.blocked', 'customer.muted'] })).toBe(TYPE_BITS.get('customer.blocked')! | TYPE_BITS.get('customer.muted')!);
    // Messages by their effective category: the one a delivered/read status reported corrects the send's.
    expect(compileMessageFilter({ types: ['message.sent'], status: 'read', categories: ['marketing'] }))
      .toBe("sent_at IS NOT NULL AND coalesce(status_category, category) IN ('marketing') AND read");
    // Both attempt types: every attempted message; limited either way.
    expect(compileMessageFilter({ types: ['message.sent', 'message.failed'], limited: false })).toBe('limited IS NOT TRUE');
    expect(compileMessageFilter({ types: ['message.failed'], limited: true })).toBe('failed_at IS NOT NULL AND limited IS TRUE');
    expect(() => kindsMask({ types: ['message.sent'], status: 'read' })).toThrow(/distinct: message/);
    expect(() => kindsMask({ types: ['message.sent', 'message.failed'], limited: false })).toThrow(/distinct: message/);
    // A send narrowed by sender and category at once has no bit: refused, never miscounted.
    expect(() => kindsMask({ types: ['message.sent'], senders: ['bot'], categories: ['marketing'] })).toThrow(/not both/);
    expect(() => kindsMask({ types: ['message.received', 'message.sent'], categories: ['marketing'] })).toThrow(/message.sent only/);
    expect(() => compileMessageFilter({ types: ['message.read'] })).toThrow(/attempted messages/);
    expect(() => literal("x'; DROP TABLE events; --")).toThrow(/refusing/);
  });

  it('computes each distinct count once, binds scope values as parameters, and uses no window function', () => {
    const q = compileEventMetrics({ ...SCOPE, business: "acme'--", channel: 'whatsapp' }, [{ byChannel: true, bucket: 'week' }]);
    expect(q.params).toEqual(['2026-03-02T00:00:00.000Z', '2026-03-09T00:00:00.000Z', "acme'--", 'whatsapp']);
    expect(q.sql).not.toContain("acme'--");
    // The five rates over messaged customers share one column, computed from one flag.
    expect(q.columns.block_rate!.denominator).toBe(q.columns.mute_rate!.denominator);
    expect(q.columns.block_rate!.cohort).toBe(q.columns.block_rate!.denominator);
    expect(q.sql.match(new RegExp(`count_if\\(\\(kinds & ${TYPE_BITS.get('message.sent')}\\) <> 0\\)`, 'g'))).toHaveLength(1);
    // Customers and conversations are counted over activity days, never over the events.
    expect(family(q.sql, 'customer')).toContain('FROM customer_days');
    expect(family(q.sql, 'conversation')).toContain('FROM conversation_days');
    expect(q.sql).not.toMatch(/\bevents\b/);
    // Distinct values are counted as groups of one GROUP BY, not with a DISTINCT hash table each.
    expect(q.sql).not.toMatch(/count\(DISTINCT|SELECT DISTINCT/i);
    expect(q.keys).toEqual(['business', 'channel', 'bucket']);
    expect(q.sql).not.toMatch(/\bOVER\s*\(|\bLEAD\b|\bLAG\b/i);
    const conversations = compileConversationMetrics({ ...SCOPE, business: 'acme', hours: [], hoursUntilMs: SCOPE.endMs, scheduled: ['acme'], hoursKey: 0 }, 10, [{}]);
    expect(conversations.sql).not.toMatch(/\bOVER\s*\(|\bLEAD\b|\bLAG\b/i);
    // Conversations are read from the table merged at write time, never from the events.
    expect(conversations.sql).toMatch(/FROM conversation_facts\b/);
    expect(conversations.sql).not.toMatch(/\bevents\b/);
    // Their filters are bound twice: once to time them, once to count the customers of the groups
    // whose cohort samples do not settle their size.
    const filters = ['2026-03-02T00:00:00.000Z', '2026-03-09T00:00:00.000Z', 'acme'];
    expect(conversations.params).toEqual([...filters, ...filters]);
  });

  it('gives the opt-out rate the marketing denominators and the delivery rate attempted messages not limited', () => {
    const q = compileEventMetrics(SCOPE);
    const optOut = q.columns.opt_out_rate!;
    const marketing = CATEGORY_BITS.get('marketing')! | CATEGORY_BITS.get('marketing_lite')!;
    expect(q.sql).toContain(`CAST(count_if((kinds & ${marketing}) <> 0) AS INTEGER) AS ${optOut.denominator}`);
    expect(q.sql).toContain(`CAST(count_if((kinds & ${TYPE_BITS.get('customer.opted_out')}) <> 0) AS INTEGER) AS ${optOut.numerator}`);
    // Messages are counted over message_facts, one row per message: no status scan. Sent ones
    // and, apart, those that only failed, in the period of their failure.
    const messages = q.sql.slice(q.sql.indexOf('message_counts AS ('));
    expect(messages).toContain('FROM message_facts');
    expect(messages).toContain('UNION ALL');
    expect(messages).toMatch(/sent_at IS NULL AND failed_at >= CAST\(\$1 AS TIMESTAMPTZ\) AND failed_at < CAST\(\$2 AS TIMESTAMPTZ\)/);
    expect(messages).toContain(`CAST(count_if(delivered AND limited IS NOT TRUE) AS INTEGER) AS ${q.columns.delivery_rate!.numerator}`);
    expect(messages).toContain(`CAST(count_if(limited IS NOT TRUE) AS INTEGER) AS ${q.columns.delivery_rate!.denominator}`);
    expect(messages).toContain(`CAST(count_if(read AND limited IS NOT TRUE) AS INTEGER) AS ${q.columns.read_rate!.numerator}`);
    expect(q.columns.read_rate!.denominator).toBe(q.columns.delivery_rate!.denominator);
    expect(messages).toContain(`CAST(count_if(limited IS TRUE) AS INTEGER) AS ${q.columns.limited_rate!.numerator}`);
    expect(messages).toContain(`CAST(count_if(TRUE) AS INTEGER) AS ${q.columns.limited_rate!.denominator}`);
    // Their customers: those sent a message in the period (one that only failed reached nobody),
    // the same as the rates over messaged customers.
    expect(q.columns.limited_rate!.cohort).toBe(q.columns.block_rate!.denominator);
    expect(q.columns.delivery_rate!.cohort).toBe(q.columns.limited_rate!.cohort);
  });

  it('leaves messages that only failed out of a channel filter: the facts take the channel from the send', () => {
    const q = compileEventMetrics({ ...SCOPE, channel: 'whatsapp' });
    const messages = q.sql.slice(q.sql.indexOf('message_counts AS ('));
    expect(messages).toContain('channel = $3');
    expect(messages).not.toContain('failed_at >=');
  });

  it('refuses a message count by anything but its attempts, and message fields on customers', () => {
    const rate = (numerator: unknown, denominator: unknown) =>
      ({ id: 'x', label: 'x', formula: 'x', source: 'events', kind: 'rate', numerator, denominator });
    expect(MetricDefinition.safeParse(rate(
      { distinct: 'message', where: { types: ['message.sent'], limited: 'yes' } }, { distinct: 'message', where: { types: ['message.sent'] } },
    )).success).toBe(false);
    expect(() => compileMessageFilter({ types: ['message.sent', 'message.delivered'] })).toThrow(/attempted messages/);
  });
});
