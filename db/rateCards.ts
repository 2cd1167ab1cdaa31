import { and, asc, count, eq, max } from 'drizzle-orm';
import { businessRateCards, rateCardPrices, rateCardVersions } from './schema';
import type { RegistryStore } from './store';

// Rate cards (tables rate_card_* of db/schema.ts): the prices an admin uploads. A card id names a
// series of versions; an upload adds a version and never changes an earlier one. Prices are kept
// in millionths of the currency unit (exact integers). Written with drizzle's query builder, so
// it runs on DuckDB and on PostgreSQL alike.

/** The card that applies to a business that names none. */
export const DEFAULT_RATE_CARD = 'default';

/** `*`: the price of any country without a row of its own (Meta's "Rest of ..." regions). */
export const ANY_COUNTRY = '*';

export interface RateCardPrice {
  category: string;
  /** ISO 3166-1 alpha-2, or ANY_COUNTRY. */
  country: string;
  /** Millionths of the version's currency unit. */
  priceMicros: number;
}

export interface RateCardVersionInfo {
  cardId: string;
  version: number;
  /** ISO 4217. */
  currency: string;
  /** YYYY-MM-DD, UTC: the first send date this version prices. */
  effectiveFrom: string;
  /** RFC 3339, UTC. */
  uploadedAt: string;
  uploadedBy: string;
}

export interface RateCardVersion extends RateCardVersionInfo {
  prices: RateCardPrice[];
}

export interface RateCardSummary {
  cardId: string;
  /** Upload order (version ascending), each with its number of prices. */
  versions: (RateCardVersionInfo & { rowCount: number })[];
}

export interface RateCardUpload {
  cardId: string;
  currency: string;
  effectiveFrom: string;
  uploadedBy: string;
  uploadedAtMs: number;
  prices: readonly RateCardPrice[];
}

// Both engines hand a timestamptz back as text such as `2026-11-01 09:00:00.123+00`.
const isoOf = (text: string) => new Date(Date.parse(text)).toISOString();
// At most this many price rows per INSERT statement (a full Meta card is about 1,500).
const INSERT_CHUNK = 500;

/**
 * Stores the upload as the card's next version (1 for a new card) and returns its number. Two
 * servers uploading the same card at once cannot take the same number: PgStore's transactions are
 * serializable and run again on conflict; DuckDB's one connection runs one at a time.
 */
export async function addRateCardVersion(store: RegistryStore, upload: RateCardUpload): Promise<number> {
  return store.transaction(async (db) => {
    const [latest] = await db.select({ version: max(rateCardVersions.version) }).from(rateCardVersions).where(eq(rateCardVersions.cardId, upload.cardId));
    const version = (latest?.version ?? 0) + 1;
    await db.insert(rateCardVersions).values({
      cardId: upload.cardId,
      version,
      currency: upload.currency,
      effectiveFrom: upload.effectiveFrom,
      uploadedAt: new Date(upload.uploadedAtMs).toISOString(),
      uploadedBy: upload.uploadedBy.slice(0, 200),
    });
    for (let i = 0; i < upload.prices.length; i += INSERT_CHUNK) {
      const rows = upload.prices.slice(i, i + INSERT_CHUNK).map((p) => ({ cardId: upload.cardId, version, ...p }));
      await db.insert(rateCardPrices).values(rows);
    }
    return version;
  });
}

const versionColumns = {
  cardId: rateCardVersions.cardId,
  version: rateCardVersions.version,
  currency: rateCardVersions.currency,
  effectiveFrom: rateCardVersions.effectiveFrom,
  uploadedAt: rateCardVersions.uploadedAt,
  uploadedBy: rateCardVersions.uploadedBy,
};

const toInfo = (row: RateCardVersionInfo): RateCardVersionInfo => ({ ...row, uploadedAt: isoOf(row.uploadedAt) });

/** Every card with its versions, cards by id. */
export async function listRateCards(store: RegistryStore): Promise<RateCardSummary[]> {
  const v = rateCardVersions;
  const p = rateCardPrices;
  const rows = await store.exclusive((db) =>
    db.select({ ...versionColumns, rowCount: count(p.category) })
      .from(v)
      .leftJoin(p, and(eq(p.cardId, v.cardId), eq(p.version, v.version)))
      .groupBy(v.cardId, v.version, v.currency, v.effectiveFrom, v.uploadedAt, v.uploadedBy)
      .orderBy(asc(v.cardId), asc(v.version)),
  );
  const cards = new Map<string, RateCardSummary>();
  for (const { rowCount, ...row } of rows) {
    const card = cards.get(row.cardId) ?? { cardId: row.cardId, versions: [] };
    card.versions.push({ ...toInfo(row), rowCount: Number(rowCount) });
    cards.set(row.cardId, card);
  }
  return [...cards.values()];
}

/**
 * The versions of a card with their prices, sorted by effectiveFrom, then version (a later upload
 * for the same date corrects an earlier one): the order reports/costs/rateCardPrice.ts expects.
 * Empty for an unknown card.
 */
export async function loadRateCardVersions(store: RegistryStore, cardId: string): Promise<RateCardVersion[]> {
  const v = rateCardVersions;
  const p = rateCardPrices;
  const [infos, prices] = await store.exclusive(async (db) => [
    await db.select(versionColumns).from(v).where(eq(v.cardId, cardId)).orderBy(asc(v.effectiveFrom), asc(v.version)),
    await db.select({ version: p.version, category: p.category, country: p.country, priceMicros: p.priceMicros })
      .from(p).where(eq(p.cardId, cardId)).orderBy(asc(p.version), asc(p.category), asc(p.country)),
  ] as const);
  return infos.map((info) => ({
    ...toInfo(info),
    prices: prices.filter((row) => row.version === info.version).map(({ category, country, priceMicros }) => ({ category, country, priceMicros: Number(priceMicros) })),
  }));
}

/** Names the card a business is priced with; null: back to the default card. */
export async function setBusinessRateCard(store: RegistryStore, business: string, cardId: string | null): Promise<void> {
  await store.transaction(async (db) => {
    await db.delete(businessRateCards).where(eq(businessRateCards.business, business));
    if (cardId !== null) await db.insert(businessRateCards).values({ business, cardId });
  });
}

/** The card a business named, if any. */
export async function namedRateCard(store: RegistryStore, business: string): Promise<string | null> {
  const [row] = await store.exclusive((db) => db.select({ cardId: businessRateCards.cardId }).from(businessRateCards).where(eq(businessRateCards.business, business)));
  return row?.cardId ?? null;
}

export async function rateCardExists(store: RegistryStore, cardId: string): Promise<boolean> {
  const [row] = await store.exclusive((db) => db.select({ version: rateCardVersions.version }).from(rateCardVersions).where(eq(rateCardVersions.cardId, cardId)).limit(1));
  return row !== undefined;
}

/**
 * The card a business's sends are priced with: the one it named, else DEFAULT_RATE_CARD when one
 * was uploaded; null when neither exists (costs are then unknown, not zero).
 */
export async function rateCardOfBusiness(store: RegistryStore, business: string): Promise<string | null> {
  const named = await namedRateCard(store, business);
  if (named !== null) return named;
  return (await rateCardExists(store, DEFAULT_RATE_CARD)) ? DEFAULT_RATE_CARD : null;
}
