import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN, useTestRuntimes } from '../testing/testRuntime';
import { cookieOf, signIn, withCookie } from './authTesting';

const runtimes = useTestRuntimes();
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ROTATED = 'a-rotated-admin-token-9876';

describe('built-in admin sessions', () => {
  it('survive a restart with the same ADMIN_TOKEN and end when the token is rotated', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mpa-admin-'));
    const first = await runtimes.start({ dir });
    const cookie = cookieOf(await signIn(first, 'admin', TEST_ADMIN_TOKEN));
    await first.close();

    const same = await runtimes.start({ dir });
    expect((await withCookie(same, cookie, 'GET', '/v1/businesses')).status).toBe(200);
    await same.close();

    const rotated = await runtimes.start({ dir, env: { ADMIN_TOKEN: ROTATED } });
    expect((await withCookie(rotated, cookie, 'GET', '/v1/businesses')).status).toBe(401);
    expect((await withCookie(rotated, cookie, 'GET', '/v1/session')).status).toBe(401);
    const fresh = cookieOf(await signIn(rotated, 'admin', ROTATED));
    expect((await withCookie(rotated, fresh, 'GET', '/v1/businesses')).status).toBe(200);
  });

  it('keeps no value in the database that would tell a guess of the admin token', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mpa-admin-'));
    const rt = await runtimes.start({ dir });
    await signIn(rt, 'admin', TEST_ADMIN_TOKEN);
    const rows = await rt.deps.store.connection.runAndReadAll('SELECT * FROM sessions');
    const text = JSON.stringify(rows.getRowObjectsJson());
    expect(text).not.toContain(TEST_ADMIN_TOKEN);
    expect(text).not.toContain(createHash('sha256').update(TEST_ADMIN_TOKEN).digest('hex'));
    expect(rows.getRowObjectsJson()[0]).toMatchObject({ user_id: null, admin_token_proof: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
});
