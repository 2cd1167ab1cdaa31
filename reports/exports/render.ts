import { renderCsv } from './csv';
import type { ExportFormat, ExportInput, ExportMeta } from './exportKinds';
import { renderJson } from './json';
import { renderOverviewParquet, type RunSql } from './parquet';
import { renderPdf } from './pdf';

/** The bytes of one export. Parquet needs DuckDB (`run`); the other formats are pure. */
export async function renderExport(input: ExportInput, format: ExportFormat, meta: ExportMeta, run: RunSql): Promise<Uint8Array> {
  switch (format) {
    case 'csv':
      return Buffer.from(renderCsv(input, meta), 'utf8');
    case 'json':
      return Buffer.from(renderJson(input, meta), 'utf8');
    case 'pdf':
      return renderPdf(input, meta);
    case 'parquet':
      if (input.kind !== 'overview') throw new Error(`no parquet export of the ${input.kind} report`);
      return renderOverviewParquet(input.report, meta, run);
  }
}
