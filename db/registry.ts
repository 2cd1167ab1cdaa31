import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { RegistryStore } from './store';
import { businesses, ingestKeyBusinesses, ingestKeys, processingLocations } from './schema';
import type { SecretBox } from './secretBox';
import { readStoredSecrets, sealedColumnsFor, type WebhookSecrets, type WebhookSecretsInput } from './webhookSecrets';

export type BusinessHours = Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', [string, string][]>>;

export interface ProcessingLocation {
  /** ISO 3166-1 alpha-2; null exactly when the location is an international organisation. */
  country: string | null;
  /** An international organisation (e.g. "European Patent Organisation"); then country is null. */
  organisation: string | null;
  processor: string;
  role: 'controller' | 'processor';
  mechanism: 'eea' | 'adequacy' | 'dpf' | 'scc' | 'bcr' | 'derogation' | 'none';
  primary: boolean;
  /** YYYY-MM-DD: the transfer impact assessment's date. */
  tiaDate: string | null;
  /** YYYY-MM-DD: its next review; once passed, the review is overdue. */
  nextReview: string | null;
  /** The importer is itself subject to the GDPR (Art. 3(2)): no SCC module fits it yet. */
  importerSubjectToGdpr: boolean;
}

/** What a caller declares: the transfer review's fields may be left out (null, false). */
export type ProcessingLocationInput = Omit<ProcessingLocation, 'country' | 'organisation' | 'tiaDate' | 'nextReview' | 'importerSubjectToGdpr'>
  & { country: string | null } & Partial<Pick<ProcessingLocation, 'organisation' | 'tiaDate' | 'nextReview' | 'importerSubjectToGdpr'>>;

/** A declared location with the fields it left out at their defaults. */
export function withLocationDefaults(location: ProcessingLocationInput): ProcessingLocation {
  return {
    country: location.country,
    organisation: location.organisation ?? null,
    processor: location.processor,
    role: location.role,
    mechanism: location.mechanism,
    primary: location.primary,
    tiaDate: location.tiaDate ?? null,
    nextReview: location.nextReview ?? null,
    importerSubjectToGdpr: location.importerSubjectToGdpr ?? false,
  };
}

export interface BusinessRecord {
  id: string;
  name: string;
  sector: string;
  verified: boolean;
  timezone: string;
  businessHours: BusinessHours;
  processingLocations: ProcessingLocation[];
  webhooksConfigured: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface BusinessInput {
  id: string;
  name: string;
  sector: string;
  verified: boolean;
  timezone: string;
  businessHours: BusinessHours;
  processingLocations: ProcessingLocationInput[];
  /** undefined keeps what is stored; null clears it. Sealed before it is stored (db/webhookSecrets.ts). */
  webhooks?: WebhookSecretsInput | null;
}

export async function listBusinesses(store: RegistryStore): Promise<BusinessRecord[]> {
  return store.exclusive(async (db) => {
    const rows = await db.select().from(businesses).orderBy(asc(businesses.id));
    // Countries first, by code; then organisations, by name.
    const locations = await db.select().from(processingLocations)
      .orderBy(sql`${processingLocations.country} IS NULL`, asc(processingLocations.country), asc(processingLocations.organisation), asc(processingLocations.processor));
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      sector: row.sector,
      verified: row.verified,
      timezone: row.timezone,
      businessHours: row.businessHours as BusinessHours,
      processingLocations: locations
        .filter((l) => l.business === row.id)
        .map((l): ProcessingLocation => ({
          country: l.country,
          organisation: l.organisation,
          processor: l.processor,
          role: l.role as ProcessingLocation['role'],
          mechanism: l.mechanism as ProcessingLocation['mechanism'],
          primary: l.isPrimary,
          tiaDate: l.tiaDate,
          nextReview: l.nextReview,
          importerSubjectToGdpr: l.importerSubjectToGdpr,
        })),
      webhooksConfigured: row.appSecret !== null && row.verifyToken !== null,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    }));
  });
}

export async function getBusiness(store: RegistryStore, id: string): Promise<BusinessRecord | undefined> {
  return (await listBusinesses(store)).find((b) => b.id === id);
}

/** Creates or replaces a business and its processing locations; returns true when created. */
export async function putBusiness(store: RegistryStore, box: SecretBox, input: BusinessInput, now = new Date()): Promise<boolean> {
  return store.transaction(async (db) => {
    const at = now.toISOString();
    const existing = await db.select({ id: businesses.id }).from(businesses).where(eq(businesses.id, input.id));
    const webhooks = input.webhooks ? await sealedColumnsFor(db, box, input.id, input.webhooks) : input.webhooks;
    const values = {
      name: input.name,
      sector: input.sector,
      verified: input.verified,
      timezone: input.timezone,
      businessHours: input.businessHours,
      updatedAt: at,
      ...(webhooks === undefined
        ? {}
        : { appSecret: webhooks?.appSecret ?? null, verifyToken: webhooks?.verifyToken ?? null }),
    };
    if (existing.length > 0) await db.update(businesses).set(values).where(eq(businesses.id, input.id));
    else await db.insert(businesses).values({ id: input.id, createdAt: at, ...values });
    await db.delete(processingLocations).where(eq(processingLocations.business, input.id));
    if (input.processingLocations.length > 0) {
      await db.insert(processingLocations).values(
        input.processingLocations.map(withLocationDefaults).map((l) => ({
          business: input.id,
          country: l.country,
          organisation: l.organisation,
          processor: l.processor,
          role: l.role,
          mechanism: l.mechanism,
          isPrimary: l.primary,
          tiaDate: l.tiaDate,
          nextReview: l.nextReview,
          importerSubjectToGdpr: l.importerSubjectToGdpr,
        })),
      );
    }
    return existing.length === 0;
  });
}

/** A business's opened webhook settings; undefined when none are set or this key cannot open them. */
export async function getWebhookSecrets(store: RegistryStore, box: SecretBox, id: string): Promise<WebhookSecrets | undefined> {
  const [row] = await store.exclusive((db) =>
    db.select({ appSecret: businesses.appSecret, verifyToken: businesses.verifyToken }).from(businesses).where(eq(businesses.id, id)),
  );
  return readStoredSecrets(box, id, row);
}

export async function insertIngestKey(
  store: RegistryStore,
  key: { id: string; keyHash: string; label: string | null; businesses: string[] },
  now = new Date(),
): Promise<void> {
  await store.transaction(async (db) => {
    await db.insert(ingestKeys).values({ id: key.id, keyHash: key.keyHash, label: key.label, createdAt: now.toISOString() });
    await db.insert(ingestKeyBusinesses).values(key.businesses.map((business) => ({ keyId: key.id, business })));
  });
}

/** Returns false when no active key has this id. */
export async function revokeIngestKey(store: RegistryStore, id: string, now = new Date()): Promise<boolean> {
  return store.exclusive(async (db) => {
    const rows = await db
      .update(ingestKeys)
      .set({ revokedAt: now.toISOString() })
      .where(and(eq(ingestKeys.id, id), isNull(ingestKeys.revokedAt)))
      .returning({ id: ingestKeys.id });
    return rows.length > 0;
  });
}

export interface ActiveKey {
  id: string;
  keyHash: string;
  businesses: string[];
}

export async function listActiveKeys(store: RegistryStore): Promise<ActiveKey[]> {
  return store.exclusive(async (db) => {
    const keys = await db.select().from(ingestKeys).where(isNull(ingestKeys.revokedAt));
    const scopes = await db.select().from(ingestKeyBusinesses);
    return keys.map((k) => ({
      id: k.id,
      keyHash: k.keyHash,
      businesses: scopes.filter((s) => s.keyId === k.id).map((s) => s.business),
    }));
  });
}

export interface KeySummary {
  id: string;
  label: string | null;
  businesses: string[];
  createdAt: string;
  revokedAt: string | null;
}

export async function listKeysOfBusiness(store: RegistryStore, business: string): Promise<KeySummary[]> {
  return store.exclusive(async (db) => {
    const scopes = await db.select().from(ingestKeyBusinesses);
    const ids = new Set(scopes.filter((s) => s.business === business).map((s) => s.keyId));
    const keys = await db.select().from(ingestKeys).orderBy(asc(ingestKeys.createdAt));
    return keys
      .filter((k) => ids.has(k.id))
      .map((k) => ({
        id: k.id,
        label: k.label,
        businesses: scopes.filter((s) => s.keyId === k.id).map((s) => s.business),
        createdAt: k.createdAt,
        revokedAt: k.revokedAt,
      }));
  });
}
