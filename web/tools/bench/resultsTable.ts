import type { BenchResults } from './benchResults';
import type { ReportLatency } from './reportLatency';
import type { IngestCpu } from './ingestCpu';
import { phaseOfPeak, type PhaseMemory } from './serverFootprint';
import { postgresRatios } from './targets';
import { formatBytes, formatCount, formatMs, formatRatePerSec, formatRatio, formatSections, type TableSection } from './textTable';

const perMillion = (value: number, events: number) => (events > 0 ? value / (events / 1e6) : 0);

function machineSection(r: BenchResults): TableSection {
  const m = r.machine;
  return {
    title: `mpa bench: ${formatCount(r.dataset.events)} events, ${m.date.slice(0, 10)}`,
    rows: [
      ['machine', `${m.cores} cores (${m.cpuModel}), ${m.ramGiB} GiB RAM`],
      ['software', `node ${m.node}, DuckDB ${m.duckdb} (@duckdb/node-api ${m.duckdbNodeApi}); code at commit ${m.commit}`],
      ['load average', `${m.loadAverage.map((x) => x.toFixed(1)).join(' ')} at the start (1, 5, 15 min; other processes share the cores)`],
      ['data set', `demo seed "${r.dataset.seed}", ${r.dataset.days} days ending ${r.dataset.endDate}; business report on "${r.dataset.business}"`],
      r.dataset.bulkLoad.copiedFrom === undefined
        ? ['in-process load', `${formatCount(r.dataset.bulkLoad.events)} events in ${r.dataset.bulkLoad.seconds.toFixed(1)} s ` +
          `(${formatRatePerSec(r.dataset.bulkLoad.eventsPerSec)}; validate + anonymise + commitEvents, no HTTP)`]
        : ['in-process load', `none: ${formatCount(r.dataset.bulkLoad.events)} events in a copy of ${r.dataset.bulkLoad.copiedFrom}`],
      ['clustering', `${formatCount(r.dataset.clustering.rows)} report-table rows in ${r.dataset.clustering.blocks} blocks, ` +
        `${r.dataset.clustering.seconds.toFixed(1)} s (the settled days ordered by business, as the server does hourly)`],
    ],
    ...(r.dataset.note ? { notes: [r.dataset.note] } : {}),
  };
}

function limitSection(r: BenchResults): TableSection {
  const l = r.limits;
  return {
    title: '1. The limit: DuckDB alone on this machine (fresh events table, 2 threads)',
    header: ['path', 'rows', 'seconds', 'rate'],
    align: 'lrrr',
    rows: [
      ['bulk load: Appender (row by row)', formatCount(l.appender.rows), l.appender.seconds.toFixed(2), formatRatePerSec(l.appender.rowsPerSec)],
      ['bulk load: read_json (NDJSON, explicit columns)', formatCount(l.readJson.rows), l.readJson.seconds.toFixed(2),
        `${formatRatePerSec(l.readJson.rowsPerSec)} (${(l.readJson.mibPerSec ?? 0).toFixed(0)} MiB/s)`],
      ['full scan: one-pass aggregate over events', formatCount(l.scan.rows), l.scan.seconds.toFixed(3), formatRatePerSec(l.scan.rowsPerSec)],
    ],
    notes: [`best bulk-load rate: ${formatRatePerSec(l.bestLoadRowsPerSec)} (${l.bestLoadPath}); scan: median of ${l.scan.runs} runs`],
  };
}

function ingestSection(r: BenchResults): TableSection {
  const h = r.httpIngest;
  return {
    title: `2. HTTP ingest: POST /v1/events, ${h.clients} clients, ${h.batchSize}-event batches, acknowledged after commit`,
    rows: [
      ['events acknowledged', `${formatCount(h.acknowledged)} in ${h.seconds.toFixed(1)} s`],
      ['rate', formatRatePerSec(h.eventsPerSec)],
      ['ratio to the best bulk-load rate', `${(h.ratioToBestLimit * 100).toFixed(1)}%`],
      ['batch acknowledgement p50 / p95 / max', h.ackLatency ? `${formatMs(h.ackLatency.p50Ms)} / ${formatMs(h.ackLatency.p95Ms)} / ${formatMs(h.ackLatency.maxMs)}` : '-'],
      ['429 replies (retried)', formatCount(h.overloaded429)],
      ['503 replies: failed commits (retried; the server log says why)', formatCount(h.unavailable503 ?? 0)],
      ...(h.cpu ? cpuRows(h.cpu) : []),
    ],
  };
}

/** Where the phase's CPU went: what limits the rate on a machine whose cores it shares with its loader. */
function cpuRows(cpu: IngestCpu): string[][] {
  const us = (v: number) => `${v.toFixed(1)} µs`;
  return [
    ['CPU per event: server main thread / its other threads (DuckDB, libuv) / load generator',
      `${us(cpu.serverMainUsPerEvent)} / ${us(cpu.serverOtherThreadsUsPerEvent)} / ${us(cpu.loaderUsPerEvent)}`],
    ['server CPU, cores busy on average; machine idle', `${cpu.serverCores.toFixed(2)}; ${Math.round(cpu.machineIdleShare * 100)}%`],
  ];
}

const latencyCells = (l: ReportLatency | undefined) => (l ? [formatMs(l.stats.p50Ms), formatMs(l.stats.p95Ms), formatMs(l.stats.maxMs)] : ['-', '-', '-']);

function reportSection(r: BenchResults): TableSection {
  const keys = r.reports.filter((x) => x.phase === 'warm');
  const find = (phase: ReportLatency['phase'], report: string, days: number) =>
    [...r.reports, ...r.underIngest.reports].find((x) => x.phase === phase && x.report === report && x.days === days);
  const pgFor = (report: string, days: number) => ('skipped' in r.postgres ? undefined : r.postgres.reports.find((p) => p.report === report && p.days === days));
  const ratios = postgresRatios(r);
  return {
    title: '3. Reports over HTTP (admin token): ms; cold = first request after a server start; warm p50 / p95 / max',
    header: ['report', 'days', 'cold', 'warm p50', 'p95', 'max', 'under ingest p50', 'p95', 'max', 'PostgreSQL p50', 'ratio'],
    align: 'lrrrrrrrrrr',
    rows: keys.map((k) => {
      const pg = pgFor(k.report, k.days);
      const ratio = ratios.find((x) => x.report === k.report && x.days === k.days);
      return [
        k.report, String(k.days), find('cold', k.report, k.days) ? formatMs(find('cold', k.report, k.days)!.stats.p50Ms) : '-',
        ...latencyCells(k), ...latencyCells(find('under-ingest', k.report, k.days)),
        pg ? formatMs(pg.warm.p50Ms) : '-', ratio ? formatRatio(ratio.ratio) : '-',
      ];
    }),
    notes: [
      `warm: ${keys[0]?.stats.runs ?? 0} runs per report; under ingest (${r.underIngest.reports[0]?.stats.runs ?? 0} runs): the same reports while a loader sends ` +
        `${formatRatePerSec(r.underIngest.ingest.targetEventsPerSec ?? 0)} (${Math.round(r.underIngest.targetFraction * 100)}% of the measured maximum); ` +
        `achieved ${formatRatePerSec(r.underIngest.ingest.eventsPerSec)}, ${formatCount(r.underIngest.ingest.acknowledged)} events`,
    ],
  };
}

function postgresSection(r: BenchResults): TableSection {
  const p = r.postgres;
  if ('skipped' in p) return { title: '4. PostgreSQL 15', rows: [], notes: [`comparison skipped: ${p.skipped}`] };
  return {
    title: `4. ${p.version}: the same reports, straightforward SQL (web/tools/bench/postgresReportSql.ts)`,
    header: ['report', 'days', 'cold', 'warm p50', 'p95', 'runs'],
    align: 'lrrrrr',
    rows: p.reports.map((x) => [x.report, String(x.days), formatMs(x.coldMs), formatMs(x.warm.p50Ms), formatMs(x.warm.p95Ms), String(x.warm.runs)]),
    notes: [
      `load: COPY ${formatCount(p.load.rows)} rows ${p.load.copySeconds.toFixed(1)} s, 3 indexes ${p.load.indexSeconds.toFixed(1)} s, ` +
        `VACUUM ANALYZE ${p.load.vacuumAnalyzeSeconds.toFixed(1)} s; table ${formatBytes(p.load.tableBytes)} + indexes ${formatBytes(p.load.indexBytes)}`,
      `settings: ${p.settings}`,
      p.crossCheck
        ? `cross-check of the ${r.dataset.endDate} overview (30 days): ${p.crossCheck.compared - p.crossCheck.mismatches.length}/${p.crossCheck.compared} figures equal to our API's` +
          (p.crossCheck.mismatches.length > 0 ? `; first differences: ${p.crossCheck.mismatches.slice(0, 3).join('; ')}` : '')
        : 'cross-check: not run',
    ],
  };
}

function footprintSection(r: BenchResults): TableSection {
  const s = r.server;
  const running = s.runningSize.fileBytes + s.runningSize.walBytes;
  const stopped = s.stoppedSize.fileBytes + s.stoppedSize.walBytes;
  return {
    title: `5. Server footprint (${formatCount(s.eventsStored)} events stored)`,
    header: ['figure', 'total', 'per million events'],
    align: 'lrr',
    rows: [
      ['peak RSS (VmHWM, highest of every server start)', formatBytes(s.peakRssBytes), formatBytes(perMillion(s.peakRssBytes, s.eventsStored))],
      ...phaseMemoryRows(s.memoryByPhase ?? []),
      ['database file + WAL, running', `${formatBytes(s.runningSize.fileBytes)} + ${formatBytes(s.runningSize.walBytes)}`, formatBytes(perMillion(running, s.eventsStored))],
      ['database file + WAL, after stop (checkpointed)', `${formatBytes(s.stoppedSize.fileBytes)} + ${formatBytes(s.stoppedSize.walBytes)}`, formatBytes(perMillion(stopped, s.eventsStored))],
      ['server start (health answers), each start', s.startSeconds.map((x) => `${x.toFixed(1)} s`).join(', '), ''],
      ['duplicate index loaded (in the background), each start', s.indexLoadSeconds.map((x) => `${x.toFixed(1)} s`).join(', '), ''],
    ],
  };
}

/** The last start's peak so far and RSS after each phase, and the phase in which the peak was reached. */
function phaseMemoryRows(phases: readonly PhaseMemory[]): string[][] {
  const peakPhase = phaseOfPeak(phases);
  return phases.map((p) => [
    `  peak so far / RSS after ${p.phase}`,
    `${formatBytes(p.peakRssBytes)} / ${formatBytes(p.rssBytes)}${p.phase === peakPhase ? ' (peak reached)' : ''}`,
    '',
  ]);
}

function targetSection(r: BenchResults): TableSection {
  return {
    title: 'Targets (issues 6 and 25)',
    header: ['target', 'measured', 'holds'],
    rows: r.targets.map((t) => [t.target, t.measured, t.holds === undefined ? 'n/a' : t.holds ? 'yes' : 'NO']),
  };
}

export function formatResults(results: BenchResults): string {
  return formatSections([
    machineSection(results), limitSection(results), ingestSection(results), reportSection(results),
    postgresSection(results), footprintSection(results), targetSection(results),
  ]);
}
