import type { CampaignReport } from '../campaigns/campaignReport';
import type { BusinessReport, OverviewReport, ResidencyReport } from '../reports';
import { ADEQUACY } from '../residency/adequacy';
import type { ProcessingRecordReport } from '../records/processingRecord';
import type { ProductFacts } from '../records/productFacts';

/** What an export holds: one report object, exactly as the report API serves it. */
export type ExportInput =
  | { kind: 'overview'; report: OverviewReport }
  | { kind: 'business'; report: BusinessReport }
  | { kind: 'campaigns'; report: CampaignReport }
  | { kind: 'residency'; report: ResidencyReport };

export type ReportKind = ExportInput['kind'];

/** What the PDF thread lays out: a report export, or a business's Article 30 record (reports/records/). */
export type PdfInput = ExportInput | { kind: 'records'; report: ProcessingRecordReport };
export const EXPORT_FORMATS = ['csv', 'json', 'pdf', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Parquet only for the overview: one flat table. The other reports are nested. */
export const FORMATS_OF: Record<ReportKind, readonly ExportFormat[]> = {
  overview: ['csv', 'json', 'pdf', 'parquet'],
  business: ['csv', 'json', 'pdf'],
  campaigns: ['csv', 'json', 'pdf'],
  residency: ['csv', 'json', 'pdf'],
};

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  pdf: 'application/pdf',
  parquet: 'application/vnd.apache.parquet',
};

/** Written into every file besides the report itself. */
export interface ExportMeta {
  /** RFC 3339, UTC. */
  generatedAt: string;
  adequacyAsOf: string;
  adequacyVersion: number;
  /** The product's configuration, for the pseudonymisation statement of the residency PDF (absent: no statement). */
  facts?: ProductFacts;
}

export function exportMeta(now: number, facts?: ProductFacts): ExportMeta {
  return { generatedAt: new Date(now).toISOString(), adequacyAsOf: ADEQUACY.as_of, adequacyVersion: ADEQUACY.version, ...(facts ? { facts } : {}) };
}

/**
 * The data rows of a report in its table form (the CSV's rows), for the audit log, the same for
 * every format: overview one per business; business one totals row, one per series point, one
 * per channel, one per template and one per pricing category; campaigns one per row, campaign and
 * template week; residency one per business and one per location.
 */
export function rowCountOf(input: ExportInput): number {
  switch (input.kind) {
    case 'overview':
      return input.report.businesses.length;
    case 'business':
      return 1 + input.report.series.length + input.report.channels.length + input.report.templates.length + input.report.pricing.length;
    case 'campaigns':
      return input.report.rows.length + input.report.campaigns.length + input.report.weeks.length;
    case 'residency':
      return input.report.businesses.reduce((n, b) => n + 1 + b.locations.length, 0);
  }
}

/**
 * e.g. `residency_2026-11-01_2026-11-30.pdf`, `business_acme_2026-11-01_2026-11-30_whatsapp.csv`,
 * `campaigns_acme_2026-11-01_2026-11-30.json`.
 */
export function fileNameOf(input: ExportInput, format: ExportFormat): string {
  const { report } = input;
  const parts: string[] = [input.kind];
  if (input.kind === 'business' || input.kind === 'campaigns') parts.push(input.report.business);
  parts.push(report.from, report.to);
  if (input.kind !== 'residency' && input.report.channel) parts.push(input.report.channel);
  return `${parts.join('_')}.${format}`;
}
