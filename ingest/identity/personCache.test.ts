import { describe, expect, it } from 'vitest';
import type { IdentityRecord } from '../../db/customerLinks';
import { PersonCache } from './personCache';

const record = (identity: string, person: string): IdentityRecord => ({ identity, person, kind: 'bsuid', region: 'BR', firstAtMicros: 1 });

describe('PersonCache', () => {
  it('answers from what it was told, and sends the rest to the database', () => {
    const cache = new PersonCache();
    cache.remember('acme', ['p', 'b', 'lone'], [record('p', 'p'), record('b', 'p')]);
    // b's whole person comes back; an identifier known to have no record needs no read; others do.
    expect(cache.lookup('acme', ['b', 'lone', 'new'])).toEqual({ records: [record('p', 'p'), record('b', 'p')], unknown: ['new'] });
    // Pseudonyms are per business: another business knows nothing of them.
    expect(cache.lookup('globex', ['b']).unknown).toEqual(['b']);
  });

  it('follows a merge: the moved identifiers answer with their new person', () => {
    const cache = new PersonCache();
    cache.remember('acme', ['b'], [record('b', 'b')]);
    cache.remember('acme', ['p', 'b'], [record('p', 'p'), record('b', 'p')]);
    expect(cache.lookup('acme', ['b']).records.map((r) => r.person)).toEqual(['p', 'p']);
  });

  it('knows nothing after clear() (erasure, retention)', () => {
    const cache = new PersonCache();
    cache.remember('acme', ['p'], [record('p', 'p')]);
    cache.clear();
    expect(cache.lookup('acme', ['p'])).toEqual({ records: [], unknown: ['p'] });
  });
});
