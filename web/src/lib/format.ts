/** How figures are shown. A suppressed figure is never shown as 0. */

export const SUPPRESSED_LABEL = 'withheld';
/** Why a figure is withheld: a small group, or a figure that would reveal one by subtraction. */
export const SUPPRESSED_REASON = (k: number) =>
  `Withheld to protect a small group: computed from fewer than ${k} customers, or withheld with such a figure so that it cannot be worked out from the figures shown`;

export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '–';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 86400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '–';
  const percent = rate * 100;
  return `${percent < 10 && percent > 0 ? percent.toFixed(2) : percent.toFixed(1)} %`;
}

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? '–' : n.toLocaleString('en-GB');
}
