// The tables that live in PostgreSQL when events go to ClickHouse (STORE=clickhouse): the
// registry, keys, users and sessions, the audit log, the webhook intake's state and the sign-in
// throttle's counts (PostgreSQL only: ./signInThrottleSchema.ts). Otherwise the same
// drizzle definitions as DuckDB's (db/schema.ts), so db/users.ts, db/registry.ts, ... run on
// either. Not here: the events, the report facts and their parts, the day tables, the identity
// links and the clustering bookkeeping, which belong with the events.
export {
  alertAttempts,
  alertEndpoints,
  alertRules,
  alerts,
  auditLog,
  businessRateCards,
  businesses,
  ingestKeyBusinesses,
  ingestKeys,
  processingLocations,
  processingRecords,
  rateCardPrices,
  rateCardVersions,
  residencySnapshots,
  sessions,
  users,
  webhookIntakeProblems,
  webhookMessages,
  webhookPolicyEvents,
  webhookWatermarks,
} from '../schema';
export { signInAttempts, signInKnownAddresses, signInRefusals } from './signInThrottleSchema';
