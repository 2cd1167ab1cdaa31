import { getProcessingRecords } from '../../db/processingRecords';
import type { RegistryStore } from '../../db/store';
import { narrowedTo } from '../api/reportContext';
import { periodBounds, type Period } from '../period';
import { residencyReport, type ReportContext } from '../reports';
import { buildProcessingRecord, type ProcessingRecordReport } from './processingRecord';
import type { ProductFacts } from './productFacts';

export interface RecordDeps {
  /** The registry (the business's declared records). */
  store: RegistryStore;
  facts: ProductFacts;
}

/**
 * Where the business's events were processed in the period: the residency report's own query
 * (processingKeys, on either store), so "seen" means what the residency report counts.
 */
async function seenCountries(ctx: ReportContext, business: string, period: Period): Promise<Set<string>> {
  const rows = await ctx.source.query<{ country: string }>(ctx.source.queries.processingKeys({ ...periodBounds(period), business }));
  return new Set(rows.map((r) => r.country));
}

/**
 * The Article 30 record of one business over the period; undefined when the context does not
 * list it (unregistered, or outside the caller's scope: the route answers 404 for both). `today`
 * (UTC YYYY-MM-DD) decides which reviews are overdue, as in the residency report.
 */
export async function processingRecordReport(
  ctx: ReportContext, deps: RecordDeps, businessId: string, period: Period, today: string,
): Promise<ProcessingRecordReport | undefined> {
  const business = (await ctx.source.businesses()).find((b) => b.id === businessId);
  if (!business) return undefined;
  const [residency, seen, records] = await Promise.all([
    residencyReport(narrowedTo(ctx, [businessId]), period, today),
    seenCountries(ctx, businessId, period),
    getProcessingRecords(deps.store, businessId),
  ]);
  return buildProcessingRecord({
    business, records, residency: residency.businesses[0]!, lists: residency, seenCountries: seen, period, k: ctx.k, facts: deps.facts,
  });
}

/** The JSON export of a record: the record itself, which report it is and when it was generated. */
export function renderRecordJson(record: ProcessingRecordReport, generatedAt: string): string {
  return `${JSON.stringify({ report: 'records', ...record, generated_at: generatedAt }, null, 2)}\n`;
}
