import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, TEST_ADMIN_TOKEN, type TestRuntime } from '../testing/testRuntime';
import { generateDemo, type Demo } from '../../../ingest/demo/generateDemo';
import { inProcessClient, postDemo, type DemoSummary } from './postDemo';

const EEA = `AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO`.split(' ');
const sqlList = (codes: string[]) => codes.map((c) => `'${c}'`).join(', ');

/** The phone numbers (digits only) found anywhere in the raw bytes of these files. */
function phonesInFiles(phones: Iterable<string>, files: string[]): string[] {
  // Every run of 8+ digits in the raw bytes, then any phone number inside one of them.
  const digitRuns = files.filter((f) => existsSync(f)).flatMap((f) => readFileSync(f).toString('latin1').match(/\d{8,}/g) ?? []);
  return [...phones].filter((phone) => digitRuns.some((run) => run.includes(phone)));
}

describe('demo data posted through the ingest API', () => {
  let dir: string;
  let runtime: TestRuntime;
  let demo: Demo;
  let summary: DemoSummary;
  let stopped = false;

  const rows = async <T>(sql: string) => (await runtime.deps.store.connection.runAndReadAll(sql)).getRowObjectsJson() as T[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mpa-demo-'));
    runtime = await startTestRuntime({ dir });
    // The data depends on `end` (now): with 3,000 events, one end in a few hundred gave no
    // conversation processed in an undeclared country (rare shares of two businesses); with
    // 6,000 the fewest seen over 150 ends was 11.
    demo = generateDemo({ seed: 42, events: 6000, days: 90, end: Date.now() });
    summary = await postDemo(inProcessClient(runtime.app), TEST_ADMIN_TOKEN, demo);
  });

  afterAll(async () => {
    if (!stopped) await runtime.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores every generated event, none rejected', async () => {
    expect(summary).toMatchObject({ events: 6000, accepted: 6000, duplicates: 0, rejected: 0 });
    const [count] = await rows<{ n: number }>('SELECT count(*)::INTEGER AS n FROM events');
    expect(count?.n).toBe(6000);
  });

  it('registers at least 12 businesses, all with events, and leaves no live demo key', async () => {
    const stored = await rows<{ business: string }>('SELECT DISTINCT business FROM events');
    expect(stored.length).toBeGreaterThanOrEqual(12);
    const listed = (await (await runtime.admin('GET', '/v1/businesses')).json()) as { businesses: unknown[] };
    expect(listed.businesses.length).toBe(demo.businesses.length);
    const [active] = await rows<{ n: number }>('SELECT count(*)::INTEGER AS n FROM ingest_keys WHERE revoked_at IS NULL');
    expect(active?.n).toBe(0);
  });

  it('prices every business with the demo rate card, uploaded in its two versions', async () => {
    for (const { id } of demo.businesses) {
      const card = (await (await runtime.admin('GET', `/v1/businesses/${id}/rate-card`)).json()) as Record<string, unknown>;
      expect(JSON.stringify(card), id).toContain('"demo-illustrative"');
    }
    const card = (await (await runtime.admin('GET', '/v1/rate-cards/demo-illustrative')).json()) as { versions: { effective_from: string }[] };
    expect(card.versions.map((v) => v.effective_from)).toEqual(demo.rateCard.versions.map((v) => v.effective_from));
  });

  it('stores customers of the required regions, placed from the numbers themselves', async () => {
    const regions = (await rows<{ r: string }>('SELECT DISTINCT customer_region AS r FROM events')).map((row) => row.r);
    for (const country of ['DE', 'FR', 'IT', 'ES', 'NL', 'PL', 'IE', 'SE', 'PT', 'GB', 'US', 'CA', 'BR', 'IN', 'JP', 'RU', 'NG', 'JM', 'CH', 'AE', 'MX', 'ZA', 'GG', 'JE']) {
      expect(regions, country).toContain(country);
    }
    expect(regions).not.toContain('ZZ');
  });

  it('counts a customer once under the phone number and the BSUID', async () => {
    // The persons of the generated events: identifiers named together are one.
    const parent = new Map<string, string>();
    const find = (id: string): string => {
      const up = parent.get(id) ?? id;
      return up === id ? id : find(up);
    };
    for (const batch of demo.batches()) {
      for (const e of batch) {
        if (e.channel !== 'whatsapp') continue;
        const me = find(`${e.business}/${e.customer}`);
        parent.set(me, me);
        for (const alias of e.customer_aliases ?? []) {
          const other = find(`${e.business}/${alias}`);
          if (other !== me) parent.set(other, me);
        }
      }
    }
    const persons = new Set([...parent.keys()].map(find));
    expect(persons.size).toBeLessThan(parent.size);
    const [stored] = await rows<{ n: number }>("SELECT count(DISTINCT (business, customer))::INTEGER AS n FROM events WHERE channel = 'whatsapp'");
    expect(stored?.n).toBe(persons.size);
  });

  it('has a business whose EEA customers are processed outside the EEA at a location without a mechanism', async () => {
    const exposed = await rows<{ business: string }>(`
      SELECT DISTINCT e.business FROM events e
      JOIN processing_locations l ON l.business = e.business AND l.country = e.processed_in
      WHERE l.mechanism = 'none' AND l.country NOT IN (${sqlList(EEA)}) AND e.customer_region IN (${sqlList(EEA)})`);
    expect(exposed.map((r) => r.business)).toContain('bazaarly');
  });

  it('shows processing in a country the business never declared', async () => {
    const undeclared = await rows<{ business: string }>(`
      SELECT DISTINCT e.business FROM events e
      WHERE NOT EXISTS (SELECT 1 FROM processing_locations l WHERE l.business = e.business AND l.country = e.processed_in)`);
    expect(undeclared.length).toBeGreaterThan(0);
  });

  it('leaves no raw phone number of a generated customer in the database files', async () => {
    const phones = new Set<string>();
    for (const batch of demo.batches()) {
      for (const e of batch) {
        if (e.channel !== 'whatsapp' && e.channel !== 'sms') continue;
        // A BSUID (`BR.1234...`) must not be stored either: its digits are searched like a number's.
        for (const id of [e.customer, ...(e.customer_aliases ?? [])]) phones.add(id.replace(/^\+/, '').replace(/^[A-Z]{2}\./, ''));
      }
    }
    expect(phones.size).toBeGreaterThan(100);
    await runtime.stop();
    stopped = true;
    expect(phonesInFiles(phones, [runtime.databasePath, `${runtime.databasePath}.wal`])).toEqual([]);

    // The search itself works: numbers stored in plain text in a DuckDB file are found.
    const controlPath = join(dir, 'control.duckdb');
    const instance = await DuckDBInstance.create(controlPath);
    const connection = await instance.connect();
    await connection.run('CREATE TABLE t (customer VARCHAR)');
    const appender = await connection.createAppender('t');
    for (const phone of phones) {
      appender.appendVarchar(phone);
      appender.endRow();
    }
    appender.closeSync();
    connection.closeSync();
    instance.closeSync();
    expect(phonesInFiles(phones, [controlPath, `${controlPath}.wal`]).length).toBe(phones.size);
  });
});

describe('postDemo reporting rejections', () => {
  it('counts rejected events and names the first ones without their identifiers', async () => {
    const demo = generateDemo({ seed: 5, events: 20, days: 10, end: Date.parse('2026-11-20T00:00:00Z') });
    const requests: string[] = [];
    const client = {
      target: 'fake',
      request: async (method: string, path: string, _token: string, body?: string) => {
        requests.push(`${method} ${path}`);
        if (path.endsWith('/keys')) return { status: 201, body: { id: 'key_1', key: 'ik_test' }, retryAfterSeconds: undefined };
        if (path === '/v1/events') {
          const count = (JSON.parse(body!) as { events: unknown[] }).events.length;
          return { status: 200, body: { accepted: count - 2, duplicates: 0, rejected: [{ index: 0, field: 'at', error: 'too old' }, { index: 3, field: null, error: 'bad' }] }, retryAfterSeconds: undefined };
        }
        return { status: method === 'PUT' ? 201 : 204, body: undefined, retryAfterSeconds: undefined };
      },
    };
    const summary = await postDemo(client, 'admin', demo);
    expect(summary).toMatchObject({ events: 20, accepted: 18, rejected: 2 });
    const first = [...demo.batches()][0]![0]!;
    expect(summary.firstRejections[0]).toEqual({ business: first.business, type: first.type, field: 'at', error: 'too old' });
    expect(JSON.stringify(summary)).not.toContain(first.customer);
    expect(requests.at(-1)).toBe('DELETE /v1/keys/key_1');
  });
});
