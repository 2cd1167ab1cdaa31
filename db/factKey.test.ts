import { describe, expect, it } from 'vitest';
import { factKey, factKeySql } from './factKey';
import { openDatabase } from './duckdb';

describe('fact keys', () => {
  it('are the first 128 bits of a pseudonym, and the same in TypeScript and in SQL for any text', async () => {
    const pseudonym = '0123456789abcdef'.repeat(4);
    expect(factKey(pseudonym)).toBe(0x0123456789abcdef0123456789abcdefn);
    const instance = await openDatabase(':memory:');
    const connection = await instance.connect();
    for (const id of [pseudonym, 'f'.repeat(64), 'c1', 'psid-77', 'é✓ 🙂', 'ABCDEF'.repeat(11).slice(0, 64), '']) {
      const reader = await connection.runAndReadAll(`SELECT (${factKeySql('$1')})::VARCHAR AS k`, [id]);
      expect(reader.getRowObjectsJson()[0]!.k, id).toBe(factKey(id).toString());
    }
    const nulls = await connection.runAndReadAll(`SELECT (${factKeySql('NULL::VARCHAR')}) IS NULL AS n`);
    expect(nulls.getRowObjectsJson()[0]!.n).toBe(true);
    connection.closeSync();
    instance.closeSync();
  });
});
