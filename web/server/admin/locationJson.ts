import type { z } from '@hono/zod-openapi';
import { withLocationDefaults, type ProcessingLocation as StoredLocation } from '../../../db/registry';
import type { ProcessingLocation, ProcessingLocationPut } from './businessSchemas';

// A processing location between its API form (snake_case) and the registry's (db/registry.ts).

export const locationFromApi = (l: z.infer<typeof ProcessingLocationPut>): StoredLocation => withLocationDefaults({
  country: l.country,
  organisation: l.organisation,
  processor: l.processor,
  role: l.role,
  mechanism: l.mechanism,
  primary: l.primary,
  tiaDate: l.tia_date,
  nextReview: l.next_review,
  importerSubjectToGdpr: l.importer_subject_to_gdpr,
});

export const locationToApi = (l: StoredLocation): z.infer<typeof ProcessingLocation> => ({
  country: l.country,
  organisation: l.organisation,
  processor: l.processor,
  role: l.role,
  mechanism: l.mechanism,
  primary: l.primary,
  tia_date: l.tiaDate,
  next_review: l.nextReview,
  importer_subject_to_gdpr: l.importerSubjectToGdpr,
});
