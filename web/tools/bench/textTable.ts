/** A titled block of rows; the first row is the header when `header` is set. */
export interface TableSection {
  title: string;
  header?: string[];
  rows: string[][];
  /** Lines printed under the rows (notes, skipped reasons). */
  notes?: string[];
  /** Per column: 'l' left, 'r' right (e.g. 'lrr'); columns not named are left-aligned. */
  align?: string;
}

/** Sections as plain text, every section's columns aligned to its own widths. */
export function formatSections(sections: readonly TableSection[]): string {
  return sections.map((section) => {
    const all = section.header ? [section.header, ...section.rows] : section.rows;
    const columns = Math.max(0, ...all.map((row) => row.length));
    const widths = Array.from({ length: columns }, (_, c) => Math.max(0, ...all.map((row) => (row[c] ?? '').length)));
    const line = (row: string[]) =>
      `  ${widths.map((width, c) => {
        const cell = row[c] ?? '';
        return section.align?.[c] === 'r' ? cell.padStart(width) : cell.padEnd(width);
      }).join('  ').trimEnd()}`;
    const lines = [section.title];
    if (section.header) {
      lines.push(line(section.header));
      lines.push(`  ${widths.map((w) => '-'.repeat(w)).join('  ')}`);
    }
    lines.push(...section.rows.map(line));
    lines.push(...(section.notes ?? []).map((note) => `  ${note}`));
    return lines.join('\n');
  }).join('\n\n');
}

export function formatRatePerSec(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)}M/s`;
  if (perSecond >= 1e4) return `${Math.round(perSecond / 1000)}k/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1000).toFixed(1)}k/s`;
  return `${Math.round(perSecond)}/s`;
}

export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

export function formatRatio(ratio: number): string {
  return ratio >= 10 ? `${Math.round(ratio)}x` : `${ratio.toFixed(2)}x`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
