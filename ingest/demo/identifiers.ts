import type { DemoChannel } from './businesses';
import type { Random } from './random';

// Shapes like the platforms' own ids, drawn at random: unlike a real wamid, which encodes the
// phone number in base64, they say nothing about the customer.

export function conversationId(rng: Random, channel: DemoChannel): string {
  switch (channel) {
    case 'whatsapp': return rng.hex(32);
    case 'messenger': return `t_${rng.int(1, 9)}${rng.digits(15)}`;
    case 'instagram': return `aWdfdGhyZWFk${rng.token(36)}`;
    case 'sms': return `CH${rng.hex(32)}`;
  }
}

export function messageId(rng: Random, channel: DemoChannel): string {
  switch (channel) {
    case 'whatsapp': return `wamid.HBgL${rng.token(44)}`;
    case 'messenger': return `m_${rng.token(43)}`;
    case 'instagram': return `aWdfZAG1f${rng.token(40)}`;
    case 'sms': return `SM${rng.hex(32)}`;
  }
}

/** The idempotency key of an event, as a webhook relay would assign it. */
export function eventId(rng: Random): string {
  return `evt_${rng.hex(24)}`;
}
