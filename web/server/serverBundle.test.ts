import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repositoryPath, repositoryRootAbove, threadEntryPath } from '../../db/repositoryFiles';
import { BUNDLED_THREADS, buildServerBundle, SERVER_BUNDLE } from './serverBundle';
import { businessBody } from './testing/testRuntime';
import {
  buildProcessBundle, freePort, killServers, removeBundlesOfEndedProcesses, startServerProcess, waitForHealth, type ServerProcess,
} from './testing/serverProcess';

const ADMIN = 'bundle-test-admin-token-1234';
let dir: string | undefined;
let servers: ServerProcess[] = [];

afterEach(async () => {
  await killServers(servers);
  servers = [];
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the bundled server (what npm start runs)', () => {
  it('runs from another working directory: migrations, intake threads, the PDF thread and the API docs all find their files', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mpa-bundle-'));
    // tsx keeps its compiled modules under the temporary folder: a thread started from the
    // TypeScript sources instead of the bundle would leave its cache here.
    const temporary = join(dir, 'tmp');
    mkdirSync(temporary);
    const env = { DATABASE_PATH: join(dir, 'db.duckdb'), ADMIN_TOKEN: ADMIN, INTAKE_THREADS: '1', TMPDIR: temporary };
    const server = startServerProcess(env, await freePort(), dir);
    servers.push(server);
    await waitForHealth(server, 60_000);
    const admin = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };

    // The business's registry row needs the migrated schema.
    expect((await fetch(`${server.url}/v1/businesses/acme`, { method: 'PUT', headers: admin, body: JSON.stringify(businessBody('acme')) })).status).toBe(201);
    const { key } = (await (await fetch(`${server.url}/v1/businesses/acme/keys`, { method: 'POST', headers: admin, body: '{}' })).json()) as { key: string };
    const at = new Date(Date.now() - 60_000).toISOString();
    const events = [
      { id: 'b-1', business: 'acme', type: 'message.received', channel: 'whatsapp', customer: '+4915123000001', conversation: 'c-1', at },
      { id: 'b-2', business: 'acme', type: 'message.received', channel: 'whatsapp', customer: '+4915123000002', conversation: 'c-2', at },
    ];
    const ingest = await fetch(`${server.url}/v1/events`, { method: 'POST', headers: { ...admin, authorization: `Bearer ${key}` }, body: JSON.stringify({ events }) });
    expect(ingest.status).toBe(200);
    expect(await ingest.json()).toMatchObject({ accepted: 2 });

    const today = at.slice(0, 10);
    const pdf = await fetch(`${server.url}/v1/exports/business/acme.pdf?from=${today}&to=${today}`, { headers: admin });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');

    const docs = await fetch(`${server.url}/docs/assets/swagger-ui.css`);
    expect(docs.status).toBe(200);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.output()).not.toMatch(/"level":(50|60)/);
    // Both threads ran (an event was prepared, a PDF rendered) and none loaded TypeScript.
    expect(readdirSync(temporary).filter((name) => name.startsWith('tsx'))).toEqual([]);
  });

  it('bundles each worker thread beside the server, which starts its threads from there; the sources start theirs through tsx', () => {
    const bundle = buildProcessBundle();
    expect(BUNDLED_THREADS.map((t) => t.bundled)).toEqual(['intake-thread', 'pdf-thread']);
    for (const thread of BUNDLED_THREADS) {
      const bundled = threadEntryPath(thread, bundle);
      expect(bundled).toBe(join(bundle, '..', `${thread.bundled}.mjs`));
      expect(readFileSync(bundled, 'utf8')).toMatch(/parentPort/);
      // Under vitest this module is TypeScript, as the server's modules are under tsx.
      expect(threadEntryPath(thread)).toBe(repositoryPath(...thread.boot));
      expect(readFileSync(threadEntryPath(thread), 'utf8')).toContain(thread.source.at(-1));
    }
  });

  it('lives inside the repository, whose root it finds from its own folder', () => {
    expect(SERVER_BUNDLE.startsWith(repositoryRootAbove(import.meta.dirname))).toBe(true);
    expect(() => repositoryRootAbove(tmpdir())).toThrow(/no repository root/);
  });

  it("starts a process's servers from its own copy, which a rebuild of npm start's bundle leaves as it was", () => {
    const own = buildProcessBundle();
    expect(own).not.toBe(SERVER_BUNDLE);
    expect(own.startsWith(repositoryRootAbove(import.meta.dirname))).toBe(true);
    const built = readFileSync(own, 'utf8');
    // What npm start's prestart step, or another process, does meanwhile.
    buildServerBundle();
    expect(buildProcessBundle()).toBe(own);
    expect(readFileSync(own, 'utf8')).toBe(built);
  });

  it('removes the copies of processes that ended without removing their own', () => {
    const ended = spawnSync(process.execPath, ['-e', '']).pid;
    const left = join(SERVER_BUNDLE, '..', `process-${ended}`);
    mkdirSync(left, { recursive: true });
    writeFileSync(join(left, 'main.mjs'), '');
    removeBundlesOfEndedProcesses();
    expect(existsSync(left)).toBe(false);
    expect(existsSync(buildProcessBundle())).toBe(true);
  });
});
