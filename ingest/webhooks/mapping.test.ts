import { describe, expect, it } from 'vitest';
import { mapMessengerPayload } from './messengerMapping';
import { chooseThreadStart, THREAD_GAP_MS } from './threadResolver';
import { fixture } from './fixtures';
import { mapWhatsAppPayload } from './whatsappMapping';

const wa = (name: string) => mapWhatsAppPayload(JSON.parse(fixture(name)));
const fb = (name: string) => mapMessengerPayload(JSON.parse(fixture(name)));

describe('WhatsApp mapping (pure)', () => {
  it('maps an inbound message of any type to message.received from `from`, with the wamid', () => {
    for (const name of ['whatsapp-text', 'whatsapp-image', 'whatsapp-text-ctwa-ad']) {
      const { events, unmappable } = wa(name);
      expect(unmappable).toBe(0);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'message.received', channel: 'whatsapp', customer: '16505551234', thread: { role: 'message', direction: 'in' } });
      expect(events[0]!.id).toBe(`wa:${events[0]!.message}:received`);
    }
    expect(wa('whatsapp-text').events[0]!.at).toBe('2025-06-08T20:59:43.000Z');
  });

  it('never carries texts, captions or names into the mapped events', () => {
    const text = JSON.stringify([wa('whatsapp-text'), wa('whatsapp-image'), wa('whatsapp-text-ctwa-ad'), wa('whatsapp-batch')]);
    for (const value of ['Does it come in another color?', 'Sheena Nelson', 'Taj Mahal', 'Summer Succulents', 'Is this still available?']) {
      expect(text).not.toContain(value);
    }
  });

  it('takes the category of a sent message from pricing, in the PMP and the legacy CBP shape', () => {
    expect(wa('whatsapp-status-sent-pmp').events[0]).toMatchObject({ type: 'message.sent', category: 'marketing', sender: 'agent' });
    expect(wa('whatsapp-status-sent-cbp').events[0]).toMatchObject({ type: 'message.sent', category: 'utility', sender: 'agent' });
    expect(wa('whatsapp-status-v24-no-pricing').events[0]).toMatchObject({ type: 'message.sent', category: 'service' });
  });

  it('maps delivered, read and failed statuses (failed with its error code) to the message', () => {
    expect(wa('whatsapp-status-delivered-pmp').events[0]).toMatchObject({ type: 'message.delivered', thread: { role: 'status' } });
    expect(wa('whatsapp-status-failed-131049').events[0]).toMatchObject({
      type: 'message.failed', error_code: 131049, message: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA',
    });
  });

  it('maps user_preferences stop/resume of marketing messages to opt-out/opt-in', () => {
    expect(wa('whatsapp-user-preferences-stop').events).toMatchObject([{ type: 'customer.opted_out', customer: '16505551234' }]);
    expect(wa('whatsapp-user-preferences-resume').events).toMatchObject([{ type: 'customer.opted_in', at: '2024-11-15T21:22:01.000Z' }]);
  });

  it('maps every entry and change of a batch and ignores other fields', () => {
    const { events, unmappable } = wa('whatsapp-batch');
    expect(unmappable).toBe(0);
    expect(events.map((e) => e.type).sort()).toEqual(['customer.opted_in', 'message.read', 'message.received', 'message.received', 'message.sent']);
  });

  it('uses the BSUID (and its reported country) when the phone number is withheld', () => {
    expect(wa('whatsapp-text-bsuid').events[0]).toMatchObject({ customer: 'user.93737...', customer_country: 'US' });
  });

  it('counts what it cannot map instead of failing', () => {
    expect(mapWhatsAppPayload({ object: 'page', entry: [] }).unmappable).toBe(1);
    expect(mapWhatsAppPayload('nonsense').unmappable).toBe(1);
    const noTime = JSON.parse(fixture('whatsapp-text'));
    delete noTime.entry[0].changes[0].value.messages[0].timestamp;
    expect(mapWhatsAppPayload(noTime)).toMatchObject({ events: [], unmappable: 1 });
  });
});

describe('Messenger mapping (pure)', () => {
  it('maps a message to message.received and an echo to message.sent (customer = the PSID)', () => {
    expect(fb('messenger-text').events).toMatchObject([{ type: 'message.received', customer: '<PSID>', at: '2016-03-23T00:25:52.478Z' }]);
    expect(fb('messenger-echo').events).toMatchObject([{ type: 'message.sent', customer: '<PSID>', sender: 'agent', category: 'service' }]);
    expect(JSON.stringify([fb('messenger-text'), fb('messenger-echo')])).not.toContain('hello, world!');
  });

  it('maps delivery and read watermarks to receipts, optin STOP to opt-out, policy enforcement to a business record', () => {
    expect(fb('messenger-delivery').receipts).toMatchObject([{ kind: 'delivered', customer: '<PSID>', watermarkMs: 1458668856253 }]);
    expect(fb('messenger-read').receipts).toMatchObject([{ kind: 'read', customer: '<PSID>', watermarkMs: 1458668856253 }]);
    expect(fb('messenger-optin-stop').events).toMatchObject([{ type: 'customer.opted_out', customer: 'PSID' }]);
    const policy = fb('messenger-policy-enforcement');
    expect(policy.events).toEqual([]);
    expect(policy.policies).toEqual([{ channel: 'messenger', action: 'block', at: '2016-03-23T00:25:52.478Z' }]);
    expect(JSON.stringify(policy)).not.toContain('violated');
  });
});

describe('conversation threads', () => {
  const h = 60 * 60 * 1000;
  it('joins the previous message within 24 h, else a later one within 24 h, else starts a thread', () => {
    expect(chooseThreadStart(10 * h, { atMs: 1 * h, threadStartMs: 0 })).toBe(0);
    expect(chooseThreadStart(1 * h + THREAD_GAP_MS, { atMs: 1 * h, threadStartMs: 0 })).toBe(1 * h + THREAD_GAP_MS);
    expect(chooseThreadStart(5 * h, undefined, { atMs: 6 * h, threadStartMs: 6 * h })).toBe(6 * h);
    expect(chooseThreadStart(5 * h, { atMs: 5 * h - THREAD_GAP_MS, threadStartMs: 0 }, { atMs: 40 * h, threadStartMs: 40 * h })).toBe(5 * h);
  });
});
