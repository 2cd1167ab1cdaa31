import type { DuckDBConnection } from '@duckdb/node-api';
import { businessesWithLinks, forEachIdentityPrefix, loadPersons, saveLinks, type IdentityRecord, type LinkWrite } from './customerLinks';

/**
 * Where the identity resolver (ingest/identity) reads and saves the links between one person's
 * identifiers: DuckDB's customer_links in the embedded mode (below), ClickHouse's in the cluster
 * mode (./clickhouse/clickhouseLinks.ts). The same records either way.
 */
export interface IdentityLinkStore {
  /** The records of these identifiers and of every other identifier of their persons, by business. */
  loadPersons(identities: readonly string[]): Promise<Map<string, IdentityRecord[]>>;
  /** The businesses that have any linked identifier. */
  businessesWithLinks(): Promise<string[]>;
  /** Saves link records; resolves once they are durable. */
  saveLinks(links: readonly LinkWrite[]): Promise<void>;
  /**
   * Where several servers share the links (the cluster mode): runs fn while no other server runs
   * a function under it (ingest/identity/resolutionHold.ts). Absent where one process owns them.
   */
  acrossProcesses?<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Where this process alone writes the links: how many records are stored, then the first 64 bits
   * of each one's identifier, so the resolver can tell an identifier with no record without a
   * database read. Absent where other servers write links too.
   */
  forEachIdentityPrefix?(onCount: (records: number) => void, onChunk: (high: readonly number[], low: readonly number[]) => void): Promise<void>;
}

/** The links on a DuckDB connection of the resolver's own (used one call at a time). */
export function duckdbLinkStore(connection: DuckDBConnection): IdentityLinkStore {
  return {
    loadPersons: (identities) => loadPersons(connection, identities),
    businessesWithLinks: () => businessesWithLinks(connection),
    saveLinks: (links) => saveLinks(connection, links),
    forEachIdentityPrefix: (onCount, onChunk) => forEachIdentityPrefix(connection, onCount, onChunk),
  };
}
