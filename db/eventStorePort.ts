import type { AuditEntry } from './auditLog';
import type { ClusteredBlock } from './clustering';
import type { OpenInterval } from './openingHoursSql';
import type { IdentityRecord, LinkWrite, PersonRewrite } from './customerLinks';
import type { EventRow } from './eventStore';
import type { ErasureCounts, ErasureTarget, PurgeCounts } from './lifecycle';
import type { SubjectEvent } from './subjectAccess';

/**
 * The port through which the event writer, the lifecycle (retention, erasure, clustering) and the
 * identity links reach the events' database: what is stored and deleted, never how. DuckDB is the
 * first implementation (./duckdbEventStore.ts) and the default; another engine implements the
 * same operations with its own SQL and its own speed tricks behind them. The writer calls one
 * operation at a time (EventWriter.exclusive), so an implementation need not guard against itself.
 */
export interface EventStore {
  /** Stores rows, what is derived from them, and the identity links they rest on: all durable, or none. */
  commit(rows: readonly EventRow[], links?: readonly LinkWrite[]): Promise<void>;
  /** Folds the facts' write-time parts into the facts (readers see the same figures before and after). */
  compactFacts(): Promise<void>;
  countEvents(): Promise<number>;
  /** Which of these event pseudonyms are stored. */
  storedEventIds(eventIds: readonly string[]): Promise<Set<string>>;
  /** The first 64 bits of every stored event pseudonym, as two unsigned 32-bit halves, in chunks. */
  forEachEventIdPrefix(onChunk: (high: readonly number[], low: readonly number[]) => void): Promise<void>;
  /** Retention: deletes what happened before the cutoff and what was derived from it. */
  purgeExpired(cutoffMs: number, nowMs: number): Promise<PurgeCounts>;
  /** Erasure of persons, with the audit entry it produces written in the same transaction. */
  eraseCustomers(targets: readonly ErasureTarget[], audit: (counts: ErasureCounts) => AuditEntry): Promise<ErasureCounts>;
  /** Subject access: the stored events of persons, found as erasure finds them (metadata, no identifier). */
  subjectEvents(targets: readonly ErasureTarget[]): Promise<SubjectEvent[]>;
  /** Saves identity links and moves the stored data of persons found to be one (ingest/identity). */
  applyPersons(business: string, records: readonly IdentityRecord[], rewrite: PersonRewrite): Promise<void>;
  /** Reorders the next settled block of report rows by business; undefined when none is left. */
  clusterNextBlock(settledThroughDay: number): Promise<ClusteredBlock | undefined>;
  /**
   * Stores the business-hours first response time of the business's conversations not yet timed
   * under these hours (db/conversationTiming.ts), a shortcut the reports take for them. The
   * intervals come from `intervalsCovering` for the span to time. Returns the conversations timed.
   */
  timeConversations(business: string, hoursKey: number, intervalsCovering: (fromMs: number, untilMs: number) => OpenInterval[]): Promise<number>;
}
