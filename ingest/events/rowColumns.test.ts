import { describe, expect, it } from 'vitest';
import type { EventRow } from '../../db/eventStore';
import { decodeRows, encodeRows } from './rowColumns';

const hex = (n: number) => n.toString(16).padStart(64, '0');

const base: EventRow = {
  business: 'acme', eventId: hex(1), type: 'message.sent', channel: 'whatsapp', customer: hex(2), customerRegion: 'DE',
  conversation: hex(3), message: hex(4), occurredAtMicros: 1_796_000_000_123_456, receivedAtMicros: 1_796_000_001_000_000,
  sender: 'agent', category: 'utility', template: 'order_update', processedIn: 'DE', errorCode: null, pricing: 'regular',
  source: null, campaign: 'spring_sale-2026-03', customerKind: 'phone',
};

describe('encodeRows / decodeRows', () => {
  it('gives back equal rows, with the same optional fields present or absent', () => {
    const rows: EventRow[] = [
      base,
      { ...base, conversation: null, message: null, sender: null, category: null, template: null, pricing: null, campaign: null, errorCode: 131_026, source: 'business_app' },
      { ...base, business: 'Banco Atlântico 😀', customerKind: 'bsuid', aliases: [{ identity: hex(9), kind: 'phone', region: 'BR' }], previousEventId: hex(5) },
      { ...base, aliases: [] },
      (({ campaign: _campaign, customerKind: _kind, ...rest }) => rest)(base),
      { ...base, errorCode: 0, occurredAtMicros: -1 },
    ];
    const decoded = decodeRows(encodeRows(rows));
    expect(decoded).toEqual(rows);
    expect(decoded.map((row) => Object.keys(row).sort())).toEqual(rows.map((row) => Object.keys(row).sort()));
  });

  it('encodes no rows as nothing', () => {
    expect(decodeRows(encodeRows([]))).toEqual([]);
  });

  it('survives a structured clone with its typed arrays transferred', () => {
    const columns = encodeRows([base, { ...base, eventId: hex(7) }]);
    const copy = structuredClone(columns, { transfer: [columns.ends.buffer, columns.numbers.buffer] });
    expect(decodeRows(copy)).toEqual([base, { ...base, eventId: hex(7) }]);
  });
});
