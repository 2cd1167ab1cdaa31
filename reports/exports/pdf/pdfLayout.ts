import type { Content, ContentTable, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces';

/** The frame every report PDF shares: fonts, styles, a title block, the footer with page numbers. */

export interface PdfFrame {
  title: string;
  subject: string;
  /** Label/value lines under the title: period, k, adequacy list, generation time, ... */
  facts: [string, string][];
  content: Content[];
  generatedAt: string;
}

const MUTED = '#555555';

export function reportDocument(frame: PdfFrame): TDocumentDefinitions {
  const generated = readableTime(frame.generatedAt);
  return {
    pageSize: 'A4',
    // Landscape: the metric tables have up to ten columns.
    pageOrientation: 'landscape',
    pageMargins: [36, 36, 36, 44],
    info: { title: frame.title, subject: frame.subject, creator: 'Messaging privacy analytics', producer: 'Messaging privacy analytics' },
    defaultStyle: { font: 'Helvetica', fontSize: 9, lineHeight: 1.15 },
    styles: {
      title: { fontSize: 18, bold: true, margin: [0, 0, 0, 8] },
      heading: { fontSize: 13, bold: true, margin: [0, 14, 0, 6] },
      subheading: { fontSize: 10.5, bold: true, margin: [0, 8, 0, 4] },
      tableHeader: { bold: true, fontSize: 8, fillColor: '#e8ecf1' },
      cell: { fontSize: 8 },
      note: { fontSize: 8, color: MUTED, margin: [0, 4, 0, 0] },
    },
    content: [
      { text: frame.title, style: 'title' },
      factsTable(frame.facts),
      ...frame.content,
    ],
    footer: (currentPage, pageCount) => ({
      margin: [36, 12, 36, 0],
      columns: [
        { text: `${frame.title}, generated ${generated}`, fontSize: 7.5, color: MUTED },
        { text: `Page ${currentPage} of ${pageCount}`, alignment: 'right', fontSize: 7.5, color: MUTED },
      ],
    }),
  };
}

/** "2026-11-30 14:05:09 UTC" */
export const readableTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;

function factsTable(facts: [string, string][]): Content {
  return {
    layout: 'noBorders',
    table: { widths: [130, '*'], body: facts.map(([label, value]) => [{ text: label, bold: true }, { text: value }]) },
    margin: [0, 0, 0, 6],
  };
}

export interface Column {
  header: string;
  width: number | '*' | 'auto';
  align?: 'left' | 'right';
}

/** A table with a repeated header row, light rules and right-aligned figures. */
export function dataTable(columns: Column[], rows: (string | TableCell)[][]): ContentTable {
  const header: TableCell[] = columns.map((c) => ({ text: c.header, style: 'tableHeader', alignment: c.align ?? 'left' }));
  const body: TableCell[][] = rows.map((row) =>
    row.map((cell, i) => (typeof cell === 'string' ? { text: cell, style: 'cell', alignment: columns[i]?.align ?? 'left' } : cell)),
  );
  return {
    table: { headerRows: 1, dontBreakRows: true, widths: columns.map((c) => c.width), body: [header, ...body] },
    layout: {
      hLineWidth: (i, node) => (i === 0 || i === 1 || i === node.table.body.length ? 0.8 : 0.3),
      vLineWidth: () => 0,
      hLineColor: () => '#9aa5b1',
      paddingTop: () => 3,
      paddingBottom: () => 3,
    },
    margin: [0, 0, 0, 4],
  };
}

/** A right-aligned figure; a withheld one smaller and in italics, so it fits and stands out. */
export const figureCell = (text: string, withheld: boolean): TableCell =>
  withheld ? { text, style: 'cell', fontSize: 7, italics: true, color: '#8a4b00', alignment: 'right' } : { text, style: 'cell', alignment: 'right' };

export const note = (text: string): Content => ({ text, style: 'note' });
export const heading = (text: string, pageBreak = false): Content => ({ text, style: 'heading', ...(pageBreak ? { pageBreak: 'before' as const } : {}) });
export const subheading = (text: string): Content => ({ text, style: 'subheading' });
