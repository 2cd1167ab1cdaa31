import { describe, expect, it } from 'vitest';
import { EVENT_TYPES as INTAKE_TYPES, CHANNELS as INTAKE_CHANNELS, SENDERS as INTAKE_SENDERS, CATEGORIES as INTAKE_CATEGORIES } from '../../ingest/events/eventSchema';
import { CATEGORIES, CHANNELS, EVENT_TYPES, SENDERS } from '../vocabulary';
import { compileEventMetrics, compileFilter, compileMessageFilter } from './compileSql';
import { compileConversationMetrics } from './conversationMetricsSql';
import { CONVERSATION_METRICS, EVENT_METRICS, MetricDefinition, METRIC_IDS } from './definitions';
import { literal } from './sqlText';

/** The step-1 CTE of one family of distinct counts (see compileSql.ts). */
const family = (sql: string, name: string) => sql.slice(sql.indexOf(`${name}_values AS (`), sql.indexOf(`${name}_counts AS (`));
/** The flag column computed for a filter in a family's CTE. */
function flagOf(cte: string, filter: string): string {
  const escaped = filter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const flag = new RegExp(`bool_or\\((?:[^\\n]* AND \\()?${escaped}\\)+ AS (f\\d+)`).exec(cte)?.[1];
  expect(flag).toBeDefined();
  return flag!;
}

const SCOPE = { startMs: Date.parse('2026-03-02T00:00:00Z'), endMs: Date.parse('2026-03-09T00:00:00Z') };

describe('metric definitions', () => {
  it('lists every SPEC 9 overview metric once, in the overview order', () => {
    expect(METRIC_IDS).toEqual([
      'conversations', 'customer_initiated', 'frt_median_s', 'frt_p90_s', 'frt_bh_median_s', 'frt_bh_p90_s', 'response_rate_24h',
      'very_responsive', 'block_rate', 'mute_rate', 'report_rate', 'opt_out_rate', 'delivery_rate', 'read_rate',
    ]);
    expect(EVENT_METRICS.length + CONVERSATION_METRICS.length).toBe(METRIC_IDS.length);
  });

  it('rejects a malformed definition', () => {
    expect(MetricDefinition.safeParse({ id: 'x', label: 'x', formula: 'x', source: 'events', kind: 'rate', numerator: { distinct: 'customer', where: { types: ['message.exploded'] } } }).success).toBe(false);
  });

  it('uses the same vocabulary as the intake', () => {
    // Tests may import across the boundary; report code may not.
    expect(EVENT_TYPES).toEqual(INTAKE_TYPES);
    expect(CHANNELS).toEqual(INTAKE_CHANNELS);
    expect(SENDERS).toEqual(INTAKE_SENDERS);
    expect(CATEGORIES).toEqual(INTAKE_CATEGORIES);
  });
});

describe('SQL builders', () => {
  it('compiles filters from whitelisted values only', () => {
    expect(compileFilter({ types: ['message.sent'], categories: ['marketing'] })).toBe("type = 'message.sent' AND category IN ('marketing')");
    expect(compileMessageFilter({ types: ['message.sent'], status: 'read', categories: ['marketing'] })).toBe("category IN ('marketing') AND read");
    expect(() => compileFilter({ types: ['message.sent'], status: 'read' })).toThrow(/distinct: message/);
    expect(() => compileMessageFilter({ types: ['message.read'] })).toThrow(/message.sent/);
    expect(() => literal("x'; DROP TABLE events; --")).toThrow(/refusing/);
  });

  it('computes each distinct count once, binds scope values as parameters, and uses no window function', () => {
    const q = compileEventMetrics({ ...SCOPE, business: "acme'--", channel: 'whatsapp' }, { byChannel: true, bucket: 'week' });
    expect(q.params).toEqual(['2026-03-02T00:00:00.000Z', '2026-03-09T00:00:00.000Z', "acme'--", 'whatsapp']);
    expect(q.sql).not.toContain("acme'--");
    // The five rates over messaged customers share one column, computed from one flag.
    expect(q.columns.block_rate!.denominator).toBe(q.columns.mute_rate!.denominator);
    expect(q.columns.block_rate!.cohort).toBe(q.columns.block_rate!.denominator);
    expect(family(q.sql, 'customer').match(/bool_or\(type = 'message.sent'\)/g)).toHaveLength(1);
    // Distinct values are counted as groups of one GROUP BY, not with a DISTINCT hash table each.
    expect(q.sql).not.toMatch(/DISTINCT/i);
    expect(q.keys).toEqual(['business', 'channel', 'bucket']);
    expect(q.sql).not.toMatch(/\bOVER\s*\(|\bLEAD\b|\bLAG\b/i);
    const conversations = compileConversationMetrics({ ...SCOPE, business: 'acme', hours: [], scheduled: ['acme'] });
    expect(conversations.sql).not.toMatch(/\bOVER\s*\(|\bLEAD\b|\bLAG\b/i);
    // Conversations are read from the table merged at write time, never from the events.
    expect(conversations.sql).toMatch(/FROM conversation_facts\b/);
    expect(conversations.sql).not.toMatch(/\bevents\b/);
    expect(conversations.params).toEqual(['2026-03-02T00:00:00.000Z', '2026-03-09T00:00:00.000Z', 'acme']);
  });

  it('gives the opt-out rate the marketing denominator and the delivery rate sent messages', () => {
    const q = compileEventMetrics(SCOPE);
    const optOut = q.columns.opt_out_rate!;
    const marketing = flagOf(family(q.sql, 'customer'), "type = 'message.sent' AND category IN ('marketing')");
    expect(q.sql).toContain(`CAST(count_if(${marketing} AND x IS NOT NULL) AS INTEGER) AS ${optOut.denominator}`);
    // Sent messages are counted over message_facts, one row per message: no status scan.
    const messages = q.sql.slice(q.sql.indexOf('message_counts AS ('));
    expect(messages).toContain('FROM message_facts');
    expect(messages).toContain(`CAST(count_if(delivered) AS INTEGER) AS ${q.columns.delivery_rate!.numerator}`);
    expect(messages).toContain(`CAST(count_if(TRUE) AS INTEGER) AS ${q.columns.delivery_rate!.denominator}`);
    expect(messages).toContain(`CAST(count_if(read) AS INTEGER) AS ${q.columns.read_rate!.numerator}`);
  });
});
