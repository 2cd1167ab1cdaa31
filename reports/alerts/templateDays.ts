import type { ReportSource } from '../db/reportSource';
import { dateOfDay } from '../period';
import { perTemplate, type ReadDay, type TemplateCounts } from './alertRules';

/** What the alert rules read: the store's query builders and a line to run them on (the report reads). */
export type AlertReads = Pick<ReportSource, 'query' | 'queries'>;

/** One day's sends of the business per template, with their 24-hour reactions (the campaigns report's counts). */
export async function readTemplateDay(reads: AlertReads, business: string, day: number): Promise<TemplateCounts[]> {
  const date = dateOfDay(day);
  // By template and week: over one day, one row per template with its distinct recipients (the
  // rows of several categories or campaigns would count a customer sent both twice).
  return perTemplate(await reads.query<Record<string, unknown>>(reads.queries.campaignRows({ business, from: date, to: date, grouping: 'template_week' })));
}

// A day two or more days back has its 24-hour reactions in: kept this long before it is read
// again (a late batch or an erasure still changes it now and then).
const SETTLED_DAY_TTL_MS = 60 * 60_000;

/**
 * Reads template days, keeping settled ones (two or more UTC days before now) for an hour: the
 * baseline's 28 days are read once an hour per business, not at every evaluation.
 */
export class TemplateDayCache {
  readonly #kept = new Map<string, { readAtMs: number; counts: TemplateCounts[] }>();

  constructor(private readonly reads: AlertReads) {}

  /** The reader of one business's days at nowMs (also drops what has expired). */
  readerAt(business: string, nowMs: number): ReadDay {
    for (const [key, entry] of this.#kept) if (nowMs - entry.readAtMs >= SETTLED_DAY_TTL_MS) this.#kept.delete(key);
    const today = Math.floor(nowMs / 86_400_000);
    return async (day) => {
      if (day > today - 2) return readTemplateDay(this.reads, business, day);
      const key = `${business}\u0000${day}`;
      const kept = this.#kept.get(key);
      if (kept) return kept.counts;
      const counts = await readTemplateDay(this.reads, business, day);
      this.#kept.set(key, { readAtMs: nowMs, counts });
      return counts;
    };
  }
}
