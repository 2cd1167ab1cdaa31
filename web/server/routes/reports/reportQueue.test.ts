import { describe, expect, it } from 'vitest';
import { useTestRuntimes, type TestRuntime } from '../../testing/testRuntime';

// The report reads' line is bounded: when it is full, or a query waited too long, a report
// request answers 503 reports_busy with Retry-After instead of queueing without end.
const runtimes = useTestRuntimes();

// About half a second of work on one read connection each.
const LONG = { sql: 'SELECT (SELECT sum(i % 7) FROM range(200000000) r(i)) AS s', params: [] };
const SHORT = { sql: 'SELECT 1 AS one', params: [] };
const OVERVIEW = '/v1/reports/overview?from=2026-01-01&to=2026-01-31';

/** Both read connections busy with a long query, and `waiting` short ones in line behind them. */
function occupy(rt: TestRuntime, waiting: number): Promise<unknown[]> {
  return Promise.all([LONG, LONG, ...Array.from({ length: waiting }, () => SHORT)].map((q) => rt.deps.reads.query(q)));
}

async function expectBusy(res: Response, message: RegExp) {
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('5');
  expect(await res.json()).toEqual({ error: { code: 'reports_busy', message: expect.stringMatching(message) } });
}

describe('bounded report queue', () => {
  it('answers 503 with Retry-After when REPORT_QUEUE_MAX queries already wait, and reports again once it has room', async () => {
    // A report sends its independent queries together: the line must take a report's worth.
    const rt = await runtimes.start({ env: { REPORT_QUEUE_MAX: '20' } });
    await rt.registerBusiness('acme');
    const busy = occupy(rt, 20);
    await expectBusy(await rt.admin('GET', OVERVIEW), /report queue is full/);
    await busy;
    expect((await rt.admin('GET', OVERVIEW)).status).toBe(200);
  });

  it('answers 503 when a report\'s query waited longer than REPORT_QUEUE_TIMEOUT_MS', async () => {
    const rt = await runtimes.start({ env: { REPORT_QUEUE_TIMEOUT_MS: '50' } });
    await rt.registerBusiness('acme');
    const busy = occupy(rt, 0);
    await expectBusy(await rt.admin('GET', OVERVIEW), /waited more than 50 ms/);
    await busy;
  });
});
