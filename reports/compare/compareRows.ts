/**
 * The change of a report row's figures against the same row of the preceding period
 * (`?compare=previous`). A change is the difference current − previous of two shown figures; rates
 * are subtracted as rates (percentage points ×100). A change computed from a withheld figure is
 * withheld too (null, named in `change_suppressed` with its reason), so a change never reveals
 * what suppression hides. Pure: the reports compute both periods, this only subtracts.
 */

/** A report row: its figures by name, and the names of those withheld (null above). */
export interface ReportRow { suppressed: readonly string[] }

const figureOf = (row: ReportRow, figure: string): unknown => (row as unknown as Record<string, unknown>)[figure];

export interface RowChange {
  /** current − previous of each compared figure; null when either is null. */
  change: Record<string, number | null>;
  /** `"<figure>: <why>"` for each figure whose change is null because a figure it rests on is withheld or absent. */
  change_suppressed: string[];
}

export const WITHHELD_NOW = 'withheld in this period';
export const WITHHELD_BEFORE = 'withheld in the previous period';
export const WITHHELD_BOTH = 'withheld in both periods';
export const NO_PREVIOUS_ROW = 'no row in the previous period';

/** Why a figure's change is withheld, or null when it is not. */
function withheldBecause(figure: string, current: ReportRow, previous: ReportRow | undefined): string | null {
  const now = current.suppressed.includes(figure);
  if (!previous) return now ? WITHHELD_NOW : NO_PREVIOUS_ROW;
  const before = previous.suppressed.includes(figure);
  if (now && before) return WITHHELD_BOTH;
  if (now) return WITHHELD_NOW;
  return before ? WITHHELD_BEFORE : null;
}

const numberOrNull = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/** The change of `figures` from `previous` (undefined: the row has no counterpart) to `current`. */
export function compareRow(current: ReportRow, previous: ReportRow | undefined, figures: readonly string[]): RowChange {
  const change: Record<string, number | null> = {};
  const changeSuppressed: string[] = [];
  for (const figure of figures) {
    const reason = withheldBecause(figure, current, previous);
    if (reason) changeSuppressed.push(`${figure}: ${reason}`);
    const now = numberOrNull(figureOf(current, figure));
    const before = previous ? numberOrNull(figureOf(previous, figure)) : null;
    // A figure null but not withheld (a rate of nothing, a cost without a card) has no change either.
    change[figure] = reason || now === null || before === null ? null : now - before;
  }
  return { change, change_suppressed: changeSuppressed };
}

/**
 * Each current row with its change against the previous row of the same key (rows only in the
 * previous period are not listed: they are in the previous report itself).
 */
export function compareRows<R extends ReportRow>(
  current: readonly R[],
  previous: readonly R[],
  keyOf: (row: R) => string,
  figures: readonly string[],
): (R & RowChange)[] {
  const previousByKey = new Map(previous.map((row) => [keyOf(row), row]));
  return current.map((row) => ({ ...row, ...compareRow(row, previousByKey.get(keyOf(row)), figures) }));
}

/** A row key of several fields, unambiguous for any field values (null included). */
export const keyOfFields = (...fields: string[]) => (row: ReportRow) => JSON.stringify(fields.map((f) => figureOf(row, f) ?? null));
