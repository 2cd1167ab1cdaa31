import type { CampaignRow } from '../campaigns/campaignReport';
import { ATTRIBUTED_COLUMNS } from '../campaigns/campaignSql';

/** A figure of a campaigns report row (its rows, campaigns and weeks carry the same ones). */
// (`change` and `change_suppressed` come with `?compare=previous`, which the exports do not take.)
export type CampaignFigure = Exclude<keyof CampaignRow, 'template' | 'category' | 'campaign' | 'suppressed' | 'change' | 'change_suppressed'>;

/** Every figure of a campaigns row, in the API's order: the CSV's columns. */
export const CAMPAIGN_FIGURES: readonly CampaignFigure[] = [
  'sent', 'recipients', 'delivered', 'read', 'limited',
  ...ATTRIBUTED_COLUMNS.map((c) => c.name),
  'opt_out_rate_24h', 'block_rate_24h', 'charged', 'estimated_cost', 'unpriced_charged',
];

/** The figures that are shares of the row's recipients (the others are counts, and the cost). */
export const CAMPAIGN_RATES: ReadonlySet<CampaignFigure> = new Set(['opt_out_rate_24h', 'block_rate_24h']);
