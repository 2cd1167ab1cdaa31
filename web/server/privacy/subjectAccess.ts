import type { SubjectEvent } from '../../../db/subjectAccess';
import { forgetCachedPhoneNumbers } from '../../../ingest/anonymise/customerIdentity';
import { csvDocument } from '../../../reports/exports/csvText';
import { erasureTargets, type ErasureDeps, type ErasureRequest } from './erasure';

// Subject access (GDPR Art. 15) beside erasure: the same identifier, read the same ways and
// pseudonymised with the same keys (./erasure.ts erasureTargets), and the person found through
// the same identity links, so the reply covers exactly what an erasure would delete.

export type SubjectAccessDeps = Pick<ErasureDeps, 'writer' | 'pseudonymiser' | 'previousPseudonymKey'>;

/** The person's stored events at the businesses named, oldest first per business. */
export async function accessPerson(deps: SubjectAccessDeps, request: ErasureRequest): Promise<SubjectEvent[]> {
  const targets = erasureTargets(request, deps);
  try {
    // In the writer's queue: every event committed before the request is seen, and the event
    // store is used by one operation at a time.
    return await deps.writer.exclusive((store) => store.subjectEvents(targets));
  } finally {
    // Computing the pseudonyms cached the raw identifier: forget it, as erasure does.
    for (const pseudonymiser of [deps.pseudonymiser, deps.previousPseudonymKey?.pseudonymiser]) pseudonymiser?.forgetCachedIdentifiers();
    forgetCachedPhoneNumbers();
  }
}

/** One event as the API and the CSV give it (snake_case, the same fields in the same order). */
export interface SubjectEventReply {
  business: string;
  at: string;
  type: string;
  channel: string;
  region: string;
  processed_in: string;
  sender: string | null;
  category: string | null;
  template: string | null;
  campaign: string | null;
  pricing: string | null;
}

export interface SubjectAccessReply {
  event_count: number;
  businesses: { business: string; events: number }[];
  events: SubjectEventReply[];
}

export function subjectAccessReply(businesses: readonly string[], events: readonly SubjectEvent[]): SubjectAccessReply {
  return {
    event_count: events.length,
    businesses: businesses.map((business) => ({ business, events: events.filter((e) => e.business === business).length })),
    events: events.map((e) => ({
      business: e.business, at: e.at, type: e.type, channel: e.channel, region: e.region, processed_in: e.processedIn,
      sender: e.sender, category: e.category, template: e.template, campaign: e.campaign, pricing: e.pricing,
    })),
  };
}

const CSV_COLUMNS = ['business', 'at', 'type', 'channel', 'region', 'processed_in', 'sender', 'category', 'template', 'campaign', 'pricing'] as const;

/** The reply as CSV: what the file is, then one row per event (free text neutralised against formulas). */
export function subjectAccessCsv(reply: SubjectAccessReply, generatedAt: string): string {
  return csvDocument({
    meta: [
      ['subject_access', 'GDPR Art. 15: event metadata held about one person (no message content is stored)'],
      ['businesses', reply.businesses.map((b) => b.business).join(' ')],
      ['events', reply.event_count],
      ['generated_at', generatedAt],
    ],
    header: [...CSV_COLUMNS],
    rows: reply.events.map((e) => CSV_COLUMNS.map((column) => e[column])),
  });
}
