import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { queryRows } from '../../../db/duckdb';
import { startTestRuntime, type TestRuntime } from '../testing/testRuntime';
import {
  APP_SECRET, bytesContaining, cellsContaining, fixture, postWebhook, registerWithWebhook, VERIFY_TOKEN,
} from '../routes/webhooks/webhookTestKit';
import { hubSignature } from '../../../ingest/webhooks/signature';

// Webhook secrets are sealed in the database under a key kept beside it (or in SECRETS_KEY):
// the database file alone gives neither the app secret (to forge webhooks) nor the verify token.
const NOW = Date.UTC(2025, 6, 1);
let folders: string[] = [];
let open: TestRuntime[] = [];

afterEach(async () => {
  for (const rt of open) await rt.close();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  open = [];
  folders = [];
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mpa-secrets-'));
  folders.push(dir);
  return dir;
}

async function start(dir: string, env: Record<string, string> = {}): Promise<TestRuntime> {
  const rt = await startTestRuntime({ dir, now: () => NOW, env });
  open.push(rt);
  return rt;
}

async function close(rt: TestRuntime): Promise<void> {
  open = open.filter((r) => r !== rt);
  await rt.close();
}

const storedSecrets = (rt: TestRuntime) =>
  queryRows<{ app_secret: string; verify_token: string }>(rt.deps.store.connection, 'SELECT app_secret, verify_token FROM businesses WHERE id = $1', ['acme']);

const handshake = async (rt: TestRuntime, token: string) =>
  (await rt.app.request(`/v1/webhooks/whatsapp/acme?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=7`)).status;

describe('webhook secrets at rest', () => {
  it('stores no clear secret, still verifies webhooks after a restart, and a copy without the key recovers nothing', async () => {
    const dir = folder();
    const rt = await start(dir);
    await registerWithWebhook(rt, 'acme');
    const [row] = await storedSecrets(rt);
    expect(row!.app_secret).toMatch(/^enc:v1:[A-Za-z0-9+/=]+$/);
    expect(row!.verify_token).toMatch(/^enc:v1:[A-Za-z0-9+/=]+$/);
    expect(await cellsContaining(rt, [APP_SECRET, VERIFY_TOKEN])).toEqual([]);
    expect((await postWebhook(rt, 'whatsapp', 'acme', fixture('whatsapp-text'))).status).toBe(200);
    await close(rt);
    expect(bytesContaining(rt.databasePath, [APP_SECRET, VERIFY_TOKEN])).toEqual([]);
    expect(existsSync(join(dir, 'test.duckdb.secrets-key'))).toBe(true);

    // A copy of the database alone: its secrets cannot be opened, so nothing verifies with them.
    const copy = folder();
    copyFileSync(rt.databasePath, join(copy, 'test.duckdb'));
    const stolen = await start(copy);
    expect(stolen.logs.join('')).toMatch(/cannot open these businesses' webhook secrets.*"acme"|"acme".*cannot open/);
    expect((await postWebhook(stolen, 'whatsapp', 'acme', fixture('whatsapp-status-sent-pmp'))).status).toBe(401);
    expect(await handshake(stolen, VERIFY_TOKEN)).toBe(403);
    await close(stolen);

    // The same folder, with its key file: the secrets open again.
    const restarted = await start(dir);
    expect(await handshake(restarted, VERIFY_TOKEN)).toBe(200);
    expect((await postWebhook(restarted, 'whatsapp', 'acme', fixture('whatsapp-status-sent-pmp'))).status).toBe(200);
  });

  it('seals the clear secrets of an earlier version at start, once', async () => {
    const dir = folder();
    const rt = await start(dir);
    await rt.registerBusiness('acme');
    // As an earlier version stored them.
    await rt.deps.store.connection.run("UPDATE businesses SET app_secret = 'clear-app-secret', verify_token = 'clear-verify-token-16' WHERE id = 'acme'");
    await close(rt);

    const upgraded = await start(dir);
    // Sealed in every row; the file's freed blocks may keep the old bytes, hence the advice to rotate.
    expect(upgraded.logs.join('')).toMatch(/webhook secrets stored in clear were sealed.*rotate them/);
    const [sealed] = await storedSecrets(upgraded);
    expect(sealed!.app_secret).toMatch(/^enc:v1:/);
    expect(await handshake(upgraded, 'clear-verify-token-16')).toBe(200);
    // The signature verifies; the payload is refused only because no account is registered yet.
    const body = fixture('whatsapp-text');
    const res = await postWebhook(upgraded, 'whatsapp', 'acme', body, hubSignature(body, 'clear-app-secret'));
    expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([403, 'foreign_account']);
    expect(await cellsContaining(upgraded, ['clear-app-secret', 'clear-verify-token-16'])).toEqual([]);
    await close(upgraded);

    const again = await start(dir);
    expect(await storedSecrets(again)).toEqual([sealed]);
    expect(again.logs.join('')).not.toContain('were sealed');
    // Said at every start until the accounts are registered, naming the business.
    expect(again.logs.join('')).toMatch(/"businesses":\["acme"\].*no platform account registered/);
  });

  it('takes the key from SECRETS_KEY instead of a file, and refuses a key of the wrong length', async () => {
    const dir = folder();
    const rt = await start(dir, { SECRETS_KEY: 'c'.repeat(64) });
    await registerWithWebhook(rt, 'acme');
    expect(await handshake(rt, VERIFY_TOKEN)).toBe(200);
    expect(existsSync(join(dir, 'test.duckdb.secrets-key'))).toBe(false);
    const other = join(folder(), 'short');
    mkdirSync(other);
    await expect(startTestRuntime({ dir: other, env: { SECRETS_KEY: 'c'.repeat(62) } })).rejects.toThrow(/SECRETS_KEY must hold exactly 32 random bytes/);
  });
});
