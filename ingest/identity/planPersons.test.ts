import { describe, expect, it } from 'vitest';
import type { IdentityRecord } from '../../db/customerLinks';
import { personRegion, planPersons, type IdentityClaim } from './planPersons';

const claim = (identity: string, kind: IdentityClaim['kind'], region: string, atMicros: number, linked: IdentityClaim['linked'] = []): IdentityClaim =>
  ({ identity, kind, region, atMicros, linked });
const record = (identity: string, person: string, kind: IdentityRecord['kind'], region: string, firstAtMicros: number): IdentityRecord =>
  ({ identity, person, kind, region, firstAtMicros });

describe('planPersons', () => {
  it('leaves an identifier never linked alone, without a record, unless it is a BSUID', () => {
    const plan = planPersons([claim('p', 'phone', 'IT', 1), claim('b', 'bsuid', 'BR', 2)], []);
    expect(plan.personOf.get('p')).toEqual({ person: 'p', region: 'IT' });
    expect(plan.records.map((r) => r.identity)).toEqual(['b']);
    expect(plan.moves).toEqual([]);
  });

  it('stores a phone number and its BSUID under the phone, which may have history, moving nothing', () => {
    const plan = planPersons([claim('p', 'phone', 'IT', 5, [{ identity: 'b', kind: 'bsuid', region: 'IT' }])], []);
    expect(plan.personOf.get('b')).toEqual({ person: 'p', region: 'IT' });
    expect(plan.moves).toEqual([]);
    expect(plan.records.map((r) => [r.identity, r.person])).toEqual([['p', 'p'], ['b', 'p']]);
  });

  it('moves a BSUID seen alone first to the phone number it turns out to share a person with', () => {
    const plan = planPersons([claim('p', 'phone', 'GB', 9, [{ identity: 'b', kind: 'bsuid', region: 'US' }])], [record('b', 'b', 'bsuid', 'US', 3)]);
    expect(plan.moves).toEqual([{ from: 'b', to: 'p' }]);
    // The phone's region wins over the BSUID's, though the BSUID was seen first.
    expect(plan.regions).toEqual([{ person: 'p', region: 'GB' }]);
    expect(plan.personOf.get('b')).toEqual({ person: 'p', region: 'GB' });
  });

  it('resolves a later BSUID-only claim through the stored link, changing nothing', () => {
    const stored = [record('p', 'p', 'phone', 'IT', 1), record('b', 'p', 'bsuid', 'IT', 1)];
    const plan = planPersons([claim('b', 'bsuid', 'IT', 7)], stored);
    expect(plan.personOf.get('b')).toEqual({ person: 'p', region: 'IT' });
    expect([plan.records, plan.moves, plan.regions]).toEqual([[], [], []]);
  });

  it('merges two persons named together, whatever the order of the claims', () => {
    const stored = [record('b1', 'b1', 'bsuid', 'DE', 1), record('b2', 'b2', 'bsuid', 'DE', 2)];
    const a = planPersons([claim('b1', 'bsuid', 'DE', 3, [{ identity: 'b2', kind: 'bsuid', region: 'DE' }])], stored);
    const b = planPersons([claim('b2', 'bsuid', 'DE', 3, [{ identity: 'b1', kind: 'bsuid', region: 'DE' }])], stored);
    expect(a.moves).toEqual([{ from: 'b2', to: 'b1' }]);
    expect(b.moves).toEqual(a.moves);
  });

  it('picks one region: phone, then BSUID, then declared; the first seen among equals', () => {
    expect(personRegion([{ kind: 'other', region: 'NO', firstAtMicros: 1 }, { kind: 'bsuid', region: 'BR', firstAtMicros: 2 }])).toBe('BR');
    expect(personRegion([{ kind: 'phone', region: 'DE', firstAtMicros: 5 }, { kind: 'phone', region: 'AT', firstAtMicros: 4 }])).toBe('AT');
    expect(personRegion([{ kind: 'phone', region: 'ZZ', firstAtMicros: 1 }])).toBe('ZZ');
  });
});
