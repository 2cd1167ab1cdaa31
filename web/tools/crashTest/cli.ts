import { parseArgs } from 'node:util';
import { CRASH_DEFAULTS, crashTestPassed, formatFigures, runCrashTest } from './crashTest';

const USAGE = `Usage: npm run test:crash -- [--cycles N] [--events N] [--batch N] [--workers N] [--seed S]

Starts the real server on a temporary database, sends events continuously (retrying each batch
until it is acknowledged), kills the server with SIGKILL at random moments N times, restarting it
each time, stops it with SIGTERM, and checks the database file: every acknowledged event stored
exactly once. Exits 1 when an event was lost or duplicated.

  --cycles N    kill cycles (default ${CRASH_DEFAULTS.cycles})
  --events N    distinct events to send (default ${CRASH_DEFAULTS.events})
  --batch N     events a request (default ${CRASH_DEFAULTS.batchSize})
  --workers N   concurrent connections (default ${CRASH_DEFAULTS.workers})
  --seed S      seed of the kill moments and of the re-sends (default ${CRASH_DEFAULTS.seed})`;

function positive(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    process.stderr.write(`${name} must be a positive whole number\n\n${USAGE}\n`);
    process.exit(2);
  }
  return Number(text);
}

async function main() {
  const { values } = parseArgs({
    options: {
      cycles: { type: 'string' }, events: { type: 'string' }, batch: { type: 'string' }, workers: { type: 'string' },
      seed: { type: 'string' }, help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const options = {
    cycles: positive(values.cycles, CRASH_DEFAULTS.cycles, '--cycles'),
    events: positive(values.events, CRASH_DEFAULTS.events, '--events'),
    batchSize: positive(values.batch, CRASH_DEFAULTS.batchSize, '--batch'),
    workers: positive(values.workers, CRASH_DEFAULTS.workers, '--workers'),
    seed: values.seed ?? CRASH_DEFAULTS.seed,
  };
  process.stdout.write(`crash test: ${options.cycles} SIGKILL cycles, ${options.events} events in batches of ${options.batchSize}, ` +
    `${options.workers} connections\n`);
  const figures = await runCrashTest({ ...options, progress: (line) => process.stdout.write(`${line}\n`) });
  const passed = crashTestPassed(figures, options);
  process.stdout.write(`\n${formatFigures(figures)}\n\n${passed ? 'PASS' : 'FAIL'}: ` +
    `${figures.lost} lost, ${figures.duplicated} duplicated, ${figures.derivedDiffering} derived rows off over ${figures.cycles} kill cycles\n`);
  process.exit(passed ? 0 : 1);
}

main().catch((error: Error) => {
  process.stderr.write(`crash test failed: ${error.message}\n`);
  process.exit(1);
});
