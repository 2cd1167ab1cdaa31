import type { EventRow } from '../../../db/eventStore';
import { anonymiseEvent } from '../../../ingest/anonymise/anonymiseEvent';
import type { Pseudonymiser } from '../../../ingest/anonymise/pseudonym';
import type { Demo } from '../../../ingest/demo/generateDemo';
import { validateEvent } from '../../../ingest/events/validateEvent';

export interface RowContext {
  pseudonymiser: Pseudonymiser;
  /** Where a business's events are processed when they do not say (its primary location). */
  primaryCountry: (business: string) => string;
  retentionDays: number;
  now: () => number;
}

/** The context the intake would use for the demo's businesses (their primary locations). */
export function rowContext(pseudonymiser: Pseudonymiser, demo: Demo, retentionDays: number): RowContext {
  const primary = new Map(demo.businesses.map((b) => {
    const location = b.body.processing_locations.find((l) => l.primary) ?? b.body.processing_locations[0];
    return [b.id, location?.country ?? 'ZZ'];
  }));
  return { pseudonymiser, primaryCountry: (business) => primary.get(business) ?? 'ZZ', retentionDays, now: Date.now };
}

/** The first `count` rows of the demo, anonymised (a sample for the load-rate limits). */
export function firstRows(demo: Demo, context: RowContext, count: number): EventRow[] {
  const sample: EventRow[] = [];
  for (const batch of anonymisedRowBatches(demo, context, 10_000)) {
    sample.push(...batch.slice(0, count - sample.length));
    if (sample.length >= count) break;
  }
  return sample;
}

/**
 * The demo's events as the intake would store them: validated and anonymised exactly as
 * POST /v1/events does (same functions), without HTTP, in batches of about `rowsPerBatch`.
 */
export function* anonymisedRowBatches(demo: Demo, context: RowContext, rowsPerBatch: number): Generator<EventRow[]> {
  let rows: EventRow[] = [];
  for (const batch of demo.batches()) {
    const receivedAtMicros = context.now() * 1000;
    batch.forEach((event, index) => {
      const validated = validateEvent(event, index);
      if (!validated.ok) throw new Error(`a demo event is invalid: ${validated.rejection.field ?? ''} ${validated.rejection.error}`);
      const anonymised = anonymiseEvent(validated.event, index, {
        pseudonymiser: context.pseudonymiser,
        primaryProcessingCountry: context.primaryCountry(validated.event.business),
        receivedAtMicros,
        retentionDays: context.retentionDays,
      });
      if (!anonymised.ok) throw new Error(`a demo event was refused: ${anonymised.rejection.field ?? ''} ${anonymised.rejection.error}`);
      rows.push(anonymised.row);
    });
    if (rows.length >= rowsPerBatch) {
      yield rows;
      rows = [];
    }
  }
  if (rows.length > 0) yield rows;
}
