import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses } from '../../http/openapiSchemas';
import { PeriodQuery } from '../../../../reports/api/reportSchemas';
import { ProcessingRecordDocument } from '../../../../reports/records/recordSchema';

// Bearer ADMIN_TOKEN or a dashboard session.
const security = [{ adminToken: [] }];
const binary = z.string().openapi({ format: 'binary' });

export const RECORD_FORMATS = ['json', 'pdf'] as const;
export type RecordFormat = (typeof RECORD_FORMATS)[number];

const RECORD_FILE = /^([a-z0-9][a-z0-9_-]{0,63})\.(json|pdf)$/;
const EVIDENCE_FILE = /^([a-z0-9][a-z0-9_-]{0,63})\.zip$/;

/** `acme.pdf` -> the business and the format (one path segment: the router cannot split `{id}.{format}`). */
export function parseRecordFile(name: string): { id: string; format: RecordFormat } | undefined {
  const match = RECORD_FILE.exec(name);
  return match ? { id: match[1]!, format: match[2] as RecordFormat } : undefined;
}

export const parseEvidenceFile = (name: string): string | undefined => EVIDENCE_FILE.exec(name)?.[1];

const AUDITED =
  'Written to the audit log (who, when, filters, rows, SHA-256 of the bytes) before it is served: 503 when it cannot be. ' +
  'A user scoped to some businesses gets theirs only; another business answers 404 exactly as an unregistered id.';

export const recordExportRoute = createRoute({
  method: 'get', path: '/v1/exports/records/{file}', tags: ['Exports'], security,
  summary: 'One business\'s record of processing activities (GDPR Art. 30) as JSON or PDF: /v1/exports/records/<id>.<json|pdf> (role dpo or higher)',
  description:
    'Controller and DPO, purposes with legal basis and retention, categories of data subjects and of data as this product holds them, ' +
    'recipients (the declared processors), transfers to third countries with mechanism, safeguards, transfer impact assessment, review ' +
    'date and legal notes, retention, technical measures, the pseudonymisation statement and the WhatsApp numbers\' local storage. ' +
    'Each processing location is marked against the period\'s events: `declared_and_seen`, `declared_not_seen`, `seen_not_declared`, ' +
    `or \`not_observable\` (an international organisation). Audited as \`export.records.<format>\`. ${AUDITED}`,
  request: {
    params: z.object({
      file: z.string().regex(RECORD_FILE, { error: 'the file is <business id>.<json|pdf>' })
        .openapi({ param: { name: 'file', in: 'path' }, example: 'acme.pdf', description: 'The business id and the format' }),
    }),
    query: PeriodQuery,
  },
  responses: {
    200: {
      description: 'records_<id>_<from>_<to>.<json|pdf>',
      content: { 'application/json': { schema: ProcessingRecordDocument }, 'application/pdf': { schema: binary } },
    },
    ...errorResponses(400, 401, 403, 404, 503),
  },
});

export const evidencePackRoute = createRoute({
  method: 'get', path: '/v1/exports/evidence/{file}', tags: ['Exports'], security,
  summary: 'One business\'s evidence pack for an auditor as a ZIP: /v1/exports/evidence/<id>.zip (role dpo or higher)',
  description:
    'The residency report (JSON, PDF) and the Art. 30 record (JSON, PDF) of the business for the period, the audit log of the period ' +
    '(`audit-log.json`: the entries about this business or all businesses, from the period\'s first day to its last, and those of this ' +
    'pack\'s own exports), and `manifest.json`: every file with its SHA-256 and size, the period, generated_at, the adequacy and ' +
    'transfer-law list versions. Each file in it is produced by the same code as its individual export and recorded in the audit ' +
    '(`export.residency.*`, `export.records.*`, with the same SHA-256 as in the manifest); the pack itself as `export.evidence.zip`. ' +
    AUDITED,
  request: {
    params: z.object({
      file: z.string().regex(EVIDENCE_FILE, { error: 'the file is <business id>.zip' })
        .openapi({ param: { name: 'file', in: 'path' }, example: 'acme.zip', description: 'The business id' }),
    }),
    query: PeriodQuery,
  },
  responses: {
    200: { description: 'evidence_<id>_<from>_<to>.zip', content: { 'application/zip': { schema: binary } } },
    ...errorResponses(400, 401, 403, 404, 503),
  },
});
