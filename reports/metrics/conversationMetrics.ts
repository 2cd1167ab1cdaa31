import type { BusinessHours } from '../../db/registry';
import { BusinessCalendar } from './businessHours';
import type { ConversationFactRow } from './conversationFactsSql';
import { CONVERSATION_METRICS, type ConversationMetric } from './definitions';
import { quantileCont } from './quantile';

/**
 * The `conversations` metrics of ./definitions.ts, aggregated over per-conversation facts (one
 * row per customer-initiated conversation with its start and first response), read from the
 * conversation_facts table that the writer keeps up to date (db/conversationFacts.ts).
 */

export interface ConversationFact {
  business: string;
  channel: string;
  customer: string;
  startMs: number;
  /** First agent/bot reply at or after the start; null when unanswered. */
  replyMs: number | null;
  /** Calendar seconds from start to first reply. */
  frtS: number | null;
  /** Seconds of that span inside the business's opening hours. */
  frtBhS: number | null;
}

export interface Schedule {
  timezone: string;
  businessHours: BusinessHours;
}

/** Turns query rows into facts, computing both response times (business hours per business calendar). */
export function toConversationFacts(rows: readonly ConversationFactRow[], schedules: ReadonlyMap<string, Schedule>): ConversationFact[] {
  const calendars = new Map<string, BusinessCalendar | undefined>();
  const calendarOf = (business: string) => {
    if (!calendars.has(business)) {
      const s = schedules.get(business);
      calendars.set(business, s ? new BusinessCalendar(s.timezone, s.businessHours) : undefined);
    }
    return calendars.get(business);
  };
  return rows.map((row) => {
    const startMs = Number(row.start_us) / 1000;
    const replyMs = row.reply_us === null ? null : Number(row.reply_us) / 1000;
    const frtS = replyMs === null ? null : (Number(row.reply_us) - Number(row.start_us)) / 1e6;
    const calendar = calendarOf(row.business);
    // A business without a registry entry has no hours: its business-hours FRT stays null.
    const frtBhS = replyMs === null || !calendar ? null : calendar.secondsBetween(startMs, replyMs);
    return { business: row.business, channel: row.channel, customer: row.customer, startMs, replyMs, frtS, frtBhS };
  });
}

export interface Figure {
  value: number | null;
  /** Distinct customers the figure is computed from. */
  cohort: number;
}

const distinctCustomers = (facts: readonly ConversationFact[]) => new Set(facts.map((f) => f.customer)).size;

/** One conversation metric (not the badge) over a set of facts. */
export function conversationFigure(metric: Exclude<ConversationMetric, { kind: 'badge' }>, facts: readonly ConversationFact[]): Figure {
  switch (metric.kind) {
    case 'count':
      return { value: facts.length, cohort: distinctCustomers(facts) };
    case 'rate': {
      const answered = facts.filter((f) => f.frtS !== null && f.frtS <= metric.answeredWithinS).length;
      return { value: facts.length === 0 ? null : answered / facts.length, cohort: distinctCustomers(facts) };
    }
    case 'quantile': {
      const answered = facts.filter((f) => f.frtS !== null);
      const values = answered.map((f) => (metric.clock === 'calendar' ? f.frtS : f.frtBhS)).filter((v): v is number => v !== null);
      return { value: quantileCont(values, metric.q), cohort: distinctCustomers(answered) };
    }
  }
}

/** The badge rule over the facts of its window; false when an input is null. Never suppressed. */
export function badgeValue(metric: Extract<ConversationMetric, { kind: 'badge' }>, windowFacts: readonly ConversationFact[]): boolean {
  const input = (id: string) => {
    const m = CONVERSATION_METRICS.find((c) => c.id === id);
    if (!m || m.kind === 'badge') throw new Error(`badge input ${id} is not a conversation metric`);
    return conversationFigure(m, windowFacts).value;
  };
  const rate = input(metric.responseRate);
  const median = input(metric.medianFrt);
  return rate !== null && median !== null && rate >= metric.minResponseRate && median <= metric.maxMedianFrtS;
}
