import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityRecord } from '../customerLinks';
import { ClickHouseEventStore } from './clickhouseEventStore';
import { eventAt, hexId } from './testing/lifecycleEvents';
import { openChdbClient, type ChdbClient } from './testing/chdbClient';

// Subject access on ClickHouse (chdb, ClickHouse 26.x): the person's events through its linked
// identifiers at the business named, each once, and nobody else's.

const link = (identity: string, person: string): IdentityRecord =>
  ({ identity, person, kind: 'phone', region: 'DE', firstAtMicros: Date.parse('2026-04-01T00:00:00Z') * 1000 });

describe('ClickHouse subject access, chdb', () => {
  let chdb: ChdbClient;
  let store: ClickHouseEventStore;
  beforeAll(() => {
    chdb = openChdbClient('mpa_access');
    store = new ClickHouseEventStore(chdb.client);
  });
  afterAll(() => chdb?.dispose());

  it("returns the person's events through every linked identifier, each once, at the businesses named only", async () => {
    const person = hexId('access-person');
    const phone = hexId('access-phone');
    const bsuid = hexId('access-bsuid');
    const first = eventAt('accessco', 'a1', person, '2026-04-11T09:00:00Z', { processedIn: 'US', customerRegion: 'IT' });
    const second = eventAt('accessco', 'a2', person, '2026-04-12T09:00:00Z', {
      type: 'message.sent', sender: 'agent', category: 'service', template: 'welcome', pricing: 'regular', campaign: 'spring',
    });
    await store.commit([first, second, eventAt('accessco', 'other', hexId('someone-else'), '2026-04-11T10:00:00Z'),
      eventAt('otherco', 'same', person, '2026-04-11T11:00:00Z')],
    [{ business: 'accessco', records: [link(phone, person), link(bsuid, person)] }]);
    // Sent again: a copy not yet merged still counts once.
    await store.commit([first]);

    const events = await store.subjectEvents([{ business: 'accessco', customers: [phone] }]);
    expect(events).toEqual([
      { business: 'accessco', at: '2026-04-11T09:00:00.000Z', type: 'message.received', channel: 'whatsapp', region: 'IT', processedIn: 'US',
        sender: null, category: null, template: null, campaign: null, pricing: null },
      { business: 'accessco', at: '2026-04-12T09:00:00.000Z', type: 'message.sent', channel: 'whatsapp', region: 'DE', processedIn: 'DE',
        sender: 'agent', category: 'service', template: 'welcome', campaign: 'spring', pricing: 'regular' },
    ]);
    expect(await store.subjectEvents([{ business: 'accessco', customers: [bsuid] }])).toEqual(events);
    expect(await store.subjectEvents([{ business: 'accessco', customers: [hexId('nobody')] }])).toEqual([]);
  });
});
