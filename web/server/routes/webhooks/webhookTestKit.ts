import { existsSync, readFileSync } from 'node:fs';
import type { TestRuntime } from '../../testing/testRuntime';
import { hubSignature } from '../../../../ingest/webhooks/signature';

// Shared by the webhook tests (not a test file itself).

export const APP_SECRET = 'test-app-secret-0123456789abcdef';
export const VERIFY_TOKEN = 'test-verify-token';

/** The platform accounts the fixtures are for (their entry[].id), which a test business registers. */
export const FIXTURE_ACCOUNTS = {
  whatsapp: ['102290129340398', '419561257915477'],
  messenger: ['<PAGE_ID>', 'PAGE-ID', 'PAGE_ID'],
  instagram: ['17841405822304914'],
};

export { fixture } from '../../../../ingest/webhooks/fixtures';

export async function registerWithWebhook(
  runtime: TestRuntime, id: string, accounts: Partial<typeof FIXTURE_ACCOUNTS> = FIXTURE_ACCOUNTS,
): Promise<void> {
  await runtime.registerBusiness(id);
  const res = await runtime.admin('PUT', `/v1/businesses/${id}/webhooks`, { app_secret: APP_SECRET, verify_token: VERIFY_TOKEN, accounts });
  if (res.status !== 200) throw new Error(`webhooks of ${id}: ${res.status} ${await res.text()}`);
}

/** POSTs a payload's exact bytes, signed (or with the given signature header, or none). */
export function postWebhook(
  runtime: TestRuntime, channel: 'whatsapp' | 'messenger' | 'instagram', business: string, body: string,
  signature: string | null = hubSignature(body, APP_SECRET),
): Promise<Response> {
  return Promise.resolve(
    runtime.app.request(`/v1/webhooks/${channel}/${business}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'x-hub-signature-256': signature }) },
      body,
    }),
  );
}

export interface StoredEvent {
  event_id: string;
  type: string;
  channel: string;
  customer: string;
  customer_region: string;
  conversation: string | null;
  message: string | null;
  occurred_at: string;
  sender: string | null;
  category: string | null;
  error_code: number | null;
}

export async function storedEvents(runtime: TestRuntime, business: string): Promise<StoredEvent[]> {
  const reader = await runtime.deps.store.connection.runAndReadAll(
    `SELECT event_id, type, channel, customer, customer_region, conversation, message,
            strftime(occurred_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS occurred_at, sender, category, error_code
     FROM events WHERE business = $1 ORDER BY occurred_at, type`,
    [business],
  );
  return reader.getRowObjectsJson() as unknown as StoredEvent[];
}

export async function countAllEvents(runtime: TestRuntime): Promise<number> {
  const reader = await runtime.deps.store.connection.runAndReadAll('SELECT count(*)::INTEGER FROM events');
  return Number(reader.getRowsJson()[0]?.[0]);
}

/** Every VARCHAR/JSON cell of every table that contains one of the values. */
export async function cellsContaining(runtime: TestRuntime, values: readonly string[]): Promise<string[]> {
  const connection = runtime.deps.store.connection;
  const columns = (await connection.runAndReadAll(
    "SELECT table_name, column_name FROM information_schema.columns WHERE data_type IN ('VARCHAR', 'JSON')",
  )).getRowsJson() as [string, string][];
  const found: string[] = [];
  for (const [table, column] of columns) {
    for (const value of values) {
      const reader = await connection.runAndReadAll(
        `SELECT count(*)::INTEGER FROM "${table}" WHERE contains(lower("${column}"::VARCHAR), lower($1))`,
        [value],
      );
      if (Number(reader.getRowsJson()[0]?.[0]) > 0) found.push(`${table}.${column}: ${value}`);
    }
  }
  return found;
}

/** The values found in the raw bytes of the database file and its WAL (call after close). */
export function bytesContaining(databasePath: string, values: readonly string[]): string[] {
  const files = [databasePath, `${databasePath}.wal`].filter((path) => existsSync(path)).map((path) => readFileSync(path));
  return values.filter((value) => files.some((bytes) => bytes.includes(Buffer.from(value, 'utf8'))));
}
