import { Writable } from 'node:stream';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { createLogger, redactedErrorMessage } from './logger';
import { useTestRuntimes } from './testing/testRuntime';

const PSEUDONYM = 'ab12'.repeat(16);

/** The message of a statement DuckDB refuses. */
async function duckdbError(statements: string[]): Promise<Error> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    for (const sql of statements) await connection.run(sql);
  } catch (error) {
    return error as Error;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  throw new Error('the statements did not fail');
}

const runtimes = useTestRuntimes();

describe('redactedErrorMessage', () => {
  it('keeps the kind of failure and masks the values, statements and identifiers of DuckDB errors', async () => {
    const duplicate = await duckdbError([
      'CREATE TABLE t (k VARCHAR PRIMARY KEY)', `INSERT INTO t VALUES ('${PSEUDONYM}')`, `INSERT INTO t VALUES ('${PSEUDONYM}')`,
    ]);
    expect(redactedErrorMessage(duplicate)).toBe('Error: Constraint Error: Duplicate key <value> violates primary key constraint.');
    const cast = await duckdbError(['CREATE TABLE t (n VARCHAR)', `INSERT INTO t VALUES ('${PSEUDONYM}')`, 'SELECT n::DOUBLE FROM t WHERE n IS NOT NULL']);
    expect(cast.message).toContain('LINE 1: SELECT');
    expect(redactedErrorMessage(cast)).toBe('Error: Conversion Error: Could not convert string <value> to DOUBLE when casting from source column n');
    expect(redactedErrorMessage(new Error('row 123456 of 7 failed for +49 151 2345 6789, mia@example.com, US.1349120865530274'))).toBe(
      'Error: row <number> of 7 failed for <number>, <email>, <id>',
    );
    expect(redactedErrorMessage('Out of Memory Error: could not allocate block of size 256.0 KiB')).toContain('Out of Memory');
  });

  it("masks a failed drizzle query's statement and parameters, keeping its cause's kind", () => {
    const cause = new Error(`Constraint Error: Duplicate key "id: ${PSEUDONYM}" violates primary key constraint.`);
    const wrapped = new Error(`Failed query: insert into "users" ("id") values ($1)\nparams: ${PSEUDONYM}`, { cause });
    expect(redactedErrorMessage(wrapped)).toBe('Error: Constraint Error: Duplicate key <value> violates primary key constraint.');
    expect(redactedErrorMessage(new Error(`Failed query: select * from "t" where id = '${PSEUDONYM}'`))).toBe('Error: Failed query: <sql>');
  });

  it('redacts the err and error fields of every log line, whatever a call site puts in them', () => {
    const lines: string[] = [];
    const logger = createLogger('info', new Writable({ write: (chunk, _encoding, done) => done(void lines.push(String(chunk))) }));
    logger.error({ err: { type: 'Error', message: `Binder Error: column "${PSEUDONYM}" not found\nLINE 1: SELECT 1` } }, 'failed');
    logger.error({ error: new Error(`could not write ${PSEUDONYM}`) }, 'failed');
    const logged = lines.join('');
    expect(logged).not.toContain(PSEUDONYM);
    expect(logged).not.toContain('SELECT');
    expect(logged).toContain('Binder Error: column <value> not found');
    expect(logged).toContain('could not write <hex>');
  });

  it('logs a DuckDB error raised inside a request without its statement or the pseudonym it quotes', async () => {
    const rt = await runtimes.start();
    await rt.registerBusiness('acme');
    const pseudonym = rt.deps.pseudonymiser.pseudonym('acme', 'customer', '+4915123456789');
    // A stored value that cannot be cast when the route reads it: DuckDB's error quotes it.
    expect(pseudonym).toMatch(/^[A-Za-z0-9_-]+$/); // safe to inline below
    const connection = rt.deps.store.connection;
    await connection.run('DROP TABLE webhook_intake_problems');
    await connection.run(`CREATE VIEW webhook_intake_problems AS SELECT 'acme' AS business, 'whatsapp' AS channel, 'unmappable' AS kind,
      CAST('${pseudonym}' AS DOUBLE) AS count, now() AS last_at`);

    const res = await rt.admin('GET', '/v1/businesses/acme/intake-problems');
    expect(res.status).toBe(500);
    const logged = rt.logs.join('');
    expect(logged).toContain('Conversion Error: Could not convert string <value> to DOUBLE');
    expect(logged).not.toContain(pseudonym);
    expect(logged).not.toContain(pseudonym.slice(0, 20));
    expect(logged).not.toMatch(/SELECT|webhook_intake_problems/);
  });
});
