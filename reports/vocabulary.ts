/**
 * The event vocabulary of SPEC 3, as the reports see it. Reports never import from ingest/ (data
 * walks one way: ingest writes, reports read), so the few enumerations they filter on are
 * repeated here; a test checks they stay equal to the intake's.
 */
export const EVENT_TYPES = [
  'message.received',
  'message.sent',
  'message.delivered',
  'message.read',
  'message.failed',
  'customer.blocked',
  'customer.unblocked',
  'customer.muted',
  'customer.unmuted',
  'customer.opted_out',
  'customer.opted_in',
  'customer.reported',
] as const;
export const MESSAGE_TYPES = ['message.received', 'message.sent', 'message.delivered', 'message.read', 'message.failed'] as const;
export const CHANNELS = ['whatsapp', 'messenger', 'instagram', 'sms', 'rcs', 'webchat'] as const;
export const SENDERS = ['agent', 'bot', 'automation'] as const;
export const CATEGORIES = [
  'service', 'marketing', 'utility', 'authentication', 'marketing_lite', 'authentication_international', 'referral_conversion',
] as const;
export const PRICING_TYPES = ['regular', 'free_customer_service', 'free_entry_point'] as const;

export type EventType = (typeof EVENT_TYPES)[number];
export type Channel = (typeof CHANNELS)[number];
export type Sender = (typeof SENDERS)[number];
export type Category = (typeof CATEGORIES)[number];
