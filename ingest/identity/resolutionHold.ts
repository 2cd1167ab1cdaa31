/** Runs fn while no other process holding the same lock runs (db/identityLinksPort.ts acrossProcesses). */
export type AcrossProcesses = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * This server's hold on the lock that every server sharing one link store takes around person
 * resolution (the cluster mode: PostgreSQL's advisory lock, db/postgres/pgStore.ts lockOfItsOwn).
 *
 * Why it spans the commit: a plan is only right against every link already saved, and a merge
 * (an ALTER ... UPDATE on ClickHouse) only moves the events stored when it starts. So another
 * server may neither plan while this one's links are unsaved, nor merge a person while this one
 * still has rows resolved to it on their way to the store (they would land after the mutation,
 * under a person that no longer is one: one person counted as two customers). Within one server
 * the resolver's queue and the writer's queue order these already, so the server's requests share
 * one hold (members): those that enter while it is open join it, and it closes for newcomers once
 * one of its commits settled (one writer round), so the other servers get their turn; the lock
 * is released when its last member left.
 *
 * Entries (enter) must come one at a time: the resolver's exclusive() calls it.
 */
export class ResolutionHold {
  #members = 0;
  #open = false;
  /** Ends the held lock's function: the lock is released. */
  #drain: () => void = () => undefined;
  /** Settles once the lock is released (never rejects). */
  #released: Promise<void> = Promise.resolve();

  constructor(
    private readonly acrossProcesses: AcrossProcesses,
    /** Runs after each fresh acquisition, before anything else: other servers may have changed the links meanwhile. */
    private readonly onAcquired: () => Promise<void>,
  ) {}

  /** Runs fn with this server holding the lock (joining its open hold, or acquiring it). */
  async within<T>(fn: () => Promise<T>): Promise<T> {
    const leave = await this.#enter();
    try {
      return await fn();
    } finally {
      leave();
    }
  }

  /**
   * One more member of the hold it is called in (inside within()): a request's rows, left when
   * their commit settles, which also closes the hold for newcomers.
   */
  joinUntilCommitted(): () => void {
    if (this.#members === 0) throw new Error('ResolutionHold.joinUntilCommitted outside within()');
    return this.#member(true);
  }

  async #enter(): Promise<() => void> {
    if (this.#open) return this.#member(false);
    // Closed (or free): the members still in it leave as their commits settle, then the lock goes.
    await this.#released;
    await this.#acquire();
    const leave = this.#member(false);
    try {
      await this.onAcquired();
    } catch (error) {
      leave();
      throw error;
    }
    return leave;
  }

  #acquire(): Promise<void> {
    return new Promise<void>((acquired, failed) => {
      const held = new Promise<void>((drain) => (this.#drain = drain));
      this.#released = this.acrossProcesses(async () => {
        acquired();
        await held;
      }).then(() => undefined, failed);
      // (failed after acquired is a no-op: a failed unlock means the session, and the lock with it, is gone.)
    }).then(() => {
      this.#open = true;
    });
  }

  #member(closesWhenLeft: boolean): () => void {
    this.#members += 1;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      if (closesWhenLeft) this.#open = false;
      this.#members -= 1;
      if (this.#members === 0) {
        this.#open = false;
        this.#drain();
      }
    };
  }
}
