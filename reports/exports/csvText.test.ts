import { describe, expect, it } from 'vitest';
import { parseCsvRecords } from '../testing/exportFiles';
import { csvCell, csvDocument } from './csvText';

describe('CSV text', () => {
  it('quotes what needs quoting and leaves figures as they are', () => {
    expect(csvCell('Atlântico Europa, Sucursal')).toBe('"Atlântico Europa, Sucursal"');
    expect(csvCell('say "hi"\nthere')).toBe('"say ""hi""\nthere"');
    expect([csvCell(null), csvCell(undefined), csvCell(0), csvCell(0.5), csvCell(true)]).toEqual(['', '', '0', '0.5', 'true']);
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell('+1 bad')).toBe("'+1 bad");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-1)).toBe('-1');
  });

  it('writes a byte order mark, the metadata records, an empty line and the table, with CRLF', () => {
    const text = csvDocument({ meta: [['from', '2026-11-01'], ['k', 10]], header: ['a', 'b'], rows: [['x, y', null]] });
    expect(text).toBe('\uFEFF# from,2026-11-01\r\n# k,10\r\n\r\na,b\r\n"x, y",\r\n');
    expect(parseCsvRecords(text.slice(1))).toEqual([['# from', '2026-11-01'], ['# k', '10'], [''], ['a', 'b'], ['x, y', '']]);
  });
});
