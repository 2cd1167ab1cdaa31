import type { BulkLoadFigures } from './bulkLoad';
import type { ClickHouseFigures } from './clickhouseBench';
import type { ClusteringFigures } from './clusterDataset';
import type { LoadRate, ScanRate } from './duckdbLimits';
import type { IngestFigures } from './httpIngest';
import type { IngestCpu } from './ingestCpu';
import type { MachineInfo } from './machine';
import type { PostgresFigures } from './postgresCompare';
import type { ReportLatency } from './reportLatency';
import type { DatabaseSize, PhaseMemory } from './serverFootprint';

/** Everything one run measured: printed as a table and written to bench-results/ as JSON. */
export interface BenchResults {
  machine: MachineInfo;
  options: { events: number; clients: number; batchSize: number; runs: number; limitRows: number; httpSeconds: number };
  dataset: { events: number; days: number; endDate: string; seed: string; business: string; note?: string; bulkLoad: BulkLoadFigures; clustering: ClusteringFigures };
  limits: { sampleRows: number; appender: LoadRate; readJson: LoadRate; scan: ScanRate; bestLoadRowsPerSec: number; bestLoadPath: string };
  /** cpu: where the phase's CPU went (absent in runs before 2026-12-06 and where /proc could not be read). */
  httpIngest: IngestFigures & { ratioToBestLimit: number; cpu?: IngestCpu };
  reports: ReportLatency[];
  underIngest: { ingest: IngestFigures; targetFraction: number; reports: ReportLatency[] };
  server: {
    startSeconds: number[];
    /** From each start until its duplicate index had loaded (the server answers before). */
    indexLoadSeconds: number[];
    peakRssBytes: number;
    /** The last start's peak so far and RSS after each measured phase (absent in runs before 2026-12-06). */
    memoryByPhase?: PhaseMemory[];
    eventsStored: number;
    /** While the server ran, after the HTTP phases (file + WAL not yet checkpointed). */
    runningSize: DatabaseSize;
    /** After the server's graceful stop (CHECKPOINT: the WAL folded into the file). */
    stoppedSize: DatabaseSize;
  };
  postgres: PostgresFigures;
  targets: TargetCheck[];
  durationSeconds: number;
  /** --store clickhouse: the same events on a local ClickHouse cluster. */
  clickhouse?: ClickHouseFigures;
}

export interface TargetCheck {
  target: string;
  measured: string;
  /** undefined: not measurable in this run (e.g. the 50M target in a 1M run). */
  holds: boolean | undefined;
}
