import type { CATEGORIES, EventType, PRICING_TYPES } from '../events/eventSchema';

export type WebhookChannel = 'whatsapp' | 'messenger' | 'instagram';

/**
 * What a platform payload maps to: the fields of an IngestEvent (ingest/events/eventSchema.ts)
 * except `business` (the webhook URL's business) and `conversation` (resolved from the
 * customer's thread, which needs state: see threadResolver.ts). Values are still raw here;
 * they are pseudonymised by the ingest pipeline, never stored as they are.
 */
export interface MappedEvent {
  id: string;
  type: EventType;
  channel: WebhookChannel;
  customer: string;
  /** The same person's other identifier in the payload (the BSUID beside a phone number). */
  customer_aliases?: string[];
  customer_country?: string;
  message?: string;
  at: string;
  sender?: 'agent' | 'bot' | 'automation';
  category?: (typeof CATEGORIES)[number];
  pricing?: (typeof PRICING_TYPES)[number];
  source?: 'business_app';
  error_code?: number;
  /**
   * How the conversation is found. `message`: a message of the customer's thread (received or
   * sent), which extends it. `status`: a status of the sent message `message`, filed under that
   * message's conversation. Absent for customer.* events, which have no conversation.
   */
  thread?: { role: 'message'; direction: 'in' | 'out' } | { role: 'status' };
}

/** A Messenger delivery or read receipt: every earlier sent message of the customer is covered. */
export interface WatermarkReceipt {
  kind: 'delivered' | 'read';
  channel: WebhookChannel;
  customer: string;
  /** Milliseconds since the epoch: messages sent at or before it are covered. */
  watermarkMs: number;
  at: string;
  /** Message ids the receipt names explicitly (Messenger's optional `mids`). */
  mids: string[];
}

/** A business-level platform event (policy enforcement): no customer, no free text. */
export interface PolicyRecord {
  channel: WebhookChannel;
  action: string;
  at: string;
}

/**
 * A platform's notice that identifiers are one person (WhatsApp system messages
 * user_changed_number / user_changed_user_id: the old and the new id). Never a message.
 */
export interface IdentityNotice {
  channel: WebhookChannel;
  identities: string[];
  at: string;
}

export interface MappingResult {
  events: MappedEvent[];
  identities: IdentityNotice[];
  receipts: WatermarkReceipt[];
  policies: PolicyRecord[];
  /** Parts of the payload that could not be mapped (counted, never stored). */
  unmappable: number;
}

export const emptyResult = (): MappingResult => ({ events: [], identities: [], receipts: [], policies: [], unmappable: 0 });
