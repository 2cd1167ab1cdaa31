import { createRoute, z } from '@hono/zod-openapi';
import { isCountryCode } from '../../../db/countries';
import { LEGAL_BASES } from '../../../db/processingRecords';
import { errorResponses } from '../http/openapiSchemas';
import { BusinessId } from './businessSchemas';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
const adminSecurity = [{ adminToken: [] }];

const text = (name: string, max: number) =>
  z.string({ error: `${name} is required text` }).trim().min(1, { error: `${name} must not be empty` }).max(max, { error: `${name} is at most ${max} characters` });

const Purpose = z.strictObject({
  id: z.string({ error: 'a purpose id is required' }).regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, {
    error: 'a purpose id is 1-64 characters: lower-case letters, digits, "-" and "_"',
  }).openapi({ example: 'customer_care' }),
  description: text('description', 500),
  legal_basis: z.enum(LEGAL_BASES, { error: `legal_basis is one of ${LEGAL_BASES.join(', ')}` }).openapi({ description: 'GDPR Art. 6(1)' }),
  retention_days: z.number({ error: 'retention_days must be a whole number of days, 1 to 3650' })
    .int({ error: 'retention_days must be a whole number of days, 1 to 3650' })
    .min(1, { error: 'retention_days must be a whole number of days, 1 to 3650' })
    .max(3650, { error: 'retention_days must be a whole number of days, 1 to 3650' }),
});

const WhatsAppNumber = z.strictObject({
  phone_number_id: z.string({ error: 'phone_number_id is the Cloud API\'s phone number id (digits)' })
    .regex(/^\d{1,32}$/, { error: 'phone_number_id is the Cloud API\'s phone number id (digits)' }),
  data_localization_region: z.string().refine(isCountryCode, { error: 'data_localization_region is an ISO 3166-1 alpha-2 code in capitals (e.g. DE), or null' })
    .nullable()
    .openapi({
      description: 'The Cloud API\'s local-storage region for this number, or null. Meta\'s transit caveat: message content may still be processed anywhere for up to 60 minutes (90 for the Marketing Messages API); https://developers.facebook.com/docs/whatsapp/cloud-api/overview/local-storage',
    }),
});

export const ProcessingRecordsPut = z.strictObject({
  controller: z.strictObject({ name: text('controller.name', 200), address: text('controller.address', 500), contact: text('controller.contact', 200) }),
  dpo: z.strictObject({
    name: text('dpo.name', 200),
    email: z.email({ error: 'dpo.email must be an e-mail address' }).max(254, { error: 'dpo.email is at most 254 characters' }),
  }),
  purposes: z.array(Purpose).min(1, { error: 'declare at least one purpose' }).max(50)
    .refine((ps) => new Set(ps.map((p) => p.id)).size === ps.length, { error: 'each purpose id may appear once' }),
  whatsapp_numbers: z.array(WhatsAppNumber).max(100)
    .refine((ns) => new Set(ns.map((n) => n.phone_number_id)).size === ns.length, { error: 'each phone_number_id may appear once' }),
}).openapi('ProcessingRecordsPut', {
  description: 'The records of processing a business declares (GDPR Art. 30): controller, DPO, purposes with their legal basis and retention, and the WhatsApp numbers\' local storage.',
  example: {
    controller: { name: 'Aer Skyways DAC', address: '1 Airport Road, Dublin', contact: 'privacy@aer.example' },
    dpo: { name: 'Jane Doe', email: 'dpo@aer.example' },
    purposes: [{ id: 'customer_care', description: 'Answering customers\' messages', legal_basis: 'contract', retention_days: 365 }],
    whatsapp_numbers: [{ phone_number_id: '106540352242922', data_localization_region: 'DE' }],
  },
});

export const ProcessingRecordsReply = z.object({
  business: z.string(),
  ...ProcessingRecordsPut.shape,
  updated_at: z.string(),
}).openapi('ProcessingRecords');

const params = z.object({ id: BusinessId });

export const putProcessingRecordsRoute = createRoute({
  method: 'put', path: '/v1/businesses/{id}/records', tags: ['Registry'], security: adminSecurity,
  summary: 'Set a business\'s records of processing (controller, DPO, purposes with retention, WhatsApp local storage); admin only',
  request: { params, body: { required: true, content: json(ProcessingRecordsPut) } },
  responses: { 200: { description: 'The records now stored', content: json(ProcessingRecordsReply) }, ...errorResponses(400, 401, 403, 404) },
});

export const getProcessingRecordsRoute = createRoute({
  method: 'get', path: '/v1/businesses/{id}/records', tags: ['Registry'], security: adminSecurity,
  summary: 'A business\'s records of processing; dpo or admin (404 when it declared none)',
  request: { params },
  responses: { 200: { description: 'The records', content: json(ProcessingRecordsReply) }, ...errorResponses(400, 401, 403, 404) },
});
