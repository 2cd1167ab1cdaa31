/**
 * Small-cohort suppression, one rule for the report API and every export: a figure
 * computed from at least 1 but fewer than k (MIN_COHORT) distinct customers is replaced by null
 * and its path is named in the row's `suppressed` list. A figure from no customer at all is not
 * suppressed (a count is 0, a rate or a time is null already). Which customers count for each
 * figure is decided where the figure is defined (metrics/definitions.ts, residency/). Then,
 * within one reply, complementary suppression (below; the groups in ../replySuppression.ts and
 * residency/residencySuppression.ts) keeps any withheld figure from being a difference of shown ones.
 */

export function isSmallCohort(customers: number, k: number): boolean {
  return customers >= 1 && customers < k;
}

/** Collects a row's figures, nulling and naming the small-cohort ones in the order they come. */
export class Suppressor {
  readonly suppressed: string[] = [];

  constructor(readonly k: number) {
    if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer, got ${k}`);
  }

  /** The value to publish for a figure at `path` computed from `customers` distinct customers. */
  figure<T extends number | null>(path: string, value: T, customers: number): T | null {
    if (!isSmallCohort(customers, this.k)) return value;
    this.suppressed.push(path);
    return null;
  }
}

/**
 * Figures of one reply whose parts add up to a total shown beside them: the series' days (or
 * weeks) and the channel rows of a count under its total, a category's template rows under its
 * pricing row. Keys name figures; the caller decides what a key hides.
 */
export interface FigureGroup {
  total: string;
  parts: readonly string[];
}

/**
 * Complementary suppression: per-figure suppression alone lets a reader subtract the visible parts
 * from the total and get the one hidden part. So, for every group whose total is visible and
 * exactly one of whose parts is hidden, one more part is hidden: the smallest visible non-zero
 * part (first in the group's order on a tie), or the total when there is none. Repeated until no
 * group has exactly one hidden part under a visible total; then what a reader can subtract is the
 * sum of at least two hidden parts. `visible` holds the shown value of every visible figure (the
 * visible figures not named are taken as 0); `hidden` the suppressed ones. Returns the keys to
 * hide, in the order decided (deterministic for the same reply).
 */
export function complementarySuppression(
  visible: ReadonlyMap<string, number>,
  hidden: ReadonlySet<string>,
  groups: readonly FigureGroup[],
): string[] {
  const isHidden = new Set(hidden);
  const added: string[] = [];
  for (let changed = true; changed;) {
    changed = false;
    for (const group of groups) {
      if (isHidden.has(group.total)) continue;
      if (group.parts.filter((part) => isHidden.has(part)).length !== 1) continue;
      const next = smallestVisiblePart(group.parts, visible, isHidden) ?? group.total;
      isHidden.add(next);
      added.push(next);
      changed = true;
    }
  }
  return added;
}

function smallestVisiblePart(parts: readonly string[], visible: ReadonlyMap<string, number>, hidden: ReadonlySet<string>): string | undefined {
  let best: string | undefined;
  for (const part of parts) {
    const value = visible.get(part) ?? 0;
    if (hidden.has(part) || value <= 0) continue;
    if (best === undefined || value < visible.get(best)!) best = part;
  }
  return best;
}

/** `names` added to a row's `suppressed` list, the list kept in the row's field order (`order`). */
export function withSuppressed(suppressed: readonly string[], names: readonly string[], order: readonly string[]): string[] {
  const all = new Set([...suppressed, ...names]);
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  return [...all].sort((a, b) => rank(a) - rank(b));
}
