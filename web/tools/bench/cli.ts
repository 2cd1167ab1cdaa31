import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCli, UsageError } from '../../server/cliMain';
import { runClickHouseBench } from './clickhouseBench';
import { clickHouseSections } from './clickhouseTable';
import { formatResults } from './resultsTable';
import { formatSections } from './textTable';
import { runBench, type BenchOptions } from './runBench';
import { repositoryPath } from '../../../db/repositoryFiles';

const USAGE = `Usage: npm run bench -- [--events N] [--clients N] [--batch N] [--runs N] [--limit-rows N]
                        [--http-seconds S] [--end YYYY-MM-DD] [--skip-postgres] [--keep]
                        [--database PATH] [--store clickhouse]

Measures the product against DuckDB's own limits and against PostgreSQL 15, on a
temporary database: DuckDB bulk-load (Appender, read_json) and scan rates; N demo events loaded
in-process; the real server started on them; report latencies (cold and warm); HTTP ingest;
reports under ingest at 80% of its maximum; peak RSS and database size; the same reports on
PostgreSQL. Prints a table and writes the figures as JSON to bench-results/.

  --events N        events in the data set (default 1000000; 10000000 and 50000000 work)
  --clients N       concurrent HTTP ingest clients (default 4)
  --batch N         events per POST /v1/events (default 500)
  --runs N          warm runs per report and period (default 20)
  --limit-rows N    rows per DuckDB bulk-load limit (default min(events, 2000000))
  --http-seconds S  time box of the HTTP ingest phase (default 60)
  --end DATE        last day of the data set (default 2026-11-15 while within RETENTION_DAYS)
  --skip-postgres   leave out the PostgreSQL comparison
  --keep            keep the temporary files (database, PostgreSQL data) and print where
  --database PATH   measure on a copy of a database kept by an earlier run (--keep, same --end)
                    instead of loading one (--events is then not used)
  --store clickhouse  after all that, the same events on the ClickHouse store: a local 2 shards x
                    2 replicas cluster with ZooKeeper, and PostgreSQL, started in a temporary
                    folder and stopped at the end (Debian packages installed when missing, as
                    root); HTTP ingest with 1 and 2 app servers, the same reports' warm p50/p95
                    beside DuckDB's, disk per node and memory of every process`;

const ROOT = repositoryPath();

function whole(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${name} must be a positive whole number`);
  return Number(text);
}

type CliOptions = BenchOptions & { withClickHouse: boolean };

function parseOptions(argv: string[]): CliOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        events: { type: 'string' }, clients: { type: 'string' }, batch: { type: 'string' }, runs: { type: 'string' },
        'limit-rows': { type: 'string' }, 'http-seconds': { type: 'string' }, end: { type: 'string' },
        'skip-postgres': { type: 'boolean' }, keep: { type: 'boolean' }, database: { type: 'string' }, store: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  if (values.store !== undefined && values.store !== 'duckdb' && values.store !== 'clickhouse') throw new UsageError('--store must be duckdb or clickhouse');
  if (values.store === 'clickhouse' && values.database !== undefined) throw new UsageError('--store clickhouse loads its own events: leave out --database');
  // Checked before the limits phase, which takes a minute.
  if (values.database !== undefined && !existsSync(values.database)) throw new UsageError(`--database ${values.database}: no such file`);
  const events = whole(values.events, 1_000_000, '--events');
  const batchSize = whole(values.batch, 500, '--batch');
  if (batchSize > 10_000) throw new UsageError('--batch: the API takes at most 10000 events a request');
  return {
    events,
    clients: whole(values.clients, 4, '--clients'),
    batchSize,
    runs: whole(values.runs, 20, '--runs'),
    // A kept database's size is not known here: the largest default.
    limitRows: whole(values['limit-rows'], values.database === undefined ? Math.min(events, 2_000_000) : 2_000_000, '--limit-rows'),
    httpSeconds: whole(values['http-seconds'], 60, '--http-seconds'),
    end: values.end,
    skipPostgres: values['skip-postgres'] ?? false,
    keepFiles: values.keep ?? false,
    ...(values.database === undefined ? {} : { fromDatabase: values.database }),
    withClickHouse: values.store === 'clickhouse',
  };
}

async function main(): Promise<number> {
  const started = performance.now();
  const options = parseOptions(process.argv.slice(2));
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let overview: unknown;
  const results = await runBench(options.withClickHouse ? { ...options, onOverview: (body) => (overview = body) } : options);
  if (options.withClickHouse) {
    results.clickhouse = await runClickHouseBench(options, results, overview);
    results.durationSeconds = (performance.now() - started) / 1000;
  }
  const clickHouseText = results.clickhouse ? `\n\n${formatSections(clickHouseSections(results, results.clickhouse))}` : '';
  process.stdout.write(`\n${formatResults(results)}${clickHouseText}\n\nbench finished in ${(results.durationSeconds / 60).toFixed(1)} min\n`);
  const dir = join(ROOT, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${results.dataset.events}-${results.machine.date.replaceAll(':', '-').slice(0, 19)}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`figures written to ${file}\n`);
  return 0;
}

runCli(main, USAGE);
