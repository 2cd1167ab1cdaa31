import type { z } from '@hono/zod-openapi';
import {
  getBusiness, insertIngestKey, listBusinesses, listKeysOfBusiness, putBusiness, revokeIngestKey,
  type BusinessRecord,
} from '../../../db/registry';
import type { RegistryStore } from '../../../db/store';
import type { SecretBox } from '../../../db/secretBox';
import { generateIngestKey } from '../../../ingest/keys/ingestKeys';
import { notFound } from '../http/apiError';
import type { Business, BusinessPut, KeyCreate, KeyCreated, KeySummary } from './businessSchemas';
import { locationFromApi, locationToApi } from './locationJson';

export interface RegistryDeps {
  store: RegistryStore;
  /** Seals the webhook secrets a business PUT carries. */
  secretBox: SecretBox;
  /** Called after every change, so the intake's in-memory view follows. */
  onRegistryChanged: () => Promise<void>;
}

export function toBusinessJson(b: BusinessRecord): z.infer<typeof Business> {
  return {
    id: b.id,
    name: b.name,
    sector: b.sector,
    verified: b.verified,
    timezone: b.timezone,
    business_hours: b.businessHours,
    processing_locations: b.processingLocations.map(locationToApi),
    webhooks_configured: b.webhooksConfigured,
    created_at: b.createdAt,
    updated_at: b.updatedAt,
  };
}

export async function putBusinessFromApi(deps: RegistryDeps, id: string, body: z.infer<typeof BusinessPut>) {
  const created = await putBusiness(deps.store, deps.secretBox, {
    id,
    name: body.name,
    sector: body.sector,
    verified: body.verified,
    timezone: body.timezone,
    businessHours: body.business_hours,
    processingLocations: body.processing_locations.map(locationFromApi),
    webhooks: body.webhooks === undefined
      ? undefined
      : body.webhooks && { appSecret: body.webhooks.app_secret, verifyToken: body.webhooks.verify_token },
  });
  await deps.onRegistryChanged();
  const stored = await getBusiness(deps.store, id);
  return { created, business: toBusinessJson(stored!) };
}

export async function listBusinessesForApi(deps: RegistryDeps) {
  return { businesses: (await listBusinesses(deps.store)).map(toBusinessJson) };
}

export async function getBusinessForApi(deps: RegistryDeps, id: string) {
  const business = await getBusiness(deps.store, id);
  if (!business) throw notFound(`business ${id} is not registered`);
  return toBusinessJson(business);
}

export async function createKeyForApi(deps: RegistryDeps, id: string, body: z.infer<typeof KeyCreate> | undefined): Promise<z.infer<typeof KeyCreated>> {
  const known = new Set((await listBusinesses(deps.store)).map((b) => b.id));
  const scope = [...new Set([id, ...(body?.also_businesses ?? [])])];
  const unknown = scope.filter((b) => !known.has(b));
  if (unknown.length > 0) throw notFound(`not registered: ${unknown.join(', ')}`);
  const generated = generateIngestKey();
  const now = new Date();
  await insertIngestKey(deps.store, { id: generated.id, keyHash: generated.keyHash, label: body?.label ?? null, businesses: scope }, now);
  await deps.onRegistryChanged();
  return { id: generated.id, key: generated.key, label: body?.label ?? null, businesses: scope, created_at: now.toISOString() };
}

export async function listKeysForApi(deps: RegistryDeps, id: string): Promise<{ keys: z.infer<typeof KeySummary>[] }> {
  await getBusinessForApi(deps, id);
  const keys = await listKeysOfBusiness(deps.store, id);
  return {
    keys: keys.map((k) => ({ id: k.id, label: k.label, businesses: k.businesses, created_at: k.createdAt, revoked_at: k.revokedAt })),
  };
}

export async function revokeKeyForApi(deps: RegistryDeps, keyId: string): Promise<void> {
  if (!(await revokeIngestKey(deps.store, keyId))) throw notFound(`no active ingest key ${keyId}`);
  await deps.onRegistryChanged();
}
