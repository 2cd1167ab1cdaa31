import type { BenchResults } from './benchResults';
import type { ClickHouseFigures } from './clickhouseBench';
import type { NodeFootprint } from './clickhouseCluster';
import type { IngestFigures } from './httpIngest';
import type { ReportLatency } from './reportLatency';
import { formatBytes, formatCount, formatMs, formatRatePerSec, formatRatio, type TableSection } from './textTable';

/** Per report and period: ClickHouse's warm p50/p95 beside DuckDB's, and the p50 ratio ClickHouse / DuckDB. */
export function reportComparisonRows(duckdb: readonly ReportLatency[], clickhouse: readonly ReportLatency[]): string[][] {
  return clickhouse.filter((c) => c.phase === 'warm').map((c) => {
    const d = duckdb.find((x) => x.phase === 'warm' && x.report === c.report && x.days === c.days);
    return [
      c.report, String(c.days), formatMs(c.stats.p50Ms), formatMs(c.stats.p95Ms),
      d ? formatMs(d.stats.p50Ms) : '-', d ? formatMs(d.stats.p95Ms) : '-', d ? formatRatio(c.stats.p50Ms / d.stats.p50Ms) : '-',
    ];
  });
}

/** Bytes on disk per shard: the sum over its replicas' nodes (each holds a full copy of the shard). */
export function shardBytes(nodes: readonly NodeFootprint[]): { shard: number; bytesOnDisk: number; rows: number }[] {
  const shards = [...new Set(nodes.map((n) => n.shard))].sort((a, b) => a - b);
  return shards.map((shard) => {
    const of = nodes.filter((n) => n.shard === shard);
    return { shard, bytesOnDisk: of.reduce((sum, n) => sum + n.bytesOnDisk, 0), rows: of.reduce((sum, n) => sum + n.rows, 0) };
  });
}

function ingestRow(setup: string, f: IngestFigures): string[] {
  return [
    setup, formatCount(f.acknowledged), f.seconds.toFixed(1), formatRatePerSec(f.eventsPerSec),
    f.ackLatency ? `${formatMs(f.ackLatency.p50Ms)} / ${formatMs(f.ackLatency.p95Ms)}` : '-', `${f.overloaded429} / ${f.unavailable503}`,
  ];
}

function ingestSection(duckdb: BenchResults, ch: ClickHouseFigures): TableSection {
  return {
    title: `7. ClickHouse store (STORE=clickhouse, ${ch.layout.shards} shards x ${ch.layout.replicas} replicas): HTTP ingest, POST /v1/events, ` +
      `${ch.ingest.oneServer.clients} clients, ${ch.ingest.oneServer.batchSize}-event batches`,
    header: ['setup', 'events', 'seconds', 'rate', 'ack p50 / p95', '429 / 503'],
    align: 'lrrrrr',
    rows: [
      ingestRow('DuckDB store, 1 server (section 2)', duckdb.httpIngest),
      ingestRow('ClickHouse store, 1 app server', ch.ingest.oneServer),
      ingestRow('ClickHouse store, 2 app servers (clients split)', ch.ingest.twoServers),
    ],
    notes: [
      `data set loaded in-process through the ClickHouse runtime first: ${formatCount(ch.load.events)} events in ${ch.load.seconds.toFixed(1)} s ` +
        `(${formatRatePerSec(ch.load.eventsPerSec)}; the DuckDB store's: ${formatRatePerSec(duckdb.dataset.bulkLoad.eventsPerSec)})`,
      `the same demo events as the DuckDB run: its data set, then its HTTP slice (1 server) and its under-ingest seed (2 servers)`,
    ],
  };
}

function reportSection(duckdb: BenchResults, ch: ClickHouseFigures): TableSection {
  const diffs = ch.overviewDifferences;
  return {
    title: '8. Reports over HTTP on the same events, warm: ClickHouse store vs DuckDB store (ms)',
    header: ['report', 'days', 'ClickHouse p50', 'p95', 'DuckDB p50', 'p95', 'ratio p50'],
    align: 'lrrrrrr',
    rows: reportComparisonRows(duckdb.reports, ch.reports),
    notes: [
      `${ch.reports[0]?.stats.runs ?? 0} runs per report against one STORE=clickhouse server, on the data set alone (before its ingest phases), as section 3's warm figures`,
      diffs === undefined ? 'overview cross-check: not run'
        : diffs.length === 0 ? `overview (${duckdb.dataset.endDate}, 30 days): every figure equal to the DuckDB store's reply`
          : `overview (30 days): ${diffs.length} figures differ from the DuckDB store's reply; first: ${diffs.slice(0, 3).join('; ')}`,
    ],
  };
}

function footprintSection(duckdb: BenchResults, ch: ClickHouseFigures): TableSection {
  const nodeRows = ch.nodes.map((n) => [
    `ClickHouse shard ${n.shard} replica ${n.replica}`, formatCount(n.rows), formatBytes(n.bytesOnDisk), formatBytes(n.rssBytes), formatBytes(n.peakRssBytes),
  ]);
  const shardRows = shardBytes(ch.nodes).map((s) => [`shard ${s.shard} (both replicas)`, formatCount(s.rows), formatBytes(s.bytesOnDisk), '', '']);
  const appRows = ch.appServerPeakRssBytes.map((bytes, i) => [`app server ${i + 1} (STORE=clickhouse)`, '', '', '', formatBytes(bytes)]);
  const duckdbSize = duckdb.server.stoppedSize.fileBytes + duckdb.server.stoppedSize.walBytes;
  return {
    title: `9. ClickHouse store footprint (${formatCount(ch.eventsStored)} events stored, counted with FINAL)`,
    header: ['process', 'rows (system.parts)', 'on disk', 'RSS', 'peak RSS'],
    align: 'lrrrr',
    rows: [
      ...nodeRows, ...shardRows,
      ['ZooKeeper', '', '', formatBytes(ch.zooKeeperRssBytes), ''],
      ['PostgreSQL (registry; postmaster and backends)', '', '', formatBytes(ch.postgresRssBytes), ''],
      ...appRows,
      ['DuckDB store (section 5, for comparison)', formatCount(duckdb.server.eventsStored), formatBytes(duckdbSize), '', formatBytes(duckdb.server.peakRssBytes)],
    ],
    notes: [
      'rows and bytes: the active parts of the bench database on each node (events and customer links); each replica holds a full copy of its shard',
      `All of this ran on one ${duckdb.machine.cores}-core machine: four ClickHouse servers, ZooKeeper, PostgreSQL and the app servers shared ` +
        `${duckdb.machine.cores} cores (and the load generator too), so these figures show correctness and relative costs, not a cluster's throughput.`,
    ],
  };
}

export function clickHouseSections(duckdb: BenchResults, ch: ClickHouseFigures): TableSection[] {
  return [ingestSection(duckdb, ch), reportSection(duckdb, ch), footprintSection(duckdb, ch)];
}
