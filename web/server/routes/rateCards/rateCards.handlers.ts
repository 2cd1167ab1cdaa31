import type { Context } from 'hono';
import type { z } from '@hono/zod-openapi';
import { getBusiness } from '../../../../db/registry';
import {
  addRateCardVersion, listRateCards, loadRateCardVersions, namedRateCard, rateCardExists, rateCardOfBusiness, setBusinessRateCard,
  type RateCardVersion, type RateCardVersionInfo,
} from '../../../../db/rateCards';
import type { RegistryStore } from '../../../../db/store';
import { recordAction, type ActionAuditDeps } from '../../auth/auditAction';
import { principalOf } from '../../auth/principal';
import { ApiError, badRequest, notFound } from '../../http/apiError';
import { validationError } from '../../http/errorHandling';
import { csvField, parseRateCardCsv } from './rateCardCsv';
import { CsvQuery, RateCardId, RateCardPut, type BusinessRateCard } from './rateCards.routes';

export interface RateCardDeps extends ActionAuditDeps {
  store: RegistryStore;
}

type RateCardBody = z.infer<typeof RateCardPut>;

const toMicros = (price: number) => Math.round(price * 1e6);
const summaryJson = (v: RateCardVersionInfo, rows: number) => ({
  version: v.version, currency: v.currency, effective_from: v.effectiveFrom, uploaded_at: v.uploadedAt, uploaded_by: v.uploadedBy, rows,
});

/** Validates a parsed body with the JSON rules; CSV problems are named by their line. */
function validCard(input: unknown, lineOfRow?: readonly number[]): RateCardBody {
  const parsed = RateCardPut.safeParse(input);
  if (parsed.success) return parsed.data;
  if (!lineOfRow) throw validationError(parsed.error, 'request body');
  const details = parsed.error.issues.map((issue) => ({ field: csvField(issue.path, lineOfRow), error: issue.message }));
  throw new ApiError(400, 'validation_failed', 'invalid CSV rate card', details);
}

/** The body as a card: JSON, or CSV with currency and effective_from in the query. */
async function cardOfRequest(c: Context): Promise<RateCardBody> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const query = CsvQuery.parse({ currency: c.req.query('currency'), effective_from: c.req.query('effective_from') });
  if (type === 'text/csv') {
    const { card, lineOfRow } = parseRateCardCsv(await c.req.text(), query);
    return validCard(card, lineOfRow);
  }
  if (type !== 'application/json') throw new ApiError(415, 'unsupported_media_type', 'send application/json or text/csv');
  if (query.currency !== undefined || query.effective_from !== undefined) {
    throw badRequest('currency and effective_from are query parameters of a CSV upload only; a JSON body carries them itself');
  }
  const body: unknown = await c.req.json().catch(() => {
    throw badRequest('the body is not valid JSON');
  });
  return validCard(body);
}

/** PUT /v1/rate-cards/:id (admin): stores the body as the card's next version; audited. */
export function putRateCardHandler(deps: RateCardDeps) {
  return async (c: Context) => {
    const id = RateCardId.safeParse(c.req.param('id'));
    if (!id.success) throw validationError(id.error, 'path parameters');
    const card = await cardOfRequest(c);
    const principal = principalOf(c);
    const uploadedAtMs = deps.now();
    const prices = card.prices.map((p) => ({ category: p.category, country: p.country, priceMicros: toMicros(p.price) }));
    const version = await addRateCardVersion(deps.store, {
      cardId: id.data, currency: card.currency, effectiveFrom: card.effective_from, uploadedBy: principal.actor, uploadedAtMs, prices,
    });
    await recordAction(deps, {
      actor: principal.actor, action: 'admin.rate_card.upload', target: null,
      filters: { card: id.data, version, currency: card.currency, effective_from: card.effective_from, rows: prices.length },
    });
    const info = { cardId: id.data, version, currency: card.currency, effectiveFrom: card.effective_from, uploadedAt: new Date(uploadedAtMs).toISOString(), uploadedBy: principal.actor };
    return c.json({ id: id.data, ...summaryJson(info, prices.length) }, 201);
  };
}

export async function listRateCardsForApi(deps: RateCardDeps) {
  const cards = await listRateCards(deps.store);
  return {
    rate_cards: cards.map((card) => ({
      id: card.cardId,
      currency: card.versions.at(-1)!.currency,
      versions: card.versions.map((v) => summaryJson(v, v.rowCount)),
    })),
  };
}

const versionJson = (v: RateCardVersion) => ({
  ...summaryJson(v, v.prices.length),
  prices: v.prices.map((p) => ({ category: p.category, country: p.country, price: p.priceMicros / 1e6 })),
});

export async function getRateCardForApi(deps: RateCardDeps, id: string, version: number | undefined) {
  const versions = await loadRateCardVersions(deps.store, id);
  if (versions.length === 0) throw notFound(`no rate card ${id}`);
  const chosen = version === undefined ? versions : versions.filter((v) => v.version === version);
  if (chosen.length === 0) throw notFound(`rate card ${id} has no version ${version}`);
  return { id, versions: chosen.map(versionJson) };
}

async function businessRateCardJson(deps: RateCardDeps, business: string): Promise<z.infer<typeof BusinessRateCard>> {
  return { business, card: await namedRateCard(deps.store, business), applies: await rateCardOfBusiness(deps.store, business) };
}

async function requireBusiness(deps: RateCardDeps, business: string): Promise<void> {
  if (!(await getBusiness(deps.store, business))) throw notFound(`business ${business} is not registered`);
}

export async function getBusinessRateCardForApi(deps: RateCardDeps, business: string) {
  await requireBusiness(deps, business);
  return businessRateCardJson(deps, business);
}

/** Names (or, with null, clears) a business's card; the card must have been uploaded. Audited. */
export async function putBusinessRateCardForApi(deps: RateCardDeps, c: Context, business: string, card: string | null) {
  await requireBusiness(deps, business);
  if (card !== null && !(await rateCardExists(deps.store, card))) throw notFound(`no rate card ${card}: upload it first`);
  await setBusinessRateCard(deps.store, business, card);
  await recordAction(deps, { actor: principalOf(c).actor, action: 'admin.business.rate_card', target: business, filters: { card } });
  return businessRateCardJson(deps, business);
}
