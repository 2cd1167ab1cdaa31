import type { ExportInput, ExportMeta } from './exportKinds';

/**
 * The JSON export: the report API's reply as it is (same fields, same numbers, same `suppressed`
 * lists), plus what a file needs to stand alone: which report, the adequacy list's date and
 * version, and when it was generated.
 */
export function renderJson(input: ExportInput, meta: ExportMeta): string {
  const document = {
    report: input.kind,
    ...input.report,
    adequacy_as_of: meta.adequacyAsOf,
    adequacy_version: meta.adequacyVersion,
    generated_at: meta.generatedAt,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
