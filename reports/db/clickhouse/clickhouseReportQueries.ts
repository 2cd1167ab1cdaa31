import type { ReportQueries } from '../reportQueries';
import { clickhouseBadgeInputs } from './badgeInputs';
import { clickhouseCampaignCharges } from './campaignCharges';
import { clickhouseCampaignRows } from './campaignRows';
import { clickhousePricingBreakdown, clickhouseTemplateBreakdown } from './breakdowns';
import { clickhouseConversationMetrics } from './conversationMetrics';
import { clickhouseEventMetrics, clickhouseRowsPerBusiness } from './eventMetrics';
import { clickhouseFlagBasis, clickhouseProcessingKeys, clickhouseResidencyCounts } from './residency';

/**
 * The report queries in ClickHouse SQL (the subset 18.16 and 26.x share), over the events table
 * of db/clickhouse/schema.ts, each event once. Same scopes in, same result columns out as
 * DUCKDB_REPORT_QUERIES; values are inlined (db/clickhouse/sqlLiteral.ts), so every query's
 * `params` is empty. Every builder of the port.
 */
export const CLICKHOUSE_REPORT_QUERIES: ReportQueries = {
  eventMetrics: clickhouseEventMetrics,
  rowsPerBusiness: clickhouseRowsPerBusiness,
  conversationMetrics: clickhouseConversationMetrics,
  badgeInputs: clickhouseBadgeInputs,
  processingKeys: clickhouseProcessingKeys,
  residencyCounts: clickhouseResidencyCounts,
  flagBasis: clickhouseFlagBasis,
  templateBreakdown: clickhouseTemplateBreakdown,
  pricingBreakdown: clickhousePricingBreakdown,
  campaignRows: clickhouseCampaignRows,
  campaignCharges: clickhouseCampaignCharges,
};
