import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../../ingest/demo/generateDemo';
import { inProcessClient, postDemo } from '../seed/postDemo';
import { startTestRuntime, TEST_ADMIN_TOKEN, type TestRuntime } from '../testing/testRuntime';
import { DASHBOARD_DIR } from '../dashboard';
import { inlineScriptHashes } from './securityHeaders';
import { acceptedCodings } from './acceptEncoding';
import { MIN_COMPRESSED_BYTES } from './compressReplies';

// Replies as a browser gets them: the built dashboard's files precompressed at build time, and
// report, export and audit replies compressed on the fly, through the real app and server.
const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;
const Q = `from=${new Date(today - 90 * DAY).toISOString().slice(0, 10)}&to=${new Date(today - DAY).toISOString().slice(0, 10)}`;
const ADMIN = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

let rt: TestRuntime;
let business: string;

const get = (path: string, headers: Record<string, string> = {}) => Promise.resolve(rt.app.request(path, { headers: { ...ADMIN, ...headers } }));
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The body as the client reads it: decoded as its Content-Encoding says. */
async function decoded(res: Response): Promise<Buffer> {
  const raw = Buffer.from(await res.arrayBuffer());
  // Content-Length counts the bytes on the wire, i.e. the encoded ones.
  expect(Number(res.headers.get('content-length') ?? raw.length)).toBe(raw.length);
  const coding = res.headers.get('content-encoding');
  if (coding === 'br') return brotliDecompressSync(raw);
  if (coding === 'gzip') return gunzipSync(raw);
  expect(coding).toBeNull();
  return raw;
}

/** The dashboard's largest script, as a URL path and its bytes on disk. */
function largestScript(): { path: string; bytes: Buffer } {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.js')) files.push(path);
    }
  };
  walk(join(DASHBOARD_DIR, '_app'));
  const file = files.sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
  return { path: `/${relative(DASHBOARD_DIR, file).split('\\').join('/')}`, bytes: readFileSync(file) };
}

beforeAll(async () => {
  if (!existsSync(join(DASHBOARD_DIR, 'index.html'))) throw new Error('the dashboard is not built: run npm run build:web (npm test does it first)');
  rt = await startTestRuntime();
  const demo = generateDemo({ seed: 7, events: 4000, days: 90, end: today - 1 });
  expect((await postDemo(inProcessClient(rt.app), TEST_ADMIN_TOKEN, demo)).rejected).toBe(0);
  business = demo.businesses[0]!.id;
});

afterAll(async () => {
  await rt.stop();
});

describe('the dashboard\'s files, compressed at build time', () => {
  it('a script asked for with Accept-Encoding: br comes back brotli-encoded, as its type, decoding to the file\'s bytes', async () => {
    const script = largestScript();
    expect(existsSync(join(DASHBOARD_DIR, `${script.path}.br`)), 'the build writes .br beside each script').toBe(true);
    const res = await get(script.path, { 'accept-encoding': 'br' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('br');
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const body = await decoded(res);
    expect(body.equals(script.bytes)).toBe(true);
    expect(Number(res.headers.get('content-length'))).toBeLessThan(script.bytes.length / 2);
  });

  it('gzip when that is what the browser accepts (or prefers), identity when it accepts none', async () => {
    const script = largestScript();
    for (const acceptEncoding of ['gzip', 'gzip;q=1, br;q=0.5', 'br;q=0, gzip']) {
      const res = await get(script.path, { 'accept-encoding': acceptEncoding });
      expect(res.headers.get('content-encoding'), acceptEncoding).toBe('gzip');
      expect((await decoded(res)).equals(script.bytes)).toBe(true);
    }
    const refusals: Record<string, string>[] = [{}, { 'accept-encoding': 'identity' }, { 'accept-encoding': 'br;q=0, gzip;q=0' }];
    for (const headers of refusals) {
      const res = await get(script.path, headers);
      expect(res.headers.get('content-encoding')).toBeNull();
      expect(Number(res.headers.get('content-length'))).toBe(script.bytes.length);
      expect(Buffer.from(await res.arrayBuffer()).equals(script.bytes)).toBe(true);
    }
  });

  it('a page (index.html) comes compressed with the CSP of its uncompressed text', async () => {
    const res = await get('/businesses/acme', { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(res.headers.get('content-encoding')).toBe('br');
    const html = (await decoded(res)).toString('utf8');
    expect(html).toBe(readFileSync(join(DASHBOARD_DIR, 'index.html'), 'utf8'));
    const csp = res.headers.get('content-security-policy')!;
    expect(inlineScriptHashes(html).length).toBeGreaterThan(0);
    for (const hash of inlineScriptHashes(html)) expect(csp).toContain(hash);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('a path out of the build directory is still refused, whatever the coding', async () => {
    for (const path of ['/..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/package.json']) {
      const res = await get(path, { 'accept-encoding': 'br' });
      expect(res.status, path).toBe(404);
    }
  });
});

describe('API and export replies, compressed on the fly', () => {
  it('a 90-day business report asked for with gzip, br is brotli-encoded and decodes to the same JSON as an uncompressed request', async () => {
    const path = `/v1/reports/businesses/${business}?${Q}`;
    const plain = await get(path);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-encoding')).toBeNull();
    const plainJson: unknown = await plain.json();
    const res = await get(path, { 'accept-encoding': 'gzip, br' });
    expect(res.headers.get('content-encoding')).toBe('br');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
    const body = await decoded(res);
    expect(body.length).toBeGreaterThan(MIN_COMPRESSED_BYTES);
    expect(JSON.parse(body.toString('utf8'))).toEqual(plainJson);
  });

  it('a CSV export is compressed and the audit log\'s SHA-256 is of the decoded file; gzip likewise', async () => {
    for (const coding of ['br', 'gzip']) {
      const res = await get(`/v1/exports/business/${business}.csv?${Q}`, { 'accept-encoding': coding });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-encoding')).toBe(coding);
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename=".+\.csv"$/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const csv = await decoded(res);
      expect(csv.toString('utf8')).toContain(business);
      const audit = (await (await get('/v1/audit?limit=1&action=export.')).json()) as { entries: { action: string; sha256: string }[] };
      expect(audit.entries[0]!.action).toBe('export.business.csv');
      expect(audit.entries[0]!.sha256).toBe(sha256(csv));
    }
  });

  it('a PDF export is not compressed again, and its audit SHA-256 is of the bytes served', async () => {
    const res = await get(`/v1/exports/business/${business}.pdf?${Q}`, { 'accept-encoding': 'gzip, br' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = await decoded(res);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const audit = (await (await get('/v1/audit?limit=1&action=export.')).json()) as { entries: { sha256: string }[] };
    expect(audit.entries[0]!.sha256).toBe(sha256(pdf));
  });

  it('the audit log and the OpenAPI document come compressed too', async () => {
    for (const path of ['/v1/audit?limit=50', '/v1/openapi.json']) {
      const res = await get(path, { 'accept-encoding': 'gzip' });
      expect(res.headers.get('content-encoding'), path).toBe('gzip');
      expect(JSON.parse((await decoded(res)).toString('utf8'))).toBeTypeOf('object');
    }
  });

  it('/docs\' Swagger UI bundle comes compressed (once, then from memory) and decodes to the file', async () => {
    const file = readFileSync(createRequire(import.meta.url).resolve('swagger-ui-dist/swagger-ui-bundle.js'));
    for (const coding of ['br', 'br', 'gzip']) {
      const res = await get('/docs/assets/swagger-ui-bundle.js', { 'accept-encoding': coding });
      expect(res.headers.get('content-encoding')).toBe(coding);
      expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
      expect((await decoded(res)).equals(file)).toBe(true);
    }
    const plain = await get('/docs/assets/swagger-ui-bundle.js');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(Buffer.from(await plain.arrayBuffer()).equals(file)).toBe(true);
  });

  it('HEAD, small replies and error replies stay as they are', async () => {
    const head = await rt.app.request('/v1/openapi.json', { method: 'HEAD', headers: { 'accept-encoding': 'br' } });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-encoding')).toBeNull();
    const health = await get('/v1/health', { 'accept-encoding': 'br' });
    expect(health.headers.get('content-encoding')).toBeNull();
    expect(await health.json()).toEqual({ status: 'ok' });
    const missing = await get(`/v1/reports/businesses/no-such-business?${Q}`, { 'accept-encoding': 'br' });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-encoding')).toBeNull();
  });
});

describe('Accept-Encoding', () => {
  it('prefers brotli, follows q-values and the wildcard, and honours q=0', () => {
    expect(acceptedCodings(undefined)).toEqual([]);
    expect(acceptedCodings('gzip, deflate, br, zstd')).toEqual(['br', 'gzip']);
    expect(acceptedCodings('gzip;q=1, br;q=0.8')).toEqual(['gzip', 'br']);
    expect(acceptedCodings('*')).toEqual(['br', 'gzip']);
    expect(acceptedCodings('*, br;q=0')).toEqual(['gzip']);
    expect(acceptedCodings('identity')).toEqual([]);
    expect(acceptedCodings('deflate')).toEqual([]);
  });
});
