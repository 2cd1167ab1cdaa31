/** The report API's replies (SPEC 9); the dashboard reads nothing else. */

export interface OverviewRow {
  business: string;
  name: string;
  verified: boolean;
  conversations: number | null;
  customer_initiated: number | null;
  frt_median_s: number | null;
  frt_p90_s: number | null;
  frt_bh_median_s: number | null;
  frt_bh_p90_s: number | null;
  response_rate_24h: number | null;
  very_responsive: boolean;
  block_rate: number | null;
  mute_rate: number | null;
  report_rate: number | null;
  opt_out_rate: number | null;
  delivery_rate: number | null;
  read_rate: number | null;
  limited_rate: number | null;
  residency_flag: 'ok' | 'safeguarded' | 'exposed';
  suppressed: string[];
}

export interface OverviewReport {
  from: string;
  to: string;
  k: number;
  businesses: OverviewRow[];
}

export type Metrics = Omit<OverviewRow, 'business' | 'name' | 'verified' | 'residency_flag' | 'suppressed'>;

export interface BusinessReport {
  from: string;
  to: string;
  k: number;
  granularity: 'day' | 'week';
  channel: string | null;
  business: string;
  name: string;
  verified: boolean;
  timezone: string;
  totals: Metrics & { residency_flag: OverviewRow['residency_flag']; suppressed: string[] };
  series: (Metrics & { from: string; to: string; suppressed: string[] })[];
  channels: (Metrics & { channel: string; suppressed: string[] })[];
  templates: TemplateRow[];
  pricing: PricingRow[];
}

export interface TemplateRow {
  category: string;
  template: string | null;
  sent: number | null;
  delivery_rate: number | null;
  read_rate: number | null;
  limited_rate: number | null;
  suppressed: string[];
}

/**
 * Attempted messages of the period by the category they were billed in and their pricing type. A
 * type, not an interface: MetricTable takes its rows as records.
 */
export type PricingRow = {
  category: string;
  charged: number | null;
  free_customer_service: number | null;
  free_entry_point: number | null;
  unknown: number | null;
  suppressed: string[];
};

export type LocationStatus = 'ok' | 'safeguarded' | 'exposed';

export interface ResidencyLocation {
  country: string;
  processor: string;
  role: 'controller' | 'processor' | null;
  mechanism: string;
  primary: boolean;
  declared: boolean;
  status: LocationStatus;
  eea_customers: number | null;
}

export interface ResidencyBusiness {
  business: string;
  name: string;
  flag: LocationStatus;
  exposure: number | null;
  customers_by_class: { eea: number | null; adequate: number | null; third: number | null; unknown: number | null };
  locations: ResidencyLocation[];
  suppressed: string[];
}

export interface ResidencyReport {
  from: string;
  to: string;
  k: number;
  adequacy_as_of: string;
  adequacy_version: number;
  businesses: ResidencyBusiness[];
}

export interface MetricColumn {
  key: string;
  label: string;
  kind: 'count' | 'seconds' | 'rate';
}

export interface AdequacyDecision {
  country: string | null;
  organisation?: string;
  name: string;
  decision: string;
  date: string;
  scope: 'full' | 'partial';
  note: string;
  renewed?: string;
  valid_to?: string;
  source: string;
}

export interface AdequacyList {
  version: number;
  as_of: string;
  description: string;
  sources: string[];
  decisions: AdequacyDecision[];
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  filters: Record<string, unknown>;
  row_count: number | null;
  sha256: string | null;
}
