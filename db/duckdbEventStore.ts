import type { DuckDBConnection } from '@duckdb/node-api';
import { appendAuditOn } from './auditLog';
import { clusterNextBlock } from './clustering';
import { timeConversations, untimedSpan } from './conversationTiming';
import { applyPersons } from './customerLinks';
import { commitEvents, compactFacts, countEvents, findStoredEventIds, forEachEventIdPrefix } from './eventStore';
import type { EventStore } from './eventStorePort';
import { eraseCustomers, purgeExpired } from './lifecycle';
import { subjectEvents } from './subjectAccess';

/** The event store on one DuckDB connection (the writer's own). */
export class DuckDbEventStore implements EventStore {
  constructor(
    readonly connection: DuckDBConnection,
    /**
     * Where the stored ids are read while the writer loads its index in the background: a
     * connection of its own, as a stream on the writer's would end at its next commit. The
     * writer's own only where nothing is written until the index has loaded.
     */
    readonly indexConnection: DuckDBConnection = connection,
  ) {}

  commit: EventStore['commit'] = (rows, links = []) => commitEvents(this.connection, rows, links);
  compactFacts: EventStore['compactFacts'] = () => compactFacts(this.connection);
  countEvents: EventStore['countEvents'] = () => countEvents(this.connection);
  storedEventIds: EventStore['storedEventIds'] = (ids) => findStoredEventIds(this.connection, ids);
  forEachEventIdPrefix: EventStore['forEachEventIdPrefix'] = (onChunk) => forEachEventIdPrefix(this.indexConnection, onChunk);
  purgeExpired: EventStore['purgeExpired'] = (cutoffMs, nowMs) => purgeExpired(this.connection, cutoffMs, nowMs);
  eraseCustomers: EventStore['eraseCustomers'] = (targets, audit) =>
    eraseCustomers(this.connection, targets, (counts) => appendAuditOn(this.connection, audit(counts)));
  subjectEvents: EventStore['subjectEvents'] = (targets) => subjectEvents(this.connection, targets);
  applyPersons: EventStore['applyPersons'] = (business, records, rewrite) => applyPersons(this.connection, business, records, rewrite);
  clusterNextBlock: EventStore['clusterNextBlock'] = (settled) => clusterNextBlock(this.connection, settled);
  timeConversations: EventStore['timeConversations'] = async (business, hoursKey, intervalsCovering) => {
    const span = await untimedSpan(this.connection, business, hoursKey);
    if (!span) return 0;
    const [fromMs, untilMs] = [Math.floor(span.fromMs), Math.ceil(span.toMs)];
    return timeConversations(this.connection, { business, hoursKey, intervals: intervalsCovering(fromMs, untilMs), fromMs, untilMs });
  };
}
