import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChdb, type ChdbEngine } from '../../../db/clickhouse/testing/chdbEngine';
import type { ReportSource } from '../reportSource';
import { clickhouseReportSource } from './clickhouseReportSource';
import {
  expectSameBadgeInputs, expectSameBreakdowns, expectSameCampaignCharges, expectSameCampaignRows, expectSameConversationMetrics, expectSameReports, expectSameEventMetrics, expectSameResidency, openDuckdbStore, REPORT_BUSINESSES,
} from './testing/compareStores';
import { reportEvents } from './testing/reportEvents';

// The report queries on ClickHouse 26.x (chdb) against the DuckDB store's, on the same events.

const EVENTS = reportEvents(1500);

describe('report queries on ClickHouse 26.x (chdb) equal the DuckDB store', () => {
  let chdb: ChdbEngine;
  let clickhouse: ReportSource;
  let duckdb: Awaited<ReturnType<typeof openDuckdbStore>>;
  beforeAll(async () => {
    chdb = openChdb();
    // Every event twice, the second time in other batches, as a retried commit would.
    chdb.insert(EVENTS);
    chdb.insert(EVENTS.slice(0, 700));
    chdb.insert(EVENTS.slice(700));
    clickhouse = clickhouseReportSource({ query: async (sql) => chdb.query(sql) }, async () => REPORT_BUSINESSES);
    duckdb = await openDuckdbStore(EVENTS);
  });
  afterAll(() => {
    chdb?.close();
    duckdb?.close();
  });

  it('event metrics: every grouping, business, channel and week', async () => {
    await expectSameEventMetrics(duckdb.source, clickhouse);
  });

  it('conversation metrics: first response times (both clocks), response rate, cohorts', async () => {
    await expectSameConversationMetrics(duckdb.source, clickhouse);
  });

  it('badge inputs over trailing windows', async () => {
    await expectSameBadgeInputs(duckdb.source, clickhouse);
  });

  it('the overview, business and residency reports and their CSV and JSON exports', async () => {
    await expectSameReports(duckdb.source, clickhouse);
  });

  it('residency: counts, locations and flags', async () => {
    await expectSameResidency(duckdb.source, clickhouse);
  });

  it('template and pricing breakdowns', async () => {
    await expectSameBreakdowns(duckdb.source, clickhouse);
  });

  it('refuses a query built for DuckDB (bound parameters)', async () => {
    await expect(clickhouse.query({ sql: 'SELECT $1', params: ['x'] })).rejects.toThrow(/inlined/);
  });

  it('campaign rows: template sends of the period and the reactions attributed to them', async () => {
    await expectSameCampaignRows(duckdb.source, clickhouse);
  });

  it('campaign charges: charged template sends by recipient country and send day', async () => {
    await expectSameCampaignCharges(duckdb.source, clickhouse);
  });
});
