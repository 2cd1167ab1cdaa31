import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { generateDemo } from '../../ingest/demo/generateDemo';
import { inProcessClient, postDemo } from '../server/seed/postDemo';
import { freePort } from '../server/testing/serverProcess';
import { startTestRuntime, type TestRuntime } from '../server/testing/testRuntime';

export interface DashboardServer {
  rt: TestRuntime;
  url: string;
  stop: () => Promise<void>;
}

export const PASSWORDS = { marketing: 'marketing-password-1', dpo: 'dpo-password-12345' } as const;

/** A real server on a temporary DuckDB file with a small demo dataset and one user per role. */
export async function startDashboardServer(events = 6_000): Promise<DashboardServer> {
  if (!existsSync(join(import.meta.dirname, '..', 'build', 'index.html'))) {
    throw new Error('the dashboard is not built: run npm run build:web (npm test does it first)');
  }
  const rt = await startTestRuntime();
  const summary = await postDemo(inProcessClient(rt.app), rt.deps.adminToken, generateDemo({ seed: 11, events, days: 90, end: Date.now() }));
  if (summary.rejected > 0) throw new Error(`demo rejected ${summary.rejected} events`);
  for (const role of ['marketing', 'dpo'] as const) {
    const res = await rt.admin('POST', '/v1/users', { email: `${role}@example.com`, password: PASSWORDS[role], role });
    if (res.status !== 201) throw new Error(`user ${role}: ${res.status}`);
  }
  const port = await freePort();
  const server: ServerType = serve({ fetch: rt.app.fetch, port, hostname: '127.0.0.1' });
  return {
    rt,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await new Promise((resolve) => server.close(resolve));
      await rt.stop();
    },
  };
}
