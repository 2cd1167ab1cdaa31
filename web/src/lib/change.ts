/**
 * A compared row's change of one figure (`?compare=previous`), as Change.svelte shows it: the
 * difference, or why it is withheld ("withheld in the previous period", ...), and whether a rise
 * is good news for the figure.
 */
export interface ComparedRow {
  change?: Record<string, number | null>;
  change_suppressed?: string[];
}

export interface FigureChange {
  change: number | null;
  /** The reason the change is withheld, or null. */
  suppressed: string | null;
}

export function changeOf(row: ComparedRow, figure: string): FigureChange {
  const reason = row.change_suppressed?.find((entry) => entry.startsWith(`${figure}: `));
  return {
    change: row.change?.[figure] ?? null,
    suppressed: reason ? `Change withheld: ${figure} ${reason.slice(figure.length + 2)}` : null,
  };
}

/** True when the row was compared (it has changes to show). */
export const isCompared = (row: ComparedRow) => row.change !== undefined;

// Response times, negative reactions, Meta's caps and costs: a rise is bad news.
const LOWER_IS_BETTER = /^(frt_|block|mute|report|negative_feedback|opt(ed)?_out|limited|blocked|muted|reported|estimated_cost|unpriced)/;

export const higherIsBetter = (figure: string) => !LOWER_IS_BETTER.test(figure);
