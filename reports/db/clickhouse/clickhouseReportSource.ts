import type { BusinessRecord } from '../../../db/registry';
import type { SqlQuery } from '../../metrics/sqlText';
import type { ReportQueries } from '../reportQueries';
import type { ReportSource } from '../reportSource';
import { CLICKHOUSE_REPORT_QUERIES } from './clickhouseReportQueries';

/** What runs a SELECT on ClickHouse: db/clickhouse/clickhouseClient.ts ClickHouseClient, or chdb in tests. */
export interface ClickHouseReader {
  query<T>(sql: string): Promise<T[]>;
}

/**
 * A ReportSource over ClickHouse: the reports, exports and their tests read it as they read
 * DuckDB's. A query with bound parameters is refused: it was built for DuckDB ($n), and ClickHouse
 * 18.16 has no query parameters (its builders inline every value).
 */
export function clickhouseReportSource(
  reader: ClickHouseReader,
  businesses: () => Promise<BusinessRecord[]>,
  queries: ReportQueries = CLICKHOUSE_REPORT_QUERIES,
): ReportSource {
  return {
    query: <T>(query: SqlQuery) => {
      if (query.params.length > 0) return Promise.reject(new Error('a ClickHouse report query has its values inlined, not bound'));
      return reader.query<T>(query.sql);
    },
    businesses,
    queries,
  };
}
