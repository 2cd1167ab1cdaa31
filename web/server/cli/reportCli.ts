import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { ClientReply } from '../apiClient';
import { loadConfig } from '../config';
import { FORMATS_OF, type ExportFormat, type ReportKind } from '../../../reports/exports/exportKinds';
import { CHANNELS } from '../../../reports/vocabulary';
import { runCli, UsageError } from '../cliMain';

const USAGE = `Usage: npm run report -- <overview|residency|business|campaigns> [--business ID] --from YYYY-MM-DD --to YYYY-MM-DD
         [--channel C] [--granularity day|week] --format csv|json|pdf|parquet --out FILE

Writes a report export (the same file as GET /v1/exports/...) to FILE. When a server holds the
database (DATABASE_PATH) the file comes from its API (http://HOST:PORT, admin token from
ADMIN_TOKEN or the admin-token file beside the database); otherwise the database is opened here
and the same API code runs in-process. Either way the export is written to the audit log.

  overview     every business's metrics          csv, json, pdf, parquet
  business     one business (--business ID)      csv, json, pdf
  campaigns    one business's templates and campaigns (--business ID)  csv, json, pdf
  residency    residency and transfer flags      csv, json, pdf

  --channel C        only this channel (${CHANNELS.join(', ')}); overview, business and campaigns
  --granularity G    day (default) or week; business only

Example: npm run report -- residency --from 2026-11-01 --to 2026-11-30 --format pdf --out residency.pdf`;

interface Request {
  kind: ReportKind;
  format: ExportFormat;
  out: string;
  path: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function parseCommandLine(argv: string[]): Request | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        business: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        channel: { type: 'string' },
        granularity: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new UsageError('name one report: overview, residency, business or campaigns');
  const kind = positionals[0] as ReportKind;
  if (!(kind in FORMATS_OF)) throw new UsageError(`unknown report "${positionals[0]}": overview, residency, business or campaigns`);
  const format = values.format as ExportFormat | undefined;
  if (!format || !FORMATS_OF[kind].includes(format)) throw new UsageError(`--format for the ${kind} report is one of ${FORMATS_OF[kind].join(', ')}`);
  if (!values.out) throw new UsageError('--out FILE is required');
  for (const name of ['from', 'to'] as const) {
    if (!values[name] || !DATE.test(values[name])) throw new UsageError(`--${name} YYYY-MM-DD is required`);
  }
  const ofOneBusiness = kind === 'business' || kind === 'campaigns';
  if (ofOneBusiness !== (values.business !== undefined)) {
    throw new UsageError(ofOneBusiness ? `--business ID is required for the ${kind} report` : '--business is for the business and campaigns reports only');
  }
  if (values.channel !== undefined && kind === 'residency') throw new UsageError('--channel is for the overview, business and campaigns reports');
  if (values.granularity !== undefined && kind !== 'business') throw new UsageError('--granularity is for the business report only');

  const query = new URLSearchParams({ from: values.from!, to: values.to! });
  if (values.channel !== undefined) query.set('channel', values.channel);
  if (values.granularity !== undefined) query.set('granularity', values.granularity);
  const file = ofOneBusiness ? `${kind}/${encodeURIComponent(values.business!)}.${format}` : `${kind}.${format}`;
  return { kind, format, out: values.out, path: `/v1/exports/${file}?${query}` };
}

/** An elapsed-seconds ticker on a terminal while the server builds the file; one line otherwise. */
function startStep(text: string): () => void {
  const started = Date.now();
  const stream = process.stderr;
  if (!stream.isTTY) {
    stream.write(`${text}...\n`);
    return () => undefined;
  }
  const draw = () => stream.write(`\r${text}... ${((Date.now() - started) / 1000).toFixed(0)} s\u001b[K`);
  draw();
  const timer = setInterval(draw, 500);
  return () => {
    clearInterval(timer);
    stream.write(`\r${text}... done in ${((Date.now() - started) / 1000).toFixed(1)} s\u001b[K\n`);
  };
}

function describeFailure(reply: ClientReply): string {
  const error = (reply.body as { error?: { message?: string; details?: { field?: string; error?: string }[] } } | undefined)?.error;
  if (!error) return `the API answered ${reply.status}`;
  const details = (error.details ?? []).map((d) => `\n  ${d.field ? `${d.field}: ` : ''}${d.error ?? ''}`).join('');
  return `${error.message ?? `the API answered ${reply.status}`} (${reply.status})${details}`;
}

/** Written beside the target and renamed into place: a failed run never leaves half a file. */
function writeAtomically(path: string, bytes: Buffer) {
  const partial = `${path}.partial-${process.pid}`;
  try {
    writeFileSync(partial, bytes);
    renameSync(partial, path);
  } finally {
    rmSync(partial, { force: true });
  }
}

async function main(): Promise<number> {
  const request = parseCommandLine(process.argv.slice(2));
  if (request === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = loadConfig();
  if (config.databasePath !== ':memory:' && !existsSync(config.databasePath)) {
    throw new Error(`no database at ${config.databasePath}: set DATABASE_PATH, or start the server (npm start) first`);
  }
  const opened = startStep(`opening ${config.databasePath}`);
  // Loaded only now: the whole server behind it takes seconds to load, a usage error should not.
  const { openApiTarget } = await import('../apiClient');
  const target = await openApiTarget(config);
  opened();
  try {
    const built = startStep(`building the ${request.kind} report as ${request.format.toUpperCase()} (${target.client.target})`);
    const reply = await target.client.request('GET', request.path, target.adminToken).catch((error: Error) => {
      const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
      throw new Error(`cannot reach the server at ${target.client.target} (${error.message}${cause}); are PORT and HOST the server's?`);
    });
    built();
    if (reply.status !== 200 || !reply.bytes) throw new Error(describeFailure(reply));
    writeAtomically(request.out, reply.bytes);
    const sha256 = createHash('sha256').update(reply.bytes).digest('hex');
    process.stdout.write(`wrote ${request.out} (${reply.bytes.length} bytes, sha256 ${sha256}; recorded in the audit log)\n`);
    return 0;
  } finally {
    await target.close();
  }
}

runCli(main, USAGE);
