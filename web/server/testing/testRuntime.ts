import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach } from 'vitest';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { openRuntime, type DuckDbRuntime, type RuntimeOptions } from '../runtime';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';
export const TEST_PSEUDONYM_KEY = 'a'.repeat(64);

export interface TestRuntime extends DuckDbRuntime {
  dir: string;
  databasePath: string;
  /** Every log line the runtime wrote. */
  logs: string[];
  admin: (method: string, path: string, body?: unknown) => Promise<Response>;
  registerBusiness: (id: string, overrides?: Record<string, unknown>) => Promise<void>;
  createKey: (business: string, alsoBusinesses?: string[]) => Promise<string>;
  postEvents: (key: string, events: unknown[]) => Promise<Response>;
  stop: () => Promise<void>;
}

export function businessBody(id: string, overrides: Record<string, unknown> = {}) {
  return {
    name: `Business ${id}`,
    sector: 'retail',
    verified: true,
    timezone: 'Europe/Berlin',
    business_hours: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']], thu: [['09:00', '17:00']], fri: [['09:00', '17:00']] },
    processing_locations: [{ country: 'DE', processor: 'Example Hosting GmbH', role: 'processor', mechanism: 'eea', primary: true }],
    ...overrides,
  };
}

/** A real runtime on a temporary DuckDB file, with the HTTP app reached through app.request. */
export async function startTestRuntime(options: RuntimeOptions & { dir?: string; env?: Record<string, string> } = {}): Promise<TestRuntime> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'mpa-test-'));
  const databasePath = join(dir, 'test.duckdb');
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const config = loadConfig({
    DATABASE_PATH: databasePath,
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    PSEUDONYM_KEY: TEST_PSEUDONYM_KEY,
    // Tests count a few customers on purpose (MIN_COHORT=1).
    ALLOW_SMALL_COHORTS: '1',
    ...options.env,
  });
  const runtime = await openRuntime(config, createLogger('info', sink), options);
  const admin = (method: string, path: string, body?: unknown) =>
    Promise.resolve(
      runtime.app.request(path, {
        method,
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
  return {
    ...runtime,
    dir,
    databasePath,
    logs,
    admin,
    registerBusiness: async (id, overrides) => {
      const res = await admin('PUT', `/v1/businesses/${id}`, businessBody(id, overrides));
      if (res.status >= 300) throw new Error(`register ${id}: ${res.status} ${await res.text()}`);
    },
    createKey: async (business, alsoBusinesses) => {
      const res = await admin('POST', `/v1/businesses/${business}/keys`, alsoBusinesses ? { also_businesses: alsoBusinesses } : {});
      if (res.status !== 201) throw new Error(`key for ${business}: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { key: string }).key;
    },
    postEvents: (key, events) =>
      Promise.resolve(
        runtime.app.request('/v1/events', {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ events }),
        }),
      ),
    stop: async () => {
      await runtime.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

type TestRuntimeOptions = NonNullable<Parameters<typeof startTestRuntime>[0]>;

/**
 * Runtimes for the tests of the calling file, each stopped after its test: `start` applies
 * `defaults` under the test's options (env merged). `release` hands one back to the test, which
 * closes it itself (a restart on the same folder, which the stop would delete).
 */
export function useTestRuntimes(defaults: TestRuntimeOptions = {}) {
  let runtimes: TestRuntime[] = [];
  afterEach(async () => {
    for (const rt of runtimes) await rt.stop();
    runtimes = [];
  });
  return {
    start: async (options: TestRuntimeOptions = {}) => {
      const rt = await startTestRuntime({ ...defaults, ...options, env: { ...defaults.env, ...options.env } });
      runtimes.push(rt);
      return rt;
    },
    release: (rt: TestRuntime) => {
      runtimes = runtimes.filter((r) => r !== rt);
    },
  };
}
