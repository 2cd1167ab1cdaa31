/**
 * The event vocabulary, defined once: the intake validates against it, the stores record it and
 * the reports filter on it. The order of EVENT_TYPES, SENDERS and CATEGORIES is stored data (the
 * activity bits of db/activityKinds.ts): append new values, never reorder or remove one.
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
/** The platforms' pricing categories (Meta's full list since July 2025). */
export const CATEGORIES = [
  'service', 'marketing', 'utility', 'authentication', 'marketing_lite', 'authentication_international', 'referral_conversion',
] as const;
/** Meta's pricing.type: charged (regular) or free, and in which free window. */
export const PRICING_TYPES = ['regular', 'free_customer_service', 'free_entry_point'] as const;
/** Where a send was made, when not through the API. */
export const SOURCES = ['business_app'] as const;

export type EventType = (typeof EVENT_TYPES)[number];
export type Channel = (typeof CHANNELS)[number];
export type Sender = (typeof SENDERS)[number];
export type Category = (typeof CATEGORIES)[number];
