import { compileCampaignCharges } from '../campaigns/campaignCharges';
import { compileCampaignRows } from '../campaigns/campaignSql';
import { compileBadgeInputs, compileConversationMetrics } from '../metrics/conversationMetricsSql';
import { compileEventMetrics, compileRowsPerBusiness } from '../metrics/compileSql';
import { compilePricingBreakdown } from '../metrics/pricingBreakdown';
import { compileTemplateBreakdown } from '../metrics/templateBreakdown';
import { flagBasisSql, processingKeysSql, residencyCountsSql } from '../residency/residencySql';
import type { ReportQueries } from './reportQueries';

/** The report queries in DuckDB's SQL, over the activity days and facts written with the events. */
export const DUCKDB_REPORT_QUERIES: ReportQueries = {
  eventMetrics: compileEventMetrics,
  rowsPerBusiness: compileRowsPerBusiness,
  conversationMetrics: compileConversationMetrics,
  badgeInputs: compileBadgeInputs,
  processingKeys: processingKeysSql,
  residencyCounts: residencyCountsSql,
  flagBasis: flagBasisSql,
  templateBreakdown: compileTemplateBreakdown,
  pricingBreakdown: compilePricingBreakdown,
  campaignRows: compileCampaignRows,
  campaignCharges: compileCampaignCharges,
};
