import type { ExportMeta } from '../exportKinds';
import { readableTime } from './pdfLayout';

/** The lines every report PDF opens with: period, k, the adequacy list, when it was made. */
export function commonFacts(report: { from: string; to: string; k: number }, meta: ExportMeta, extra: [string, string][] = []): [string, string][] {
  return [
    ['Period', `${report.from} to ${report.to} (UTC dates, inclusive)`],
    ...extra,
    ['Small-cohort threshold', `k = ${report.k}: figures from fewer than ${report.k} customers are withheld`],
    ['Adequacy list', `as of ${meta.adequacyAsOf} (version ${meta.adequacyVersion})`],
    ['Generated', readableTime(meta.generatedAt)],
  ];
}
