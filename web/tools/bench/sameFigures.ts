/**
 * Where two JSON replies differ: the paths of the leaves that are not equal, numbers within a
 * relative 1e-9 (two engines may round a division's last digit differently). Keys and array
 * lengths must match. Used to check that two stores answer a report with the same figures.
 */
export function differingFigures(a: unknown, b: unknown, path = ''): string[] {
  if (typeof a === 'number' && typeof b === 'number') {
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)) ? [] : [`${path || '.'}: ${a} vs ${b}`];
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [`${path || '.'}: ${a.length} vs ${b.length} items`];
    return a.flatMap((item, i) => differingFigures(item, b[i], `${path}[${i}]`));
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((key) => differingFigures(a[key], b[key], `${path}.${key}`));
  }
  return a === b ? [] : [`${path || '.'}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
