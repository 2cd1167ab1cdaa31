import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startServerProcess, waitForHealth } from '../testing/serverProcess';
import { startTestRuntime, TEST_ADMIN_TOKEN, TEST_PSEUDONYM_KEY } from '../testing/testRuntime';
import { parseCsvExport, utf8 } from '../../../reports/testing/exportFiles';

// `npm run report`: in-process when no server runs, through the server's API when one holds the
// database. Either way the file is the export the API serves, and the audit log records it.
const ROOT = join(import.meta.dirname, '../../..');
const DAY = 86_400_000;
const yesterday = new Date(Math.floor(Date.now() / DAY) * DAY - DAY).toISOString().slice(0, 10);

let dir: string;
let env: Record<string, string>;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'web/server/cli/reportCli.ts'), ...args], { cwd: ROOT, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr: `${stderr}${error && typeof error.code !== 'number' ? `\n${error.message}` : ''}` });
    });
  });
}

interface AuditEntry { actor: string; action: string; filters: Record<string, unknown>; sha256: string }

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpa-report-cli-'));
  env = { DATABASE_PATH: join(dir, 'test.duckdb'), ADMIN_TOKEN: TEST_ADMIN_TOKEN, PSEUDONYM_KEY: TEST_PSEUDONYM_KEY, MIN_COHORT: '1', ALLOW_SMALL_COHORTS: '1', LOG_LEVEL: 'warn' };
  const rt = await startTestRuntime({ dir, env: { MIN_COHORT: '1' } });
  await rt.registerBusiness('acme', {
    processing_locations: [
      { country: 'DE', processor: 'Example Hosting GmbH', role: 'processor', mechanism: 'eea', primary: true },
      { country: 'US', processor: 'CloudCo Inc.', role: 'processor', mechanism: 'scc', primary: false },
    ],
  });
  const key = await rt.createKey('acme');
  const at = (hh: string) => `${yesterday}T${hh}:00Z`;
  const res = await rt.postEvents(key, [
    { id: 'e1', business: 'acme', type: 'message.received', channel: 'whatsapp', customer: '+4915123456789', conversation: 'c1', at: at('10:00') },
    { id: 'e2', business: 'acme', type: 'message.sent', channel: 'whatsapp', customer: '+4915123456789', conversation: 'c1', at: at('10:04'), sender: 'agent', category: 'service' },
    { id: 'e3', business: 'acme', type: 'message.received', channel: 'whatsapp', customer: '+33612345678', conversation: 'c2', at: at('11:00'), processed_in: 'US' },
  ]);
  expect(res.status).toBe(200);
  await rt.stop();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run report', () => {
  it('opens the database itself when no server runs, writes the file and records it in the audit log', async () => {
    const out = join(dir, 'residency.pdf');
    const run = await runCli(['residency', '--from', yesterday, '--to', yesterday, '--format', 'pdf', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const bytes = readFileSync(out);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(run.stdout).toContain(sha256(bytes));

    const csvOut = join(dir, 'acme.csv');
    const csvRun = await runCli(['business', '--business', 'acme', '--from', yesterday, '--to', yesterday, '--granularity', 'week', '--format', 'csv', '--out', csvOut]);
    expect(csvRun.code, csvRun.stderr).toBe(0);
    const csv = parseCsvExport(utf8(readFileSync(csvOut)));
    expect(csv.rows[0]).toMatchObject({ section: 'total', conversations: '2', customer_initiated: '2', residency_flag: 'safeguarded' });

    const rt = await startTestRuntime({ dir, env: { MIN_COHORT: '1' } });
    try {
      const { entries } = (await (await rt.admin('GET', '/v1/audit')).json()) as { entries: AuditEntry[] };
      expect(entries[1]).toMatchObject({ actor: 'admin', action: 'export.residency.pdf', filters: { from: yesterday, to: yesterday }, sha256: sha256(bytes) });
      expect(entries[0]).toMatchObject({ action: 'export.business.csv', sha256: sha256(readFileSync(csvOut)) });
    } finally {
      await rt.stop();
    }
  });

  it('goes through the running server\'s API when a server holds the database', async () => {
    const port = await freePort();
    const server = startServerProcess(env, port);
    try {
      await waitForHealth(server);
      const out = join(dir, 'overview.parquet');
      env = { ...env, PORT: String(await freePort()) };
      const wrongPort = await runCli(['overview', '--from', yesterday, '--to', yesterday, '--format', 'csv', '--out', out]);
      expect(wrongPort.code).toBe(1);
      expect(wrongPort.stderr).toContain('cannot reach the server at http://127.0.0.1:');
      env = { ...env, PORT: String(port) };
      const run = await runCli(['overview', '--from', yesterday, '--to', yesterday, '--channel', 'whatsapp', '--format', 'parquet', '--out', out]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain(`http://127.0.0.1:${port}`);
      const bytes = readFileSync(out);
      expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
      const res = await fetch(`${server.url}/v1/audit?limit=1`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
      const { entries } = (await res.json()) as { entries: AuditEntry[] };
      expect(entries[0]).toMatchObject({ actor: 'admin', action: 'export.overview.parquet', filters: { from: yesterday, to: yesterday, channel: 'whatsapp' }, sha256: sha256(bytes) });

      const refused = await runCli(['business', '--business', 'nobody', '--from', yesterday, '--to', yesterday, '--format', 'csv', '--out', join(dir, 'x.csv')]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('business nobody is not registered (404)');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('explains what is wrong with the command line', async () => {
    const wrongFormat = await runCli(['residency', '--from', yesterday, '--to', yesterday, '--format', 'parquet', '--out', join(dir, 'r.parquet')]);
    expect(wrongFormat.code).toBe(2);
    expect(wrongFormat.stderr).toContain('--format for the residency report is one of csv, json, pdf');
    const noBusiness = await runCli(['business', '--from', yesterday, '--to', yesterday, '--format', 'pdf', '--out', join(dir, 'b.pdf')]);
    expect(noBusiness.stderr).toContain('--business ID is required');
    const badDate = await runCli(['overview', '--from', '2026-02-30', '--to', yesterday, '--format', 'csv', '--out', join(dir, 'o.csv')]);
    expect(badDate.code).toBe(1);
    expect(badDate.stderr).toContain('from must be a real UTC date');
  });
});
