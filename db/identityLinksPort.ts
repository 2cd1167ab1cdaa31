import type { DuckDBConnection } from '@duckdb/node-api';
import { businessesWithLinks, loadPersons, saveLinks, type IdentityRecord, type LinkWrite } from './customerLinks';

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
}

/** The links on a DuckDB connection of the resolver's own (used one call at a time). */
export function duckdbLinkStore(connection: DuckDBConnection): IdentityLinkStore {
  return {
    loadPersons: (identities) => loadPersons(connection, identities),
    businessesWithLinks: () => businessesWithLinks(connection),
    saveLinks: (links) => saveLinks(connection, links),
  };
}
