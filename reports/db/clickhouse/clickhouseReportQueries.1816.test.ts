import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseClient } from '../../../db/clickhouse/clickhouseClient';
import { ClickHouseEventStore } from '../../../db/clickhouse/clickhouseEventStore';
import { createSchema } from '../../../db/clickhouse/schema';
import { startTestClickHouse, type TestClickHouse } from '../../../db/clickhouse/testing/servers';
import type { ReportSource } from '../reportSource';
import { clickhouseReportSource } from './clickhouseReportSource';
import {
  expectSameBadgeInputs, expectSameBreakdowns, expectSameCampaignCharges, expectSameCampaignRows, expectSameConversationMetrics, expectSameReports, expectSameEventMetrics, expectSameResidency, openDuckdbStore, REPORT_BUSINESSES,
} from './testing/compareStores';
import { reportEvents } from './testing/reportEvents';

// The report queries on Debian's ClickHouse 18.16 (one real server, through the HTTP client)
// against the DuckDB store's, on the same events.

const EVENTS = reportEvents(1200, 9);

describe('report queries on ClickHouse 18.16 equal the DuckDB store', () => {
  let server: TestClickHouse;
  let client: ClickHouseClient;
  let clickhouse: ReportSource;
  let duckdb: Awaited<ReturnType<typeof openDuckdbStore>>;
  beforeAll(async () => {
    server = await startTestClickHouse();
    client = new ClickHouseClient({ urls: server.urls, database: 'mpa_reports' });
    await createSchema(client);
    const store = new ClickHouseEventStore(client);
    // Every event stored, then a part of them again in other batches (a retried commit).
    await store.commit(EVENTS);
    await store.commit(EVENTS.slice(200, 900));
    clickhouse = clickhouseReportSource(client, async () => REPORT_BUSINESSES);
    duckdb = await openDuckdbStore(EVENTS);
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    await server?.dispose();
    duckdb?.close();
  });

  it('is 18.16', async () => {
    expect(await client.query<{ v: string }>('SELECT version() AS v')).toEqual([{ v: '18.16.1' }]);
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

  it('campaign rows: template sends of the period and the reactions attributed to them', async () => {
    await expectSameCampaignRows(duckdb.source, clickhouse);
  });

  it('campaign charges: charged template sends by recipient country and send day', async () => {
    await expectSameCampaignCharges(duckdb.source, clickhouse);
  });
});
