import type { Content, TableCell } from 'pdfmake/interfaces';
import type { MetricRow } from '../../metrics/computeMetrics';
import { METRIC_GROUPS, METRICS, type MetricId } from '../../metrics/definitions';
import { formatMetric, NO_DATA, suppressedText } from './figures';
import { dataTable, figureCell, note, subheading, type Column } from './pdfLayout';

/**
 * The metrics as one table per group of the catalogue (too many columns for one page width, and
 * a withheld figure must fit its cell on one line), headed by the
 * catalogue's short labels. Rows are businesses, days/weeks or channels.
 */

/** The catalogue's groups, each with its metrics in catalogue order. */
export const PDF_METRIC_GROUPS: [string, MetricId[]][] = METRIC_GROUPS.map((g) => [
  g.title, METRICS.filter((m) => m.group === g.id).map((m) => m.id as MetricId),
]);

const SHORT_LABELS = new Map(METRICS.map((m) => [m.id, m.shortLabel]));

export interface MetricTableRow {
  label: string;
  metrics: Omit<MetricRow, 'suppressed'> & { suppressed: readonly string[] };
  /** Extra cells after the metrics (e.g. the residency flag). */
  extra?: (string | TableCell)[];
}

// Wide enough for any formatted figure in 7 pt Helvetica, plus the cell padding.
const FIGURE_WIDTH = 86;

function metricTable(rowHeader: string, ids: MetricId[], rows: MetricTableRow[], k: number, extraHeaders: string[]): Content {
  const columns: Column[] = [
    { header: rowHeader, width: '*' },
    ...ids.map((id): Column => ({ header: SHORT_LABELS.get(id)!, width: FIGURE_WIDTH, align: 'right' })),
    // As wide as a figure: a withheld flag reads "withheld" too.
    ...extraHeaders.map((h): Column => ({ header: h, width: FIGURE_WIDTH })),
  ];
  return dataTable(columns, rows.map((row): (string | TableCell)[] => [
    row.label,
    ...ids.map((id) => figureCell(formatMetric(id, row.metrics[id], row.metrics.suppressed.includes(id), k), row.metrics.suppressed.includes(id))),
    ...(extraHeaders.length > 0 ? row.extra ?? [] : []),
  ]));
}

export function metricTables(rowHeader: string, rows: MetricTableRow[], k: number, extraHeaders: string[] = []): Content[] {
  return PDF_METRIC_GROUPS.flatMap(([title, ids], i) => [
    subheading(title),
    metricTable(rowHeader, ids, rows, k, i === PDF_METRIC_GROUPS.length - 1 ? extraHeaders : []),
  ]);
}

export function legend(k: number): Content {
  return note(
    `"${suppressedText(k)}": the figure comes from at least 1 but fewer than k = ${k} distinct customers, ` +
      'or is withheld with such a figure so that it cannot be computed from the figures shown. ' +
      `"${NO_DATA}": nothing to compute it from (e.g. no message sent). Times are first response times; ` +
      '"business hours" counts only time inside the business\'s opening hours.',
  );
}

/** Each metric's definition, so the document explains its own figures. */
export function definitions(): Content[] {
  return [
    subheading('Definitions'),
    dataTable(
      [{ header: 'Figure', width: 150 }, { header: 'Definition', width: '*' }],
      METRICS.map((m) => [m.label, m.formula]),
    ),
  ];
}
