import { metricById } from '../../metrics/definitions';

/**
 * How a figure reads in a PDF. A suppressed figure is written out as "withheld",
 * never as 0 or a blank; a figure with no data at all (a rate with nothing to divide by) is "n/a".
 */

export const NO_DATA = 'n/a';
// One word for both reasons a figure is withheld (a small group, or a figure that would reveal
// one); the document's legend names both reasons and k.
export const suppressedText = (_k: number) => 'withheld';

const counts = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });

export const formatCount = (n: number) => counts.format(n);

/** A fraction as a percentage with one decimal: 0.8333 -> "83.3%". */
export const formatRate = (r: number) => `${(r * 100).toFixed(1)}%`;

/** Seconds as "45 s", "4 min 30 s", "2 h 05 min", "3 d 4 h". */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

/** A metric of reports/metrics/definitions.ts, formatted by its kind. */
export function formatMetric(id: string, value: number | boolean | null, suppressed: boolean, k: number): string {
  if (suppressed) return suppressedText(k);
  if (value === null) return NO_DATA;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  const metric = metricById(id);
  if (metric?.kind === 'rate') return formatRate(value);
  if (metric?.kind === 'quantile') return formatDuration(value);
  return formatCount(value);
}

/** A count of customers (residency figures). */
export function formatCustomers(value: number | null, suppressed: boolean, k: number): string {
  if (suppressed) return suppressedText(k);
  return value === null ? NO_DATA : formatCount(value);
}
