import type { CampaignReport, CampaignRow } from '../campaigns/campaignReport';
import { ATTRIBUTED_COLUMNS } from '../campaigns/campaignSql';
import { METRICS } from '../metrics/definitions';
import type { Period } from '../period';
import type { BusinessReport, OverviewReport } from '../reports';
import { compareRow, compareRows, keyOfFields, type RowChange } from './compareRows';

/**
 * A report with `?compare=previous`: its compared rows gain `change` and `change_suppressed`
 * (./compareRows.ts), and `compare` carries the preceding period's whole report. Series (days,
 * weeks) are not compared row by row: their buckets differ; the previous report has its own.
 */
export type Compared<R, P> = R & { compare: Period & { previous: P } };

/** The metrics a change is shown for: every one but the badges (a yes/no has no difference). */
export const METRIC_FIGURES: readonly string[] = METRICS.filter((m) => m.kind !== 'badge').map((m) => m.id);
export const TEMPLATE_FIGURES = ['sent', 'delivery_rate', 'read_rate', 'limited_rate'] as const;
export const PRICING_FIGURES = ['charged', 'free_customer_service', 'free_entry_point', 'unknown'] as const;
export const CAMPAIGN_FIGURES = [
  'sent', 'recipients', 'delivered', 'read', 'limited', ...ATTRIBUTED_COLUMNS.map((c) => c.name),
  'opt_out_rate_24h', 'block_rate_24h', 'charged', 'estimated_cost', 'unpriced_charged',
] as const satisfies readonly (keyof CampaignRow)[];

const comparePeriod = <P extends Period>(previous: P) => ({ from: previous.from, to: previous.to, previous });

export function compareOverview(current: OverviewReport, previous: OverviewReport) {
  return {
    ...current,
    businesses: compareRows(current.businesses, previous.businesses, keyOfFields('business'), METRIC_FIGURES),
    compare: comparePeriod(previous),
  };
}

export function compareBusiness(current: BusinessReport, previous: BusinessReport) {
  const totals: BusinessReport['totals'] & RowChange = { ...current.totals, ...compareRow(current.totals, previous.totals, METRIC_FIGURES) };
  return {
    ...current,
    totals,
    channels: compareRows(current.channels, previous.channels, keyOfFields('channel'), METRIC_FIGURES),
    templates: compareRows(current.templates, previous.templates, keyOfFields('category', 'template'), TEMPLATE_FIGURES),
    pricing: compareRows(current.pricing, previous.pricing, keyOfFields('category'), PRICING_FIGURES),
    compare: comparePeriod(previous),
  };
}

export function compareCampaigns(current: CampaignReport, previous: CampaignReport) {
  return {
    ...current,
    rows: compareRows(current.rows, previous.rows, keyOfFields('template', 'category', 'campaign'), CAMPAIGN_FIGURES),
    campaigns: compareRows(current.campaigns, previous.campaigns, keyOfFields('campaign'), CAMPAIGN_FIGURES),
    compare: comparePeriod(previous),
  };
}
