import type { BusinessRecord } from '../../db/registry';
import type { ReportSource } from '../db/reportSource';
import {
  bucketsOf, DAY_MS, dayNumber, periodBounds, trailingWindow,
  type Bucket, type Granularity, type Period,
} from '../period';
import { Suppressor } from '../suppression';
import { CHANNELS, type Channel } from '../vocabulary';
import { compileEventMetrics, readEventMetric, type CompiledEventMetrics } from './compileSql';
import { compileConversationFacts, type ConversationFactRow } from './conversationFactsSql';
import { badgeValue, conversationFigure, toConversationFacts, type ConversationFact, type Schedule } from './conversationMetrics';
import { CONVERSATION_METRICS, METRICS, type MetricId } from './definitions';

/** The metrics of one row: SPEC 9's overview fields, with the small-cohort ones null and named. */
export type MetricValues = { [K in MetricId]: K extends 'very_responsive' ? boolean : number | null };
export type MetricRow = MetricValues & { suppressed: string[] };

export interface MetricRequest {
  period: Period;
  /** Only this business; undefined: every business given. */
  business?: string;
  /** Only this channel's events. */
  channel?: Channel;
  /** One group per channel seen in the period. */
  byChannel?: boolean;
  /** One group per day or ISO week of the period (weeks clipped to it), empty ones included. */
  granularity?: Granularity;
}

export interface MetricGroup {
  business: string;
  channel?: Channel;
  bucket?: Bucket;
  metrics: MetricRow;
}

const BADGE = CONVERSATION_METRICS.find((m) => m.kind === 'badge');
const WINDOW_DAYS = BADGE?.kind === 'badge' ? BADGE.windowDays : 7;

const groupKey = (business: string, channel: string | undefined, bucket: number | undefined) => `${business}\u0000${channel ?? ''}\u0000${bucket ?? ''}`;

/**
 * Every metric of ./definitions.ts for each requested group. Two queries: the events aggregate
 * (grouped in SQL) and the customer-initiated conversation facts of the period and of the
 * very-responsive windows before it (aggregated here).
 */
export async function computeMetrics(
  source: ReportSource,
  businesses: readonly BusinessRecord[],
  request: MetricRequest,
  k: number,
): Promise<MetricGroup[]> {
  const scoped = request.business === undefined ? businesses : businesses.filter((b) => b.id === request.business);
  const bounds = periodBounds(request.period);
  const buckets = request.granularity ? bucketsOf(request.period, request.granularity) : undefined;

  const compiled = compileEventMetrics(
    { ...bounds, business: request.business, channel: request.channel },
    { byChannel: request.byChannel, bucket: request.granularity },
  );
  const eventRows = await source.query(compiled);
  const eventsByKey = new Map(eventRows.map((r) => [
    groupKey(String(r.business), r.channel === undefined ? undefined : String(r.channel), r.bucket === undefined ? undefined : Number(r.bucket)),
    r,
  ]));

  // The badge of a group ending on day T reads the conversations started in [T-6, T].
  const earliestTo = buckets ? buckets[0]!.to : request.period.to;
  const factsStartMs = Math.min(bounds.startMs, dayNumber(trailingWindow(earliestTo, WINDOW_DAYS).from) * DAY_MS);
  const factRows = await source.query<ConversationFactRow>(
    compileConversationFacts({ startMs: factsStartMs, endMs: bounds.endMs, business: request.business, channel: request.channel }),
  );
  const schedules = new Map<string, Schedule>(businesses.map((b) => [b.id, { timezone: b.timezone, businessHours: b.businessHours }]));
  const facts = toConversationFacts(factRows, schedules);

  const groups: MetricGroup[] = [];
  for (const business of scoped) {
    const factsOfBusiness = facts.filter((f) => f.business === business.id);
    const channels: (Channel | undefined)[] = request.byChannel
      ? CHANNELS.filter((c) =>
        factsOfBusiness.some((f) => f.channel === c) || eventRows.some((r) => r.business === business.id && r.channel === c))
      : [undefined];
    for (const channel of channels) {
      const factsOfGroup = channel === undefined ? factsOfBusiness : factsOfBusiness.filter((f) => f.channel === channel);
      for (const bucket of buckets ?? [undefined]) {
        const period = bucket ?? request.period;
        const eventRow = eventsByKey.get(groupKey(business.id, channel, bucket?.key));
        const metrics = metricRow(compiled, eventRow, factsOfGroup, period, k);
        groups.push({ business: business.id, ...(channel ? { channel } : {}), ...(bucket ? { bucket } : {}), metrics });
      }
    }
  }
  return groups;
}

function factsIn(facts: readonly ConversationFact[], period: Period): ConversationFact[] {
  const { startMs, endMs } = periodBounds(period);
  return facts.filter((f) => f.startMs >= startMs && f.startMs < endMs);
}

/** One row: every metric in definition order, suppressed where its cohort is small. */
export function metricRow(
  compiled: CompiledEventMetrics,
  eventRow: Record<string, unknown> | undefined,
  facts: readonly ConversationFact[],
  period: Period,
  k: number,
): MetricRow {
  const suppressor = new Suppressor(k);
  const periodFacts = factsIn(facts, period);
  const row: Record<string, number | boolean | null> = {};
  for (const metric of METRICS) {
    if (metric.source === 'events') {
      const figure = readEventMetric(metric, compiled.columns[metric.id]!, eventRow);
      row[metric.id] = suppressor.figure(metric.id, figure.value, figure.cohort);
    } else if (metric.kind === 'badge') {
      row[metric.id] = badgeValue(metric, factsIn(facts, trailingWindow(period.to, metric.windowDays)));
    } else {
      const figure = conversationFigure(metric, periodFacts);
      row[metric.id] = suppressor.figure(metric.id, figure.value, figure.cohort);
    }
  }
  return { ...(row as MetricValues), suppressed: suppressor.suppressed };
}
