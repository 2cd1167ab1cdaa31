import { apiGet } from './api';
import type { MetricColumn, MetricEntry } from './reportTypes';

// The catalogue is the server's (reports/metrics/definitions.ts); the dashboard reads it once.
const catalogue = $state<{ metrics: MetricEntry[] }>({ metrics: [] });
let loading: Promise<void> | undefined;

/** The metric catalogue, loaded on first use (empty until then). */
export function useCatalogue(): { metrics: MetricEntry[] } {
  loading ??= apiGet<{ metrics: MetricEntry[] }>('/v1/metrics')
    .then((reply) => {
      catalogue.metrics = reply.metrics;
    })
    .catch(() => {
      loading = undefined;
    });
  return catalogue;
}

/** Table columns for these metrics, headed by the catalogue's short labels (the exports' headers too). */
export function metricColumns(entries: readonly MetricEntry[], ids: readonly string[]): MetricColumn[] {
  return ids.flatMap((id) => {
    const entry = entries.find((m) => m.id === id);
    return entry && entry.unit !== 'flag' ? [{ key: id, label: entry.short_label, kind: entry.unit }] : [];
  });
}

/** A metric's short label, or its id until the catalogue is loaded. */
export const shortLabel = (entries: readonly MetricEntry[], id: string) => entries.find((m) => m.id === id)?.short_label ?? id;

/** The ids of the catalogue's metrics in these groups, in catalogue order (flags aside: they are no column). */
export const metricsOfGroups = (entries: readonly MetricEntry[], groups: readonly string[]) =>
  entries.filter((m) => groups.includes(m.group) && m.unit !== 'flag').map((m) => m.id);
