import { parseArgs } from 'node:util';
import { openApiTarget } from '../apiClient';
import { loadConfig, type Config } from '../config';
import { generateDemo } from '../../../ingest/demo/generateDemo';
import { formatRejections, formatSummary, postDemo } from '../seed/postDemo';
import { ProgressBar } from '../../../ingest/demo/progress';
import { runCli, UsageError } from '../cliMain';

const USAGE = `Usage: npm run demo -- [--events N] [--seed S] [--days D] [--end YYYY-MM-DD]

Generates a reproducible demo data set (businesses, customers, conversations, campaigns) and
sends it through the ingest API: in-process when no server runs, else over HTTP to the server
on PORT (admin token from ADMIN_TOKEN or the admin-token file beside DATABASE_PATH).

  --events N   events to generate (default 300000)
  --seed S     random seed (default 42)
  --days D     days covered, ending at --end (default 90)
  --end DATE   last UTC day covered (default: now). With a date in the past, the same seed
               gives byte-identical events.`;

const DAY = 86_400_000;

interface Args {
  events: number;
  seed: string;
  days: number;
  end: number;
}

function positiveInteger(text: string, name: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${name} must be a positive whole number`);
  return Number(text);
}

/** End of the given UTC day, never later than now: the API refuses events from the future. */
function parseEnd(text: string | undefined, now: number): number {
  if (text === undefined) return now;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const dayStart = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (Number.isNaN(dayStart) || new Date(dayStart).toISOString().slice(0, 10) !== text) {
    throw new UsageError('--end must be a date YYYY-MM-DD');
  }
  return Math.min(dayStart + DAY - 1, now);
}

function parseCommandLine(argv: string[], config: Config, now: number): Args | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        events: { type: 'string', default: '300000' },
        seed: { type: 'string', default: '42' },
        days: { type: 'string', default: '90' },
        end: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) return 'help';
  const args = {
    events: positiveInteger(values.events, '--events'),
    seed: values.seed,
    days: positiveInteger(values.days, '--days'),
    end: parseEnd(values.end, now),
  };
  // The intake refuses events older than the retention period.
  if (args.end - args.days * DAY < now - config.retentionDays * DAY + DAY / 24) {
    throw new UsageError(`the period reaches back further than RETENTION_DAYS (${config.retentionDays} days): use fewer --days or a later --end`);
  }
  return args;
}

async function main(): Promise<number> {
  const config = loadConfig();
  const now = Date.now();
  const args = parseCommandLine(process.argv.slice(2), config, now);
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const demo = generateDemo({ seed: args.seed, events: args.events, days: args.days, end: args.end });
  const target = await openApiTarget(config);
  const progress = new ProgressBar(args.events);
  try {
    const summary = await postDemo(target.client, target.adminToken, demo, { onProgress: (n) => progress.update(n) });
    progress.finish();
    process.stdout.write(`${formatSummary(summary)}\n`);
    if (summary.rejected > 0) {
      process.stderr.write(`error: the API rejected ${summary.rejected} generated events (a bug in the demo generator); the first:\n`);
      process.stderr.write(`${formatRejections(summary).join('\n')}\n`);
      return 1;
    }
    return 0;
  } finally {
    progress.finish();
    await target.close();
  }
}

runCli(main, USAGE);
