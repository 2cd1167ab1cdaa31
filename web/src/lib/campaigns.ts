/**
 * The campaigns report as the dashboard shows it: its reply types (generated from the OpenAPI
 * document), the columns of its tables and how a figure reads. The browser test formats the
 * API's figures with the same functions to check the page.
 */
import type { components } from './apiSchema';
import { formatCount, formatRate } from './format';

type Schemas = components['schemas'];
export type CampaignReport = Schemas['CampaignReport'];
/** With `?compare=previous`: rows and campaigns carry `change`, `compare` the preceding period's report. */
export type ComparedCampaignReport = Schemas['ComparedCampaignReport'];
export type CampaignRow = Schemas['CampaignRow'];
export type CampaignTotalRow = Schemas['CampaignTotalRow'];
export type TemplateWeekRow = Schemas['TemplateWeekRow'];
export type CampaignFigure = Exclude<keyof CampaignRow, 'template' | 'category' | 'campaign' | 'suppressed' | 'change' | 'change_suppressed'>;

/** What the tables read of a row; `change` appears with `?compare=previous` (reports/compare). */
export type FigureRow = { [F in CampaignFigure]: number | null } & {
  suppressed: string[];
  change?: Record<string, number | null>;
  change_suppressed?: string[];
};

export interface CampaignColumn {
  key: CampaignFigure;
  label: string;
  kind: 'count' | 'rate' | 'money';
  /** For the change's colour: more reactions or cost is worse. */
  higherIsBetter: boolean;
}

const count = (key: CampaignFigure, label: string, higherIsBetter = true): CampaignColumn => ({ key, label, kind: 'count', higherIsBetter });
const rate = (key: CampaignFigure, label: string): CampaignColumn => ({ key, label, kind: 'rate', higherIsBetter: false });
const COST: CampaignColumn = { key: 'estimated_cost', label: 'Est. cost', kind: 'money', higherIsBetter: false };

/** Sends, their fate and the reactions that matter most, ranked as the API ranks them. */
export const RANKED_COLUMNS: CampaignColumn[] = [
  count('sent', 'Sent'), count('recipients', 'Recipients'), count('delivered', 'Delivered'), count('read', 'Read'),
  count('opted_out_24h', 'Opted out 24 h', false), count('blocked_24h', 'Blocked 24 h', false),
  rate('opt_out_rate_24h', 'Opt-out rate 24 h'), rate('block_rate_24h', 'Block rate 24 h'),
  count('opted_out_7d', 'Opted out 7 d', false), count('blocked_7d', 'Blocked 7 d', false), COST,
];

/** Every negative reaction, both windows, next to what was sent, delivered and read. */
export const REACTION_COLUMNS: CampaignColumn[] = [
  count('sent', 'Sent'), count('delivered', 'Delivered'), count('read', 'Read'), count('limited', 'Limited', false),
  ...([['24h', '24 h'], ['7d', '7 d']] as const).flatMap(([w, label]) => [
    count(`blocked_${w}`, `Blocked ${label}`, false), count(`muted_${w}`, `Muted ${label}`, false),
    count(`reported_${w}`, `Reported ${label}`, false), count(`opted_out_${w}`, `Opted out ${label}`, false),
  ]),
];

export const WEEK_COLUMNS: CampaignColumn[] = [
  count('sent', 'Sent'), count('recipients', 'Recipients'), count('opted_out_24h', 'Opted out 24 h', false), count('blocked_24h', 'Blocked 24 h', false),
  rate('opt_out_rate_24h', 'Opt-out rate 24 h'), rate('block_rate_24h', 'Block rate 24 h'), COST,
];

/** An amount with up to four decimals (a message costs fractions of a cent) and its currency. */
export function formatMoney(value: number | null | undefined, currency: string | null): string {
  if (value === null || value === undefined) return '–';
  const amount = value.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 4 });
  return currency ? `${amount} ${currency}` : amount;
}

/** A shown (not withheld) figure as the page writes it. */
export function formatFigure(column: CampaignColumn, value: number | null | undefined, currency: string | null): string {
  if (column.kind === 'rate') return formatRate(value);
  if (column.kind === 'money') return formatMoney(value, currency);
  return formatCount(value);
}

/** Names a row: its template, category and campaign tag ("(none)" without one). */
export const campaignName = (campaign: string | null) => campaign ?? '(none)';
export const rowKey = (row: { template: string; category: string | null; campaign: string | null }) =>
  [row.template, row.category ?? '', row.campaign ?? ''].join('|');
