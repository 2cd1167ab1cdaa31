import type { z } from '@hono/zod-openapi';
import type { BusinessRecord, ProcessingLocation } from '../../../db/registry';
import type { BusinessPut } from './businessSchemas';
import { locationFromApi } from './locationJson';

// Canonical forms, so that the same value sent in another order is not reported as a change.
const hoursKey = (hours: Record<string, unknown>) => JSON.stringify(Object.keys(hours).sort().map((day) => [day, hours[day]]));
const locationsKey = (locations: ProcessingLocation[]) =>
  JSON.stringify(
    locations
      .map((l) => [l.country, l.organisation, l.processor, l.role, l.mechanism, l.primary, l.tiaDate, l.nextReview, l.importerSubjectToGdpr])
      .map((fields) => JSON.stringify(fields))
      .sort(),
  );

/**
 * The fields a business PUT changes, by their API names, for the audit log. Webhook secrets are
 * named when the body sets or clears them (they are never compared or recorded).
 */
export function changedBusinessFields(before: BusinessRecord | undefined, body: z.infer<typeof BusinessPut>): string[] {
  const changed: string[] = [];
  if (before?.name !== body.name) changed.push('name');
  if (before?.sector !== body.sector) changed.push('sector');
  if (before?.verified !== body.verified) changed.push('verified');
  if (before?.timezone !== body.timezone) changed.push('timezone');
  if (!before || hoursKey(before.businessHours) !== hoursKey(body.business_hours)) changed.push('business_hours');
  if (!before || locationsKey(before.processingLocations) !== locationsKey(body.processing_locations.map(locationFromApi))) changed.push('processing_locations');
  if (body.webhooks !== undefined) changed.push('webhooks');
  return changed;
}
