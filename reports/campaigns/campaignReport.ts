import type { Period } from '../period';
import type { ReportContext } from '../reports';
import { Suppressor } from '../suppression';
import type { Channel } from '../vocabulary';
import { costOf, type ChargedMessages, type RateCardOf, type RowCost } from './campaignCosts';
import { ATTRIBUTED_COLUMNS } from './campaignSql';

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
}

type Counts = { template: string; category: string | null; campaign: string | null } & Record<CountField, number>;

const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
const rowKey = (row: Record<string, unknown>) => JSON.stringify([text(row.template), text(row.category), text(row.campaign)]);

/** undefined when the business is not registered (or outside the context's businesses). */
export async function campaignReport(ctx: CampaignReportContext, id: string, query: CampaignQuery): Promise<CampaignReport | undefined> {
  const business = (await ctx.source.businesses()).find((b) => b.id === id);
  if (!business) return undefined;
  const scope = { from: query.from, to: query.to, business: id, channel: query.channel };
  const [counts, card] = await Promise.all([ctx.source.query<Record<string, unknown>>(ctx.source.queries.campaignRows(scope)), ctx.rateCardOf(id)]);
  const charges = card === null ? [] : await ctx.source.query<Record<string, unknown>>(ctx.source.queries.campaignCharges(scope));
  const chargesByRow = new Map<string, ChargedMessages[]>();
  for (const c of charges) {
    const list = chargesByRow.get(rowKey(c)) ?? [];
    list.push({ category: text(c.category), country: String(c.country), day: Number(c.day), charged: Number(c.charged) });
    chargesByRow.set(rowKey(c), list);
  }
  const rows = counts.map((r) => {
    const row = countsOf(r);
    return { row, cost: card === null ? null : costOf(chargesByRow.get(rowKey(row)) ?? [], card) };
  });
  const costs = shownCosts(rows.filter(({ row }) => row.recipients >= ctx.k).map(({ cost }) => cost), card !== null);
  return {
    from: query.from,
    to: query.to,
    k: ctx.k,
    channel: query.channel ?? null,
    business: id,
    name: business.name,
    rate_card: card?.card ?? null,
    currency: costs.currency,
    cost_note: costs.note,
    rows: ranked(rows.map(({ row, cost }) => campaignRow(row, costs.summed ? cost : null, ctx.k))),
  };
}

function countsOf(r: Record<string, unknown>): Counts {
  const counts = Object.fromEntries(COUNT_FIELDS.map((f) => [f, Number(r[f])])) as Record<CountField, number>;
  return { template: String(r.template), category: text(r.category), campaign: text(r.campaign), ...counts };
}

/**
 * Published figures: every figure of a row comes from its recipients (the customers its
 * messages went to), as a template row's come from its customers (reports/metrics/templateBreakdown.ts
 * templateRow): a row with 1..k-1 recipients has every figure withheld.
 */
export function campaignRow(counts: Counts, cost: RowCost | null, k: number): CampaignRow {
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
  return { template: counts.template, category: counts.category, campaign: counts.campaign, ...(figures as Figures), suppressed: suppressor.suppressed };
}

/** What the shown rows' costs amount to: one currency, or none and why (the report's cost_note). */
function shownCosts(costs: readonly (RowCost | null)[], hasCard: boolean): { summed: boolean; currency: string | null; note: string | null } {
  if (!hasCard) {
    return { summed: false, currency: null, note: 'No rate card applies to this business: it names none and no "default" card was uploaded, so estimated_cost is null.' };
  }
  const currencies = new Set(costs.flatMap((c) => [...(c?.currencies ?? [])]));
  if (currencies.size > 1) {
    return { summed: false, currency: null, note: `The card's versions in force in this period are in different currencies (${[...currencies].sort().join(', ')}), so costs are not summed.` };
  }
  const unpriced = costs.reduce((n, c) => n + (c?.unpriced ?? 0), 0);
  const note = unpriced === 0 ? null
    : `${unpriced} charged message${unpriced === 1 ? '' : 's'} of the rows shown found no price on the card in force on the send date ` +
      '(sent before its first version, or no price for the category and country): estimated_cost covers only the priced ones, unpriced_charged counts the others per row.';
  return { summed: true, currency: [...currencies][0] ?? null, note };
}

/**
 * By attributed opt-outs and blocks within 7 days per recipient, descending; ties by template,
 * campaign, category. Rows with their figures withheld come last, in the same name order.
 */
/**
 * The rows shown, ranked. A row whose figures are all withheld is left out, as the business
 * report's template rows are: listing it by name would tell that a template or campaign reached
 * 1..k-1 customers.
 */
function ranked(all: CampaignRow[]): CampaignRow[] {
  const rows = all.filter((r) => r.recipients !== null);
  const score = (r: CampaignRow) => (r.recipients === null || r.recipients === 0 ? null : ((r.opted_out_7d ?? 0) + (r.blocked_7d ?? 0)) / r.recipients);
  const byName = (a: CampaignRow, b: CampaignRow) =>
    compare(a.template, b.template) || compare(a.campaign ?? '', b.campaign ?? '') || compare(a.category ?? '', b.category ?? '');
  return [...rows].sort((a, b) => {
    const [sa, sb] = [score(a), score(b)];
    if ((sa === null) !== (sb === null)) return sa === null ? 1 : -1;
    return (sa !== null && sb !== null && sb - sa) || byName(a, b);
  });
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
