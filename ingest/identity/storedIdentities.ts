import { PseudonymFilter } from '../anonymise/pseudonymFilter';

/** Reads how many link records are stored, then the first 64 bits of each one's identifier. */
export type IdentityPrefixReader = (
  onCount: (records: number) => void,
  onChunk: (high: readonly number[], low: readonly number[]) => void,
) => Promise<void>;

/**
 * Which identifiers may have stored link records, where this process alone writes the links: an
 * identifier the filter misses has none, so the resolver needs no database read for it, which
 * is what most of a batch of new customers' events are. Before, every batch with an uncached
 * identifier read the links (16-20 ms at 1.4M events, one resolution at a time).
 *
 * Exact by construction: the load adds every record stored when it reads, the resolver adds
 * every record it plans before writing it (db/customerLinks.ts is written only from its plans),
 * and until the load has completed every identifier may be stored. Deleted records (erasure,
 * retention) stay in the filter; a hit on one only costs the read it costs today.
 */
export class StoredIdentities {
  #filter = new PseudonymFilter();
  #loaded = false;
  /** What was added while the load ran: the filter sized for the stored records takes them again. */
  #addedDuringLoad: string[] | undefined = [];

  constructor(private readonly read: IdentityPrefixReader) {}

  /** False only for an identifier that certainly has no stored record. */
  mayBeStored(identity: string): boolean {
    return !this.#loaded || this.#filter.mightContain(identity);
  }

  /** Call before a record of this identifier is written. */
  add(identity: string): void {
    this.#filter.add(identity);
    this.#addedDuringLoad?.push(identity);
  }

  /** Reads the stored identifiers (once, first in the resolver's queue); returns how many records were read. If it fails, every identifier stays "maybe stored". */
  async load(): Promise<number> {
    let records = 0;
    try {
      await this.read(
        (count) => {
          this.#filter = PseudonymFilter.forCount(count);
          for (const identity of this.#addedDuringLoad ?? []) this.#filter.add(identity);
        },
        (high, low) => {
          for (let i = 0; i < high.length; i++) this.#filter.addHalves(high[i]!, low[i]!);
          records += high.length;
        },
      );
      this.#loaded = true;
      return records;
    } finally {
      this.#addedDuringLoad = undefined;
    }
  }
}
