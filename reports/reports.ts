import type { BusinessRecord } from '../db/registry';
import type { ReportSource } from './db/reportSource';
import { computeMetricGroupings, computeMetrics, type MetricGroup, type MetricRow } from './metrics/computeMetrics';
import type { Granularity, Period } from './period';
import { ADEQUACY } from './residency/adequacy';
import { TRANSFER_LAW } from './residency/transferLaw';
import { computeResidency, computeResidencyFlags, type ResidencyRow } from './residency/residency';
import type { LocationStatus } from './residency/locationStatus';
import type { Channel } from './vocabulary';
import { templateBreakdown, type TemplateRow } from './metrics/templateBreakdown';
import { pricingBreakdown, type PricingRow } from './metrics/pricingBreakdown';
import { suppressBusinessFigures } from './replySuppression';

/**
 * The three reports, as plain objects. The report API serves them as JSON; the exports
 * (CSV/JSON/PDF/Parquet, later) must render these same objects, so a file and the screen can
 * never disagree. Each takes the registry once and reads events through a ReportSource.
 */

export interface ReportContext {
  source: ReportSource;
  /** MIN_COHORT. */
  k: number;
}

export interface OverviewQuery extends Period {
  channel?: Channel;
}

export type OverviewRow = { business: string; name: string; verified: boolean } & Omit<MetricRow, 'suppressed'> & {
  /** null: withheld with the EEA customers it rests on (named `residency_flag` in `suppressed`). */
  residency_flag: LocationStatus | null;
  suppressed: string[];
};

export interface OverviewReport {
  from: string;
  to: string;
  k: number;
  channel: Channel | null;
  businesses: OverviewRow[];
}

export async function overviewReport(ctx: ReportContext, query: OverviewQuery): Promise<OverviewReport> {
  const period = { from: query.from, to: query.to };
  const businesses = await ctx.source.businesses();
  const [groups, residency] = await Promise.all([
    computeMetrics(ctx.source, businesses, { period, channel: query.channel }, ctx.k),
    computeResidencyFlags(ctx.source, businesses, { period, channel: query.channel }, ctx.k),
  ]);
  return {
    from: query.from,
    to: query.to,
    k: ctx.k,
    channel: query.channel ?? null,
    businesses: businesses.map((b) => {
      const { suppressed, ...metrics } = groups.find((g) => g.business === b.id)!.metrics;
      const flag = residency.find((r) => r.business === b.id)!.flag;
      return { business: b.id, name: b.name, verified: b.verified, ...metrics, residency_flag: flag, suppressed: withFlagSuppressed(suppressed, flag) };
    }),
  };
}

export interface BusinessReportQuery extends Period {
  granularity: Granularity;
  channel?: Channel;
}

export type SeriesPoint = { from: string; to: string } & MetricRow;
export type ChannelRow = { channel: Channel } & MetricRow;

export interface BusinessReport {
  from: string;
  to: string;
  k: number;
  granularity: Granularity;
  channel: Channel | null;
  business: string;
  name: string;
  verified: boolean;
  timezone: string;
  /** The whole period, as the overview row of this business. */
  totals: Omit<OverviewRow, 'business' | 'name' | 'verified'>;
  /** One point per day or ISO week (clipped to the period), empty ones included. */
  series: SeriesPoint[];
  /** The whole period per channel seen in it. */
  channels: ChannelRow[];
  /** Delivery, read and limited rates of the period's sent messages by category and template. */
  templates: TemplateRow[];
  /** The period's attempted messages by category: charged, free (per free window) or not reported. */
  pricing: PricingRow[];
}

/** undefined when the business is not registered. */
export async function businessReport(ctx: ReportContext, id: string, query: BusinessReportQuery): Promise<BusinessReport | undefined> {
  const period = { from: query.from, to: query.to };
  const businesses = await ctx.source.businesses();
  const business = businesses.find((b) => b.id === id);
  if (!business) return undefined;
  const base = { period, business: id, channel: query.channel };
  // Totals, series and channels in one pass over the period (computeMetricGroupings).
  const groupings = [{}, { granularity: query.granularity }, { byChannel: true }];
  const messageScope = { ...period, business: id, channel: query.channel };
  const [[[totals], series, channels], [residency], templates, pricing] = await Promise.all([
    computeMetricGroupings(ctx.source, businesses, base, groupings, ctx.k) as Promise<[MetricGroup[], MetricGroup[], MetricGroup[]]>,
    computeResidencyFlags(ctx.source, businesses, base, ctx.k),
    templateBreakdown(ctx.source, messageScope, ctx.k),
    pricingBreakdown(ctx.source, messageScope, ctx.k),
  ]);
  const { suppressed, ...totalMetrics } = totals!.metrics;
  // Within the reply, no withheld figure may be the difference of shown ones (./replySuppression.ts).
  const figures = suppressBusinessFigures({
    totals: { ...totalMetrics, residency_flag: residency!.flag, suppressed: withFlagSuppressed(suppressed, residency!.flag) },
    series: series.map((g) => ({ from: g.bucket!.from, to: g.bucket!.to, ...g.metrics })),
    channels: channels.map((g) => ({ channel: g.channel!, ...g.metrics })),
    templates,
    pricing,
  });
  return {
    from: query.from,
    to: query.to,
    k: ctx.k,
    granularity: query.granularity,
    channel: query.channel ?? null,
    business: id,
    name: business.name,
    verified: business.verified,
    timezone: business.timezone,
    ...figures,
  };
}

export type ResidencyReportRow = { business: string; name: string } & ResidencyRow;

export interface ResidencyReport {
  from: string;
  to: string;
  k: number;
  /** The adequacy list's "as of" date and version (reports/residency/adequacy-decisions.json). */
  adequacy_as_of: string;
  adequacy_version: number;
  /** The legal list's "as of" date and version (reports/residency/transfer-law.json). */
  transfer_law_as_of: string;
  transfer_law_version: number;
  businesses: ResidencyReportRow[];
}

/** `today`: the UTC date (YYYY-MM-DD) of the app's clock, which review dates are compared with (utcDateOf). */
export async function residencyReport(ctx: ReportContext, query: Period, today: string): Promise<ResidencyReport> {
  const businesses: BusinessRecord[] = await ctx.source.businesses();
  const rows = await computeResidency(ctx.source, businesses, { period: { from: query.from, to: query.to }, today }, ctx.k);
  return {
    from: query.from,
    to: query.to,
    k: ctx.k,
    adequacy_as_of: ADEQUACY.as_of,
    adequacy_version: ADEQUACY.version,
    transfer_law_as_of: TRANSFER_LAW.as_of,
    transfer_law_version: TRANSFER_LAW.version,
    businesses: rows.map(({ business, ...rest }) => ({ business, name: businesses.find((b) => b.id === business)!.name, ...rest })),
  };
}

/** A withheld residency flag is named after the metrics, where its field comes. */
const withFlagSuppressed = (suppressed: string[], flag: LocationStatus | null) => (flag === null ? [...suppressed, 'residency_flag'] : suppressed);
