import { readFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, queryRows } from '../../../../db/duckdb';
import { businessBody } from '../../testing/testRuntime';
import { freePort, startServerProcess, waitForHealth, type ServerProcess } from '../../testing/serverProcess';
import { phoneIdentity } from '../../../../ingest/anonymise/customerIdentity';
import { Pseudonymiser } from '../../../../ingest/anonymise/pseudonym';

const ADMIN = 'anonymisation-admin-token-1';
let server: ServerProcess | undefined;
let dir: string | undefined;

afterEach(async () => {
  if (server && server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
  server = undefined;
  dir = undefined;
});

const CUSTOMERS = [
  { raw: '+39 333 123 4567', digits: ['3331234567', '393331234567'], region: 'IT' },
  { raw: '+1 650 555 1234', digits: ['6505551234', '16505551234'], region: 'US' },
  { raw: '18769271234', digits: ['8769271234', '18769271234'], region: 'JM' }, // a wa_id: no "+"
  { raw: '+1 604 681 1234', digits: ['6046811234', '16046811234'], region: 'CA' },
  { raw: '+44 1481 123456', digits: ['1481123456', '441481123456'], region: 'GG' },
];

describe('anonymisation at the edge', () => {
  it('never writes a raw phone number, conversation text or name to the database file, its WAL or the server output', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mpa-anon-'));
    const databasePath = join(dir, 'db.duckdb');
    server = startServerProcess({ DATABASE_PATH: databasePath, ADMIN_TOKEN: ADMIN }, await freePort());
    await waitForHealth(server);
    const admin = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
    await fetch(`${server.url}/v1/businesses/acme`, { method: 'PUT', headers: admin, body: JSON.stringify(businessBody('acme')) });
    const { key } = (await (await fetch(`${server.url}/v1/businesses/acme/keys`, { method: 'POST', headers: admin, body: '{}' })).json()) as { key: string };
    const at = new Date(Date.now() - 60_000).toISOString();
    const events = CUSTOMERS.flatMap((c, i) => [
      { id: `in-${i}`, business: 'acme', type: 'message.received', channel: 'whatsapp', customer: c.raw, conversation: `thread-${c.raw}`, message: `wamid.${c.digits[1]}`, at },
      // Rejected events must not leak either: a content field and a malformed timestamp.
      { id: `bad-${i}`, business: 'acme', type: 'message.received', channel: 'whatsapp', customer: c.raw, conversation: 'x', at, text: `call me on ${c.raw}` },
      { id: `bad2-${i}`, business: 'acme', type: 'message.received', channel: 'whatsapp', customer: c.raw, conversation: 'x', at: `${c.digits[0]}` },
    ]);
    const res = await fetch(`${server.url}/v1/events`, {
      method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ events }),
    });
    const replyText = await res.text();
    expect(JSON.parse(replyText).accepted).toBe(CUSTOMERS.length);
    server.child.kill('SIGKILL'); // leave the WAL as it is: it must be clean too
    await server.exited;

    const files = [databasePath, `${databasePath}.wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1'));
    expect(files.length).toBeGreaterThan(0);
    const texts = [...files, server.output(), replyText];
    for (const customer of CUSTOMERS) {
      for (const digits of customer.digits) {
        for (const text of texts) expect(text.includes(digits)).toBe(false);
      }
    }
    for (const text of texts) expect(text.includes('call me on')).toBe(false);

    const instance = await openDatabase(databasePath);
    const connection = await instance.connect();
    const rows = await queryRows<{ customer: string; customer_region: string }>(connection, 'SELECT customer, customer_region FROM events ORDER BY event_id');
    connection.closeSync();
    instance.closeSync();
    expect(new Set(rows.map((r) => r.customer_region))).toEqual(new Set(CUSTOMERS.map((c) => c.region)));
    for (const row of rows) expect(row.customer).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('phone regions come from the number itself', () => {
  it.each([
    ['+1 876 927 1234', 'JM'],
    ['+1 604 681 1234', 'CA'],
    ['+1 650 555 1234', 'US'],
    ['+44 1481 123456', 'GG'],
    ['+44 1534 123456', 'JE'],
    ['+44 20 7946 0958', 'GB'],
    ['+262 262 123456', 'RE'],
    ['+39 333 123 4567', 'IT'],
  ])('%s is placed in %s', (number, region) => {
    expect(phoneIdentity(number).region).toBe(region);
  });

  it('gives the same E.164 form for the formats a platform may send', () => {
    expect(phoneIdentity('+39 333 123 4567').canonical).toBe('+393331234567');
    expect(phoneIdentity('393331234567').canonical).toBe('+393331234567');
    expect(phoneIdentity('0039 333-123-4567').canonical).toBe('+393331234567');
  });

  it('accepts a number nobody can place, with region ZZ', () => {
    expect(phoneIdentity('+999 123').region).toBe('ZZ');
  });
});

describe('keyed pseudonyms', () => {
  const pseudonymiser = new Pseudonymiser(Buffer.alloc(32, 7));
  it('are HMAC-SHA256 hex, different per business and per kind, and not a plain hash', async () => {
    const { createHash, createHmac } = await import('node:crypto');
    const acme = pseudonymiser.pseudonym('acme', 'customer', '+393331234567');
    expect(acme).toBe(createHmac('sha256', Buffer.alloc(32, 7)).update('acme\u0000customer\u0000+393331234567').digest('hex'));
    expect(acme).not.toBe(pseudonymiser.pseudonym('globex', 'customer', '+393331234567'));
    expect(acme).not.toBe(pseudonymiser.pseudonym('acme', 'conversation', '+393331234567'));
    expect(acme).not.toBe(createHash('sha256').update('+393331234567').digest('hex'));
  });
});

describe('which customer ids are phone numbers', () => {
  it('treats numbers on phone channels and any "+" value as phones, and WhatsApp user ids as opaque', async () => {
    const { customerIdentity } = await import('../../../../ingest/anonymise/customerIdentity');
    expect(customerIdentity('whatsapp', '393331234567', undefined)).toEqual({ canonical: '+393331234567', region: 'IT', kind: 'phone' });
    expect(customerIdentity('messenger', '+393331234567', undefined).region).toBe('IT');
    expect(customerIdentity('whatsapp', 'US.13491208655302741918', 'US')).toEqual({ canonical: 'US.13491208655302741918', region: 'US', kind: 'bsuid' });
    expect(customerIdentity('messenger', '24681357902468135', 'FR')).toEqual({ canonical: '24681357902468135', region: 'FR', kind: 'other' });
    expect(customerIdentity('webchat', 'visitor-77', undefined).region).toBe('ZZ');
  });
});
