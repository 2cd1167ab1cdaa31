import { describe, expect, it } from 'vitest';
import { legalNotesFor, TRANSFER_LAW, TransferLawList } from './transferLaw';

describe('the legal list (transfer-law.json)', () => {
  it('is versioned, and every entry has a source URL, a date no later than the list\'s and a fallback', () => {
    expect(TRANSFER_LAW.version).toBeGreaterThan(0);
    for (const entry of TRANSFER_LAW.entries) {
      expect(new URL(entry.source).protocol, entry.id).toBe('https:');
      expect(entry.date, entry.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(entry.date <= TRANSFER_LAW.as_of, entry.id).toBe(true);
      expect(entry.fallback.length, entry.id).toBeGreaterThan(20);
    }
  });

  it('refuses an entry without a source or for a mechanism that does not exist', () => {
    const [dpf] = TRANSFER_LAW.entries;
    const { source: _source, ...withoutSource } = dpf!;
    expect(TransferLawList.safeParse({ ...TRANSFER_LAW, entries: [withoutSource] }).success).toBe(false);
    expect(TransferLawList.safeParse({ ...TRANSFER_LAW, entries: [{ ...dpf, applies_to: 'mechanism:hope' }] }).success).toBe(false);
    expect(TransferLawList.safeParse({ ...TRANSFER_LAW, entries: [dpf, dpf] }).success).toBe(false);
  });

  it('notes the DPF appeal on a dpf location and the Art. 3(2) gap on an importer subject to the GDPR, nothing on an SCC location', () => {
    expect(legalNotesFor({ mechanism: 'dpf', importerSubjectToGdpr: false })).toEqual([
      expect.objectContaining({ id: 'eu-us-dpf-appeal', status: 'under_appeal', date: '2025-10-31', text: expect.stringContaining('C-703/25 P') }),
    ]);
    expect(legalNotesFor({ mechanism: 'scc', importerSubjectToGdpr: true }).map((n) => n.id)).toEqual(['art-3-2-importer-gap']);
    expect(legalNotesFor({ mechanism: 'dpf', importerSubjectToGdpr: true }).map((n) => n.id)).toEqual(['eu-us-dpf-appeal', 'art-3-2-importer-gap']);
    expect(legalNotesFor({ mechanism: 'scc', importerSubjectToGdpr: false })).toEqual([]);
  });
});
