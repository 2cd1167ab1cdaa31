import type { Content, TableCell } from 'pdfmake/interfaces';
import type { MetricRow } from '../../metrics/computeMetrics';
import { METRICS, type MetricId } from '../../metrics/definitions';
import { formatMetric, NO_DATA, suppressedText } from './figures';
import { dataTable, figureCell, note, subheading, type Column } from './pdfLayout';

/**
 * The metrics of SPEC 7 as four tables (too many columns for one page width, and a withheld
 * figure's "fewer than k customers" must fit its cell on one line). Rows are businesses,
 * days/weeks or channels.
 */

export const METRIC_GROUPS: [string, MetricId[]][] = [
  ['Conversations and responsiveness', ['conversations', 'customer_initiated', 'response_rate_24h', 'very_responsive']],
  ['First response times', ['frt_median_s', 'frt_p90_s', 'frt_bh_median_s', 'frt_bh_p90_s']],
  ['Audience reactions', ['block_rate', 'mute_rate', 'report_rate', 'opt_out_rate']],
  // Apart: with the residency flag of the overview, seven figures leave a business's name no room.
  ['Delivery', ['delivery_rate', 'read_rate', 'limited_rate']],
];

const SHORT_LABELS: Record<MetricId, string> = {
  conversations: 'Conversations',
  customer_initiated: 'Customer-initiated',
  frt_median_s: 'First response, median',
  frt_p90_s: 'First response, p90',
  frt_bh_median_s: 'Business hours, median',
  frt_bh_p90_s: 'Business hours, p90',
  response_rate_24h: 'Answered within 24 h',
  very_responsive: 'Very responsive',
  block_rate: 'Block rate',
  mute_rate: 'Mute rate',
  report_rate: 'Report rate',
  opt_out_rate: 'Opt-out rate',
  delivery_rate: 'Delivery rate',
  read_rate: 'Read rate',
  limited_rate: 'Limited by the platform',
};

export interface MetricTableRow {
  label: string;
  metrics: Omit<MetricRow, 'suppressed'> & { suppressed: readonly string[] };
  /** Extra cells after the metrics (e.g. the residency flag). */
  extra?: string[];
}

// "fewer than 99 customers" in 7 pt Helvetica is 77 pt wide, plus the cell padding.
const FIGURE_WIDTH = 86;

function metricTable(rowHeader: string, ids: MetricId[], rows: MetricTableRow[], k: number, extraHeaders: string[]): Content {
  const columns: Column[] = [
    { header: rowHeader, width: '*' },
    ...ids.map((id): Column => ({ header: SHORT_LABELS[id], width: FIGURE_WIDTH, align: 'right' })),
    ...extraHeaders.map((h): Column => ({ header: h, width: 62 })),
  ];
  return dataTable(columns, rows.map((row): (string | TableCell)[] => [
    row.label,
    ...ids.map((id) => figureCell(formatMetric(id, row.metrics[id], row.metrics.suppressed.includes(id), k), row.metrics.suppressed.includes(id))),
    ...(extraHeaders.length > 0 ? row.extra ?? [] : []),
  ]));
}

export function metricTables(rowHeader: string, rows: MetricTableRow[], k: number, extraHeaders: string[] = []): Content[] {
  return METRIC_GROUPS.flatMap(([title, ids], i) => [
    subheading(title),
    metricTable(rowHeader, ids, rows, k, i === METRIC_GROUPS.length - 1 ? extraHeaders : []),
  ]);
}

export function legend(k: number): Content {
  return note(
    `"${suppressedText(k)}": the figure comes from at least 1 but fewer than k = ${k} distinct customers and is withheld. ` +
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
