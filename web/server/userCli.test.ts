import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startServerProcess, waitForHealth, type ServerProcess } from './testing/serverProcess';
import { repositoryPath } from '../../db/repositoryFiles';

const run = promisify(execFile);
const ROOT = repositoryPath();
let dir: string;
let server: ServerProcess | undefined;

afterEach(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const userCli = (env: Record<string, string>, ...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', join(ROOT, 'web/server/userCli.ts'), ...args], { cwd: ROOT, env: { ...process.env, ...env } });

async function signIn(url: string, email: string, password: string) {
  return fetch(`${url}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
}

describe('npm run user', () => {
  it('adds users by opening the database when no server runs, and through the running server otherwise', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mpa-user-'));
    const env = { DATABASE_PATH: join(dir, 'db.duckdb'), ADMIN_TOKEN: 'user-cli-admin-token-123', SEED_DEMO: '0', PORT: String(await freePort()) };
    const offline = await userCli(env, 'add', '--email', 'dana@example.com', '--role', 'dpo');
    const password = /password \(shown once\): (\S+)/.exec(offline.stdout)?.[1];
    expect(password).toBeDefined();

    server = startServerProcess(env, Number(env.PORT));
    await waitForHealth(server);
    const online = await userCli(env, 'add', '--email', 'mia@example.com', '--role', 'marketing', '--password', 'marketing-password-1');
    expect(online.stderr).toMatch(/held by another process/);
    expect(online.stdout).toMatch(/created mia@example.com \(marketing, all businesses\)/);

    expect((await signIn(server.url, 'dana@example.com', password!)).status).toBe(200);
    expect((await signIn(server.url, 'mia@example.com', 'marketing-password-1')).status).toBe(200);
    await expect(userCli(env, 'add', '--email', 'mia@example.com', '--role', 'dpo', '--password', 'another-password-1')).rejects.toMatchObject({
      stderr: expect.stringMatching(/409 a user with this email exists/),
    });
  });

  it('changes a role, resets a password, lists and deletes users', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mpa-user-'));
    const env = { DATABASE_PATH: join(dir, 'db.duckdb'), ADMIN_TOKEN: 'user-cli-admin-token-123', SEED_DEMO: '0', PORT: String(await freePort()) };
    await userCli(env, 'add', '--email', 'dana@example.com', '--role', 'dpo', '--password', 'first-password-123');
    expect((await userCli(env, 'set', '--email', 'Dana@example.com', '--role', 'marketing')).stdout).toMatch(/changed dana@example.com \(marketing, all businesses\); their sessions ended/);
    const reset = await userCli(env, 'password', '--email', 'dana@example.com');
    expect(reset.stdout).toMatch(/password \(shown once\): \S{12,}/);
    expect((await userCli(env, 'delete', '--email', 'dana@example.com')).stdout).toMatch(/deleted dana@example.com/);
    expect((await userCli(env, 'list')).stdout).toBe('');
    // Each call opens the database in a process of its own: slow on a busy machine.
  }, 180_000);
});
