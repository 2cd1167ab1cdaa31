import { describe, expect, it } from 'vitest';
import { ResolutionHold } from './resolutionHold';
import { inMemoryLock } from './testing/inMemoryLock';

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('ResolutionHold', () => {
  it('keeps the lock until the rows committed, shares it with this server\'s requests until one commit settled, then lets the other server in', async () => {
    const lock = inMemoryLock();
    const log: string[] = [];
    const fresh: string[] = [];
    const here = new ResolutionHold(lock, async () => void fresh.push('here'));
    const there = new ResolutionHold(lock, async () => void fresh.push('there'));

    const firstCommit = await here.within(async () => here.joinUntilCommitted());
    // The request's rows are not committed: the other server waits...
    const other = there.within(async () => void log.push('there'));
    // ...while this server's next request joins the open hold without a fresh acquisition.
    const secondCommit = await here.within(async () => here.joinUntilCommitted());
    await settle();
    expect(log).toEqual([]);
    expect(fresh).toEqual(['here']);

    firstCommit();
    // Closed for newcomers: this server's third request waits behind the other server.
    const third = here.within(async () => void log.push('here again'));
    await settle();
    expect(log).toEqual([]);
    secondCommit();
    await Promise.all([other, third]);
    expect(log).toEqual(['there', 'here again']);
    expect(fresh).toEqual(['here', 'there', 'here']);
  });

  it('lets go of the lock when its acquisition hook fails, and fails the request', async () => {
    const lock = inMemoryLock();
    let fail = true;
    const hold = new ResolutionHold(lock, async () => {
      if (fail) throw new Error('links unreadable');
    });
    await expect(hold.within(async () => 'ran')).rejects.toThrow('links unreadable');
    fail = false;
    await expect(lock(async () => 'free')).resolves.toBe('free');
    await expect(hold.within(async () => 'ran')).resolves.toBe('ran');
  });
});
