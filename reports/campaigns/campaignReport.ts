import type { ReportContext } from '../reports';
import { dateOfDay, type Period } from '../period';
import { isSmallCohort, Suppressor } from '../suppression';
import type { Channel } from '../vocabulary';
import { costOf, type BusinessRateCard, type ChargedMessages, type RateCardOf, type RowCost } from './campaignCosts';
import { ATTRIBUTED_COLUMNS, GROUPING_KEYS, mondayOf, type CampaignGrouping } from './campaignSql';
import { partitionSuppression, type PartitionGroup } from './campaignSuppression';

/**
 * The campaigns report (issue 23, docs/metrics.md#campaigns): per (template, category, campaign)
 * of a business's template sends in the period, the messages, the customers' blocks, mutes,
 * reports and opt-outs attributed to them (./campaignSql.ts), two rates and the estimated cost.
 */

export interface CampaignReportContext extends ReportContext {
  /** The rate card the business's sends are priced with (registry). */
  rateCardOf: RateCardOf;
}

export interface CampaignQuery extends Period {
  channel?: Channel;
}

const COUNT_FIELDS = ['sent', 'recipients', 'delivered', 'read', 'limited', ...ATTRIBUTED_COLUMNS.map((c) => c.name), 'charged'] as const;
type CountField = (typeof COUNT_FIELDS)[number];
type Figures = Record<CountField | 'opt_out_rate_24h' | 'block_rate_24h' | 'estimated_cost' | 'unpriced_charged', number | null>;

export type CampaignRow = { template: string; category: string | null; campaign: string | null } & Figures & { suppressed: string[] };

export type CampaignTotalRow = { campaign: string | null } & Figures & { suppressed: string[] };
/** `from`..`to`: the ISO week (Monday..Sunday, UTC) of the sends, clipped to the period. */
export type TemplateWeekRow = { template: string; from: string; to: string } & Figures & { suppressed: string[] };

export interface CampaignReport {
  from: string;
  to: string;
  k: number;
  channel: Channel | null;
  business: string;
  name: string;
  /** The card the costs come from; null when none applies. */
  rate_card: string | null;
  /** ISO 4217 of every estimated_cost; null when no cost is shown. */
  currency: string | null;
  /** Why a cost is missing or partial; null when every shown row's charged messages are priced. */
  cost_note: string | null;
  rows: CampaignRow[];
  /** The same figures per campaign tag (null: sends without one). */
  campaigns: CampaignTotalRow[];
  /** The same figures per template and ISO week of the send. */
  weeks: TemplateWeekRow[];
}

type Names = { template: string | null; category: string | null; campaign: string | null; week: number | null };
type Counts = Names & Record<CountField, number>;

const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
const GROUPINGS = ['row', 'campaign', 'template_week'] as const satisfies readonly CampaignGrouping[];

/** A result row's key under its grouping (the grouping's key columns; the others are NULL). */
const keyOf = (names: Names, grouping: CampaignGrouping) =>
  JSON.stringify(GROUPING_KEYS[grouping].map((column) => names[column]));

/** undefined when the business is not registered (or outside the context's businesses). */
export async function campaignReport(ctx: CampaignReportContext, id: string, query: CampaignQuery): Promise<CampaignReport | undefined> {
  const business = (await ctx.source.businesses()).find((b) => b.id === id);
  if (!business) return undefined;
  const scope = { from: query.from, to: query.to, business: id, channel: query.channel };
  const read = (grouping: CampaignGrouping) => ctx.source.query<Record<string, unknown>>(ctx.source.queries.campaignRows({ ...scope, grouping }));
  const [rows, campaigns, weeks, card] = await Promise.all([read('row'), read('campaign'), read('template_week'), ctx.rateCardOf(id)]);
  const charges = card === null ? [] : (await ctx.source.query<Record<string, unknown>>(ctx.source.queries.campaignCharges(scope))).map(chargeOf);
  const counted = { row: rows.map(countsOf), campaign: campaigns.map(countsOf), template_week: weeks.map(countsOf) };
  const costs = Object.fromEntries(GROUPINGS.map((g) => [g, card === null ? new Map<string, RowCost>() : costsBy(charges, g, card)])) as Record<CampaignGrouping, Map<string, RowCost>>;
  const shown = shownRows(counted, ctx.k);
  const shownCostsOf = (grouping: CampaignGrouping) => counted[grouping].filter((_, i) => shown[grouping][i]).map((r) => costs[grouping].get(keyOf(r, grouping)) ?? null);
  const summary = shownCosts(GROUPINGS.map(shownCostsOf), card !== null);
  const publish = (grouping: CampaignGrouping) => counted[grouping]
    .filter((_, i) => shown[grouping][i])
    .map((counts) => ({ counts, row: campaignRow(counts, summary.summed ? (costs[grouping].get(keyOf(counts, grouping)) ?? emptyCost()) : null, ctx.k) }));
  return {
    from: query.from,
    to: query.to,
    k: ctx.k,
    channel: query.channel ?? null,
    business: id,
    name: business.name,
    rate_card: card?.card ?? null,
    currency: summary.currency,
    cost_note: summary.note,
    rows: ranked(publish('row').map(({ counts, row }) => ({ template: counts.template!, category: counts.category, campaign: counts.campaign, ...row })), byRowName),
    campaigns: ranked(publish('campaign').map(({ counts, row }) => ({ campaign: counts.campaign, ...row })), (a, b) => compare(a.campaign ?? '', b.campaign ?? '')),
    weeks: publish('template_week').map(({ counts, row }) => ({ template: counts.template!, ...weekOf(counts.week!, query), ...row })),
  };
}

function countsOf(r: Record<string, unknown>): Counts {
  const counts = Object.fromEntries(COUNT_FIELDS.map((f) => [f, Number(r[f])])) as Record<CountField, number>;
  return { template: text(r.template), category: text(r.category), campaign: text(r.campaign), week: r.week === null ? null : Number(r.week), ...counts };
}

function chargeOf(c: Record<string, unknown>): ChargedMessages & Names {
  const day = Number(c.day);
  return { template: text(c.template), category: text(c.category), campaign: text(c.campaign), week: mondayOf(day), country: String(c.country), day, charged: Number(c.charged) };
}

/** Each result row's cost under `grouping`, by its key: charges carry every key column. */
function costsBy(charges: readonly (ChargedMessages & Names)[], grouping: CampaignGrouping, card: BusinessRateCard): Map<string, RowCost> {
  const byKey = new Map<string, (ChargedMessages & Names)[]>();
  for (const charge of charges) {
    const key = keyOf(charge, grouping);
    const list = byKey.get(key);
    if (list) list.push(charge);
    else byKey.set(key, [charge]);
  }
  return new Map([...byKey].map(([key, list]) => [key, costOf(list, card)]));
}

const emptyCost = (): RowCost => ({ costMicros: 0, priced: 0, unpriced: 0, currencies: new Set() });

/** The ISO week (UTC) of Monday `monday` (days since 1970-01-01), clipped to the period. */
function weekOf(monday: number, period: Period): { from: string; to: string } {
  const [from, to] = [dateOfDay(monday), dateOfDay(monday + 6)];
  return { from: from < period.from ? period.from : from, to: to > period.to ? period.to : to };
}

/**
 * Which rows of each list are shown: those sent to k or more customers (a row of 1..k-1 is left
 * out whole, see campaignRow), less those complementary suppression leaves out so that no
 * left-out row is the difference of shown ones (./campaignSuppression.ts).
 */
function shownRows(counted: Record<CampaignGrouping, Counts[]>, k: number): Record<CampaignGrouping, boolean[]> {
  const keyed = (grouping: CampaignGrouping) => counted[grouping].map((c, i) => ({ key: `${grouping}.${i}`, value: c.sent, counts: c }));
  const [rows, campaigns, weeks] = [keyed('row'), keyed('campaign'), keyed('template_week')];
  const hidden = new Set([...rows, ...campaigns, ...weeks].filter((p) => isSmallCohort(p.counts.recipients, k)).map((p) => p.key));
  const templates = [...new Set(rows.map((r) => r.counts.template))];
  // The narrow groups first: a row is then left out beside the one its own campaign or template
  // would reveal, before the grand total picks the smallest row anywhere.
  const groups: PartitionGroup[] = [
    ...campaigns.map((c) => [[c], rows.filter((r) => r.counts.campaign === c.counts.campaign)]),
    ...templates.map((t) => [rows.filter((r) => r.counts.template === t), weeks.filter((w) => w.counts.template === t)]),
    [campaigns, rows, weeks],
  ];
  for (const key of partitionSuppression(groups, hidden)) hidden.add(key);
  return { row: rows.map((r) => !hidden.has(r.key)), campaign: campaigns.map((c) => !hidden.has(c.key)), template_week: weeks.map((w) => !hidden.has(w.key)) };
}

/**
 * Published figures: every figure of a row comes from its recipients (the customers its
 * messages went to), as a template row's come from its customers (reports/metrics/templateBreakdown.ts
 * templateRow): a row with 1..k-1 recipients has every figure withheld.
 */
export function campaignRow(counts: Record<CountField, number>, cost: RowCost | null, k: number): Figures & { suppressed: string[] } {
  const suppressor = new Suppressor(k);
  const of = counts.recipients;
  const figure = (path: string, value: number | null) => suppressor.figure(path, value, of);
  const rate = (count: number) => (of === 0 ? null : count / of);
  const figures: Partial<Figures> = {};
  for (const field of COUNT_FIELDS) {
    figures[field] = figure(field, counts[field]);
    if (field === 'opted_out_7d') {
      figures.opt_out_rate_24h = figure('opt_out_rate_24h', rate(counts.opted_out_24h));
      figures.block_rate_24h = figure('block_rate_24h', rate(counts.blocked_24h));
    }
  }
  // No price for any charged message: unknown, not free (0 only when nothing was charged).
  figures.estimated_cost = figure('estimated_cost', cost === null || (cost.priced === 0 && cost.unpriced > 0) ? null : cost.costMicros / 1_000_000);
  figures.unpriced_charged = figure('unpriced_charged', cost === null ? null : cost.unpriced);
  return { ...(figures as Figures), suppressed: suppressor.suppressed };
}

/**
 * What the shown rows' costs amount to (the rows, campaigns and weeks: each list counts the same
 * sends): one currency, or none and why (the report's cost_note, with the unpriced messages of the
 * list that shows the most of them).
 */
function shownCosts(lists: readonly (readonly (RowCost | null)[])[], hasCard: boolean): { summed: boolean; currency: string | null; note: string | null } {
  if (!hasCard) {
    return { summed: false, currency: null, note: 'No rate card applies to this business: it names none and no "default" card was uploaded, so estimated_cost is null.' };
  }
  const currencies = new Set(lists.flat().flatMap((c) => [...(c?.currencies ?? [])]));
  if (currencies.size > 1) {
    return { summed: false, currency: null, note: `The card's versions in force in this period are in different currencies (${[...currencies].sort().join(', ')}), so costs are not summed.` };
  }
  const unpriced = Math.max(0, ...lists.map((costs) => costs.reduce((n, c) => n + (c?.unpriced ?? 0), 0)));
  const note = unpriced === 0 ? null
    : `${unpriced} charged message${unpriced === 1 ? '' : 's'} of the rows shown found no price on the card in force on the send date ` +
      '(sent before its first version, or no price for the category and country): estimated_cost covers only the priced ones, unpriced_charged counts the others per row.';
  return { summed: true, currency: [...currencies][0] ?? null, note };
}

/**
 * The rows shown, by attributed opt-outs and blocks within 7 days per recipient, descending; ties
 * by name (`byName`).
 */
function ranked<R extends Figures>(rows: R[], byName: (a: R, b: R) => number): R[] {
  const score = (r: R) => (r.recipients === null || r.recipients === 0 ? null : ((r.opted_out_7d ?? 0) + (r.blocked_7d ?? 0)) / r.recipients);
  return [...rows].sort((a, b) => {
    const [sa, sb] = [score(a), score(b)];
    if ((sa === null) !== (sb === null)) return sa === null ? 1 : -1;
    return (sa !== null && sb !== null && sb - sa) || byName(a, b);
  });
}

const byRowName = (a: CampaignRow, b: CampaignRow) =>
  compare(a.template, b.template) || compare(a.campaign ?? '', b.campaign ?? '') || compare(a.category ?? '', b.category ?? '');

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
