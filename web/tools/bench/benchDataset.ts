import { generateDemo, type Demo } from '../../../ingest/demo/generateDemo';

const DAY_MS = 86_400_000;

/** Fixed, so that two runs of the bench with the same --events load byte-identical events. */
export const DEFAULT_END_DATE = '2026-11-15';
export const DATASET_DAYS = 90;
export const BULK_SEED = 'bench';
/** Fresh events for the HTTP phases: other seeds, so none is a duplicate of the bulk load. */
export const HTTP_SEED = 'bench-http';
export const MIXED_SEED = 'bench-mixed';
/**
 * The HTTP phases' seeds on a kept database (--database): it holds the events its own run sent
 * with the seeds above, which would all be duplicates (each one checked against the database).
 */
export const AGAIN_SUFFIX = '-again';

export interface DatasetWindow {
  /** Last UTC day covered (YYYY-MM-DD); the reports end on it. */
  endDate: string;
  /** Milliseconds: the end of that day. */
  endMs: number;
  /** Set when the requested end date had to move (outside the retention window). */
  note?: string;
}

/**
 * The default end date in the past keeps runs reproducible, but the intake refuses events older
 * than RETENTION_DAYS: once the default has aged out, the data set ends yesterday instead.
 */
export function datasetWindow(requested: string | undefined, retentionDays: number, now = Date.now()): DatasetWindow {
  const endDate = requested ?? DEFAULT_END_DATE;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(endDate) || Number.isNaN(Date.parse(`${endDate}T00:00:00Z`))) {
    throw new Error('--end must be a date YYYY-MM-DD');
  }
  const endMs = Date.parse(`${endDate}T00:00:00Z`) + DAY_MS - 1;
  const oldestAllowed = now - (retentionDays - 1) * DAY_MS;
  if (endMs - DATASET_DAYS * DAY_MS >= oldestAllowed && endMs < now) return { endDate, endMs };
  if (requested !== undefined) {
    throw new Error(`--end ${requested}: the ${DATASET_DAYS} days before it must lie within RETENTION_DAYS (${retentionDays}) and in the past`);
  }
  const yesterday = new Date(now - DAY_MS).toISOString().slice(0, 10);
  return {
    endDate: yesterday,
    endMs: Date.parse(`${yesterday}T00:00:00Z`) + DAY_MS - 1,
    note: `the default end date ${DEFAULT_END_DATE} is outside the retention window: using ${yesterday}`,
  };
}

/** Fresh events of the HTTP ingest phase: a tenth of the data set, within 20k..2M. */
export function httpSliceEvents(datasetEvents: number): number {
  return Math.min(2_000_000, Math.max(20_000, Math.round(datasetEvents / 10)));
}

export function benchDemo(seed: string, events: number, window: DatasetWindow, batchSize = 5000): Demo {
  return generateDemo({ seed, events, days: DATASET_DAYS, end: window.endMs, batchSize });
}

/** The first day of a report period of `days` days ending on endDate. */
export function periodStart(endDate: string, days: number): string {
  return new Date(Date.parse(`${endDate}T00:00:00Z`) - (days - 1) * DAY_MS).toISOString().slice(0, 10);
}
