// The reports filter on the one event vocabulary (db/vocabulary.ts).
export { CATEGORIES, CHANNELS, EVENT_TYPES, MESSAGE_TYPES, PRICING_TYPES, SENDERS } from '../db/vocabulary';
export type { Category, Channel, EventType, Sender } from '../db/vocabulary';
