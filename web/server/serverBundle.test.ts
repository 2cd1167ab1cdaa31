import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repositoryRootAbove } from '../../db/repositoryFiles';
import { SERVER_BUNDLE } from './serverBundle';
import { businessBody } from './testing/testRuntime';
import { freePort, killServers, startServerProcess, waitForHealth, type ServerProcess } from './testing/serverProcess';

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
    const server = startServerProcess({ DATABASE_PATH: join(dir, 'db.duckdb'), ADMIN_TOKEN: ADMIN, INTAKE_THREADS: '1' }, await freePort(), dir);
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
  });

  it('lives inside the repository, whose root it finds from its own folder', () => {
    expect(SERVER_BUNDLE.startsWith(repositoryRootAbove(import.meta.dirname))).toBe(true);
    expect(() => repositoryRootAbove(tmpdir())).toThrow(/no repository root/);
  });
});
