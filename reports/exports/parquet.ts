import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METRICS } from '../metrics/definitions';
import type { OverviewReport } from '../reports';
import type { ExportMeta } from './exportKinds';

/** Runs one SQL statement on the report read connection (in its queue). */
export type RunSql = (sql: string) => Promise<unknown>;

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

const COLUMNS: [string, string][] = [
  ['business', 'VARCHAR'],
  ['name', 'VARCHAR'],
  ['verified', 'BOOLEAN'],
  ...METRICS.map((m): [string, string] => [m.id, m.kind === 'badge' ? 'BOOLEAN' : m.kind === 'count' ? 'BIGINT' : 'DOUBLE']),
  ['residency_flag', 'VARCHAR'],
  ['suppressed', 'VARCHAR[]'],
];

/**
 * The overview as a Parquet file, written by DuckDB: the rows go to a temporary NDJSON file that
 * DuckDB reads with explicit column types and copies to Parquet. Suppressed figures are NULL and
 * named in the `suppressed` list column; the period, k, the adequacy list's date and the
 * generation time are key-value metadata of the file (DuckDB: `parquet_kv_metadata(file)`).
 */
export async function renderOverviewParquet(report: OverviewReport, meta: ExportMeta, run: RunSql): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'mpa-parquet-'));
  try {
    const rowsPath = join(dir, 'rows.ndjson');
    const outPath = join(dir, 'overview.parquet');
    const lines = report.businesses.map((b) => JSON.stringify(Object.fromEntries(COLUMNS.map(([name]) => [name, (b as Record<string, unknown>)[name]]))));
    await writeFile(rowsPath, lines.map((l) => `${l}\n`).join(''));
    const columns = `{${COLUMNS.map(([name, type]) => `${quote(name)}: ${quote(type)}`).join(', ')}}`;
    const source = lines.length > 0
      ? `SELECT * FROM read_json(${quote(rowsPath)}, format = 'newline_delimited', columns = ${columns})`
      : `SELECT ${COLUMNS.map(([name, type]) => `NULL::${type} AS ${name}`).join(', ')} WHERE false`;
    const kv: [string, string | number][] = [
      ['report', 'overview'], ['from', report.from], ['to', report.to], ['channel', report.channel ?? 'all'], ['k', report.k],
      ['adequacy_as_of', meta.adequacyAsOf], ['adequacy_version', meta.adequacyVersion], ['generated_at', meta.generatedAt],
    ];
    const metadata = `{${kv.map(([key, value]) => `${quote(key)}: ${quote(String(value))}`).join(', ')}}`;
    await run(`COPY (${source}) TO ${quote(outPath)} (FORMAT parquet, KV_METADATA ${metadata})`);
    return await readFile(outPath);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
