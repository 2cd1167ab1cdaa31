import type { BusinessRecord } from '../../../db/registry';
import type { ReportQueries } from '../reportQueries';
import type { ReportSource } from '../reportSource';
import { ClickHouseReadQueue, type ClickHouseReader } from './clickhouseReadQueue';
import { CLICKHOUSE_REPORT_QUERIES } from './clickhouseReportQueries';

export type { ClickHouseReader } from './clickhouseReadQueue';

/**
 * A ReportSource over ClickHouse: the reports, exports and their tests read it as they read
 * DuckDB's. The reads go through a ClickHouseReadQueue (bounded line, at most N queries running,
 * max_execution_time and a client-side deadline); a bare reader gets one with the defaults and
 * an unbounded line (the tests').
 */
export function clickhouseReportSource(reads: ClickHouseReadQueue, businesses: () => Promise<BusinessRecord[]>, queries?: ReportQueries): ReportSource;
export function clickhouseReportSource(reader: ClickHouseReader, businesses: () => Promise<BusinessRecord[]>, queries?: ReportQueries): ReportSource;
export function clickhouseReportSource(
  reads: ClickHouseReadQueue | ClickHouseReader,
  businesses: () => Promise<BusinessRecord[]>,
  queries: ReportQueries = CLICKHOUSE_REPORT_QUERIES,
): ReportSource {
  const queue = reads instanceof ClickHouseReadQueue ? reads : new ClickHouseReadQueue(reads);
  return { query: (q) => queue.query(q), businesses, queries };
}
