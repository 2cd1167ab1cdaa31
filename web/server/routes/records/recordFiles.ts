import type { Period } from '../../../../reports/period';
import { residencyReport, type ReportContext } from '../../../../reports/reports';
import { utcDateOf } from '../../../../reports/residency/residency';
import { CONTENT_TYPES, exportMeta, fileNameOf, rowCountOf, type ExportInput } from '../../../../reports/exports/exportKinds';
import { renderExport } from '../../../../reports/exports/render';
import { renderPdf } from '../../../../reports/exports/pdf';
import type { RunSql } from '../../../../reports/exports/parquet';
import type { ProcessingRecordReport } from '../../../../reports/records/processingRecord';
import { recordRowCount } from '../../../../reports/records/processingRecord';
import type { ProductFacts } from '../../../../reports/records/productFacts';
import { processingRecordReport, renderRecordJson, type RecordDeps } from '../../../../reports/records/recordReport';
import type { ServedFile, ServedRecord } from '../../http/servedFile';
import { unknownBusiness } from '../../auth/businessScope';
import type { RecordFormat } from './records.routes';

/**
 * The files of the record and residency exports, with what their audit entries record: one code
 * path for the individual exports and the evidence pack, so a file in the pack is byte for byte
 * what its export would serve at the same moment, and its audit entry the same.
 */
export interface AuditedFile extends ServedFile {
  audit: ServedRecord;
}

export interface FileDeps extends RecordDeps {
  fileSql: RunSql;
  facts: ProductFacts;
}

/** The record of one business, or 404 (unregistered or outside the caller's scope). */
export async function recordOf(ctx: ReportContext, deps: RecordDeps, business: string, period: Period, nowMs: number): Promise<ProcessingRecordReport> {
  const record = await processingRecordReport(ctx, deps, business, period, utcDateOf(nowMs));
  if (!record) throw unknownBusiness(business);
  return record;
}

/** The record as JSON or PDF (the PDF thread), named records_<id>_<from>_<to>.<format>. */
export async function recordFile(record: ProcessingRecordReport, format: RecordFormat, nowMs: number, facts: ProductFacts): Promise<AuditedFile> {
  const meta = exportMeta(nowMs, facts);
  const bytes = format === 'json'
    ? Buffer.from(renderRecordJson(record, meta.generatedAt), 'utf8')
    : await renderPdf({ kind: 'records', report: record }, meta);
  return {
    bytes,
    contentType: CONTENT_TYPES[format],
    fileName: `records_${record.business}_${record.from}_${record.to}.${format}`,
    audit: {
      action: `export.records.${format}`, target: record.business,
      filters: { business: record.business, from: record.from, to: record.to }, rowCount: recordRowCount(record),
    },
  };
}

/** The residency report of one business (its context narrowed to it) as the residency export renders it. */
export async function businessResidency(ctx: ReportContext, period: Period, nowMs: number): Promise<ExportInput & { kind: 'residency' }> {
  return { kind: 'residency', report: await residencyReport(ctx, period, utcDateOf(nowMs)) };
}

export async function residencyFile(input: ExportInput & { kind: 'residency' }, business: string, format: 'json' | 'pdf', nowMs: number, deps: FileDeps): Promise<AuditedFile> {
  const bytes = await renderExport(input, format, exportMeta(nowMs, deps.facts), deps.fileSql);
  const { from, to } = input.report;
  return {
    bytes,
    contentType: CONTENT_TYPES[format],
    fileName: fileNameOf(input, format),
    audit: { action: `export.residency.${format}`, target: business, filters: { business, from, to }, rowCount: rowCountOf(input) },
  };
}
