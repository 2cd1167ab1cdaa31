/**
 * The API's replies as the dashboard reads them: named from the types generated from the
 * server's OpenAPI document (./apiSchema.d.ts, `npm run api:types`), never copied by hand.
 */
import type { components } from './apiSchema';

type Schemas = components['schemas'];

export type OverviewRow = Schemas['OverviewRow'];
export type OverviewReport = Schemas['OverviewReport'];
export type Metrics = Omit<OverviewRow, 'business' | 'name' | 'verified' | 'residency_flag' | 'suppressed'>;
export type BusinessReport = Schemas['BusinessReport'];
export type TemplateRow = BusinessReport['templates'][number];
/** Attempted messages of the period by the category they were billed in and their pricing type. */
export type PricingRow = BusinessReport['pricing'][number];
/** With `?compare=previous`: compared rows carry `change` and `change_suppressed`, and `compare` the preceding period's report. */
export type ComparedOverviewReport = Schemas['ComparedOverviewReport'];
export type ComparedBusinessReport = Schemas['ComparedBusinessReport'];
export type ComparedCampaignReport = Schemas['ComparedCampaignReport'];
export type ResidencyReport = Schemas['ResidencyReport'];
export type ResidencyBusiness = ResidencyReport['businesses'][number];
export type ResidencyLocation = Schemas['ResidencyLocation'];
export type LocationStatus = ResidencyLocation['status'];
export type AdequacyList = Schemas['AdequacyList'];
export type AdequacyDecision = Schemas['AdequacyDecision'];
export type AuditEntry = Schemas['AuditEntry'];
export type MetricEntry = Schemas['MetricEntry'];

/** A column of a metric table (the dashboard's own, not the API's). */
export interface MetricColumn {
  key: string;
  label: string;
  kind: 'count' | 'seconds' | 'rate';
}
