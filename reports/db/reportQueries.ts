import type { compileCampaignCharges } from '../campaigns/campaignCharges';
import type { compileCampaignRows } from '../campaigns/campaignSql';
import type { compileBadgeInputs, compileConversationMetrics } from '../metrics/conversationMetricsSql';
import type { compileEventMetrics, compileRowsPerBusiness } from '../metrics/compileSql';
import type { compilePricingBreakdown } from '../metrics/pricingBreakdown';
import type { compileTemplateBreakdown } from '../metrics/templateBreakdown';
import type { flagBasisSql, processingKeysSql, residencyCountsSql } from '../residency/residencySql';

/**
 * The report side of the store port: the queries the reports run, one builder per question, each
 * turning an engine-neutral scope (period, businesses, groupings, the metric definitions) into
 * its engine's SQL. What a figure means lives in ../metrics/definitions.ts and the report code;
 * how an engine computes it fast lives behind this interface. DuckDB's builders
 * (./duckdbReportQueries.ts) are the first implementation and the default.
 */
export interface ReportQueries {
  /** The events metrics (distinct customers, conversations, messages) per business and grouping. */
  eventMetrics: typeof compileEventMetrics;
  /** Rows of the activity tables per business, to plan the event metrics' grouping. */
  rowsPerBusiness: typeof compileRowsPerBusiness;
  /** First response times, response rates and their cohorts per business and grouping. */
  conversationMetrics: typeof compileConversationMetrics;
  /** The very-responsive badge's inputs over its trailing window. */
  badgeInputs: typeof compileBadgeInputs;
  /** Processing countries and customer regions seen per business. */
  processingKeys: typeof processingKeysSql;
  /** Customers per region class and processing country, per business. */
  residencyCounts: typeof residencyCountsSql;
  /** EEA customers processed in the countries behind each business's residency flag. */
  flagBasis: typeof flagBasisSql;
  templateBreakdown: typeof compileTemplateBreakdown;
  pricingBreakdown: typeof compilePricingBreakdown;
  /** Per template, category and campaign of a period's template sends: messages and attributed reactions. */
  campaignRows: typeof compileCampaignRows;
  /** The same rows' charged messages by recipient country and UTC send day, to price them. */
  campaignCharges: typeof compileCampaignCharges;
}
