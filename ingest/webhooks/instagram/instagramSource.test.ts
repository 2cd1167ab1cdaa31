import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { instagramSource } from './instagramSource';

const fixture = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', `${name}.json`), 'utf8')) as unknown;

describe('Instagram messaging payloads', () => {
  it('maps a message to message.received and an echo to message.sent, on channel instagram', () => {
    const received = instagramSource.map(fixture('instagram-text'));
    expect(received.events).toMatchObject([{ type: 'message.received', channel: 'instagram', customer: '527459184320567', at: '2025-11-27T07:59:59.123Z' }]);
    const echo = instagramSource.map(fixture('instagram-echo'));
    expect(echo.events).toMatchObject([{ type: 'message.sent', channel: 'instagram', customer: '527459184320567', sender: 'agent', category: 'service' }]);
    expect(JSON.stringify([received, echo])).not.toContain('blue dress');
  });

  it('maps messaging_seen to a read receipt naming the message', () => {
    const seen = instagramSource.map(fixture('instagram-seen'));
    expect(seen.receipts).toMatchObject([{ kind: 'read', channel: 'instagram', customer: '527459184320567', watermarkMs: 0 }]);
    expect(seen.receipts[0]!.mids).toHaveLength(1);
  });

  it('refuses a Messenger payload (object "page")', () => {
    expect(instagramSource.map({ object: 'page', entry: [] })).toMatchObject({ events: [], unmappable: 1 });
  });
});
