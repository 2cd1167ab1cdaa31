/**
 * Complementary suppression across one campaigns report (the rule of ../suppression.ts, for rows
 * that are shown or left out whole). The report's three lists count the same template sends
 * three ways, so their additive figures (sent, delivered, read, limited, charged, cost) add up:
 * - a campaign's row under its (template, category) rows;
 * - a template's (category, campaign) rows and its weeks, to the same template total;
 * - all campaigns, all rows and all weeks, to the same grand total.
 * None of these totals but the campaigns' is printed, yet any of them is known as soon as one of
 * its lists is wholly shown. So each is a group of partitions: while some partition of a group is
 * wholly shown, no other partition may have exactly one part left out; one more part is then left
 * out (its smallest shown non-zero part), or, when it has none, the smallest of each wholly shown
 * partition (so that the total is no longer known). Repeated to a fixed point.
 */

export interface SuppressionPart {
  key: string;
  /** The figure the choice of the next part to hide goes by (the messages sent). */
  value: number;
}

export type PartitionGroup = readonly (readonly SuppressionPart[])[];

/** The keys to leave out besides `hidden`, in the order decided (deterministic). */
export function partitionSuppression(groups: readonly PartitionGroup[], hidden: ReadonlySet<string>): string[] {
  const isHidden = new Set(hidden);
  const added: string[] = [];
  const hide = (part: SuppressionPart | undefined) => {
    if (part === undefined || isHidden.has(part.key)) return false;
    isHidden.add(part.key);
    added.push(part.key);
    return true;
  };
  const hiddenIn = (partition: readonly SuppressionPart[]) => partition.filter((p) => isHidden.has(p.key)).length;
  for (let changed = true; changed;) {
    changed = false;
    for (const group of groups) {
      const whole = group.filter((partition) => partition.length > 0 && hiddenIn(partition) === 0);
      if (whole.length === 0) continue;
      for (const partition of group) {
        if (hiddenIn(partition) !== 1) continue;
        const next = smallestShown(partition, isHidden, true);
        if (next !== undefined) changed = hide(next) || changed;
        else for (const shown of whole) changed = hide(smallestShown(shown, isHidden, false)) || changed;
      }
    }
  }
  return added;
}

function smallestShown(partition: readonly SuppressionPart[], hidden: ReadonlySet<string>, nonZero: boolean): SuppressionPart | undefined {
  let best: SuppressionPart | undefined;
  for (const part of partition) {
    if (hidden.has(part.key) || (nonZero && part.value <= 0)) continue;
    if (best === undefined || part.value < best.value) best = part;
  }
  return best;
}
