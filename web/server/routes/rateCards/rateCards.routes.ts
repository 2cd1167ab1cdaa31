import { createRoute, z } from '@hono/zod-openapi';
import { ANY_COUNTRY } from '../../../../db/rateCards';
import { isCountryCode } from '../../../../db/countries';
import { CATEGORIES } from '../../../../db/vocabulary';
import { isIsoDate } from '../../../../reports/period';
import { BusinessId } from '../../admin/businessSchemas';
import { errorResponses } from '../../http/openapiSchemas';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
const security = [{ adminToken: [] }];

/** The largest price accepted: far above any per-message price, and exact in millionths. */
export const MAX_PRICE = 1_000_000;
export const MAX_PRICE_ROWS = 10_000;

export const RateCardId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, {
  error: 'a rate card id is 1-64 characters: lower-case letters, digits, "-" and "_"',
}).openapi({ example: 'default' });

const Currency = z.string({ error: 'currency is required: an ISO 4217 code such as EUR' })
  .regex(/^[A-Z]{3}$/, { error: 'currency must be an ISO 4217 code of three capital letters, e.g. EUR' });
const EffectiveFrom = z.string({ error: 'effective_from is required: a UTC date YYYY-MM-DD' })
  .refine(isIsoDate, { error: 'effective_from must be a real date YYYY-MM-DD' });

// A price must be exact in millionths (the stored unit): 0.1131 is, 0.12345678 is not.
const inMillionths = (price: number) => Math.round(price * 1e6) / 1e6 === price;

const PriceRow = z.strictObject({
  category: z.enum(CATEGORIES, { error: `category must be one of ${CATEGORIES.join(', ')}` }),
  country: z.string({ error: 'country is required' }).refine((c) => c === ANY_COUNTRY || isCountryCode(c), {
    error: 'country must be an ISO 3166-1 alpha-2 code in capitals (e.g. DE), or * for any other country',
  }),
  price: z.number({ error: 'price must be a finite number' })
    .min(0, { error: 'price must not be negative' })
    .max(MAX_PRICE, { error: `price must be at most ${MAX_PRICE}` })
    .refine(inMillionths, { error: 'price has at most 6 decimal places' }),
}).openapi('RateCardPrice');

/**
 * An issue at every row repeating an earlier (category, country). Runs on rows that failed other
 * rules too, so that one reply names every problem; a row that is not an object is skipped.
 */
function duplicateRows(prices: readonly unknown[], ctx: z.RefinementCtx) {
  const seen = new Set<string>();
  prices.forEach((row, i) => {
    if (typeof row !== 'object' || row === null) return;
    const { category, country } = row as Record<string, unknown>;
    const key = `${String(category)},${String(country)}`;
    if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i, 'country'], message: `duplicate (category, country) ${key}: given in an earlier row` });
    seen.add(key);
  });
}

export const RateCardPut = z.strictObject({
  currency: Currency.openapi({ example: 'EUR' }),
  effective_from: EffectiveFrom.openapi({ example: '2026-07-01', description: 'The first UTC send date this version prices' }),
  prices: z.array(PriceRow, { error: 'prices must be a list of {category, country, price}' })
    .min(1, { error: 'prices must have at least one row' })
    .max(MAX_PRICE_ROWS, { error: `prices must have at most ${MAX_PRICE_ROWS} rows` })
    .superRefine(duplicateRows, { when: (payload) => Array.isArray(payload.value) }),
}).openapi('RateCardPut');

export const CsvQuery = z.object({
  currency: z.string().optional().openapi({ param: { name: 'currency', in: 'query' }, example: 'EUR', description: 'With a text/csv body: ISO 4217' }),
  effective_from: z.string().optional().openapi({ param: { name: 'effective_from', in: 'query' }, example: '2026-07-01', description: 'With a text/csv body: YYYY-MM-DD' }),
});

const VersionSummary = z.object({
  version: z.number().int(),
  currency: z.string(),
  effective_from: z.string(),
  uploaded_at: z.string().openapi({ description: 'RFC 3339, UTC' }),
  uploaded_by: z.string().openapi({ description: 'The uploader\'s email, or "admin"' }),
  rows: z.number().int().openapi({ description: 'Number of prices' }),
}).openapi('RateCardVersionSummary');

const PriceOut = z.object({ category: z.string(), country: z.string(), price: z.number() });
const VersionWithPrices = VersionSummary.extend({ prices: z.array(PriceOut) }).openapi('RateCardVersion');

export const UploadedVersion = VersionSummary.extend({ id: z.string() }).openapi('RateCardUploaded');
export const RateCardList = z.object({
  rate_cards: z.array(z.object({ id: z.string(), currency: z.string().openapi({ description: 'The latest upload\'s' }), versions: z.array(VersionSummary) })),
});
export const RateCardDetail = z.object({ id: z.string(), versions: z.array(VersionWithPrices) }).openapi('RateCard');
export const BusinessRateCard = z.object({
  business: z.string(),
  card: z.string().nullable().openapi({ description: 'The card the business named; null: none' }),
  applies: z.string().nullable().openapi({ description: 'The card its costs are priced with: `card`, else `default` if uploaded, else null' }),
}).openapi('BusinessRateCard');
export const BusinessRateCardPut = z.strictObject({
  card: RateCardId.nullable().openapi({ description: 'An uploaded card\'s id; null: back to `default`' }),
});

export const putRateCardRoute = createRoute({
  method: 'put', path: '/v1/rate-cards/{id}', tags: ['Rate cards'], security,
  summary: 'Upload a new version of a rate card (admin)',
  description: 'JSON, or text/csv with the header `category,country,price` and `currency` and `effective_from` as query parameters. Every upload is a new version; none is overwritten.',
  request: {
    params: z.object({ id: RateCardId }),
    query: CsvQuery,
    body: { required: true, content: { ...json(RateCardPut), 'text/csv': { schema: z.string().openapi({ example: 'category,country,price\nmarketing,DE,0.1131\nmarketing,*,0.0600' }) } } },
  },
  responses: { 201: { description: 'The stored version', content: json(UploadedVersion) }, ...errorResponses(400, 401, 403, 413) },
});

export const listRateCardsRoute = createRoute({
  method: 'get', path: '/v1/rate-cards', tags: ['Rate cards'], security,
  summary: 'Rate cards and their versions (role marketing or higher)',
  responses: { 200: { description: 'Rate cards by id', content: json(RateCardList) }, ...errorResponses(401, 403) },
});

export const getRateCardRoute = createRoute({
  method: 'get', path: '/v1/rate-cards/{id}', tags: ['Rate cards'], security,
  summary: 'A rate card\'s versions with their prices (role marketing or higher)',
  request: {
    params: z.object({ id: RateCardId }),
    query: z.object({
      version: z.coerce.number({ error: 'version must be a whole number from 1' }).int({ error: 'version must be a whole number from 1' })
        .min(1, { error: 'version must be a whole number from 1' }).optional()
        .openapi({ param: { name: 'version', in: 'query' }, description: 'Only this version' }),
    }),
  },
  responses: { 200: { description: 'Versions by effective date, then upload', content: json(RateCardDetail) }, ...errorResponses(400, 401, 403, 404) },
});

export const getBusinessRateCardRoute = createRoute({
  method: 'get', path: '/v1/businesses/{id}/rate-card', tags: ['Rate cards'], security,
  summary: 'The rate card a business is priced with (admin)',
  request: { params: z.object({ id: BusinessId }) },
  responses: { 200: { description: 'Its card', content: json(BusinessRateCard) }, ...errorResponses(400, 401, 403, 404) },
});

export const putBusinessRateCardRoute = createRoute({
  method: 'put', path: '/v1/businesses/{id}/rate-card', tags: ['Rate cards'], security,
  summary: 'Name the rate card a business is priced with (admin)',
  request: { params: z.object({ id: BusinessId }), body: { required: true, content: json(BusinessRateCardPut) } },
  responses: { 200: { description: 'Its card', content: json(BusinessRateCard) }, ...errorResponses(400, 401, 403, 404) },
});
