import pg from 'pg';

/**
 * Tells every app server of a PostgreSQL store that something they hold in memory changed (the
 * registry snapshot: businesses and ingest keys), through LISTEN/NOTIFY: a key revoked on one
 * server stops working on the others at once, not at their next restart. Notifications are lost
 * while a listener is disconnected, so the caller also reloads now and then (`onChange` is called
 * after every reconnection too, for what was missed meanwhile).
 */
export class ChangeSignal {
  #listener: pg.Client | undefined;
  #closed = false;
  #retry: NodeJS.Timeout | undefined;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    private readonly channel: string,
    private readonly onChange: () => void,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Starts listening on `channel` (a plain identifier); resolves once the first LISTEN is in place. */
  static async listen(
    pool: pg.Pool, url: string, channel: string, onChange: () => void, onError: (error: Error) => void,
  ): Promise<ChangeSignal> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
    const signal = new ChangeSignal(pool, url, channel, onChange, onError);
    await signal.#connect();
    return signal;
  }

  /** Tells every listener (this server's too) that the state changed. */
  async notify(): Promise<void> {
    await this.pool.query(`NOTIFY ${this.channel}`);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    await this.#listener?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'messaging-privacy-analytics listener' });
    client.on('notification', () => this.onChange());
    client.on('error', (error) => {
      this.onError(error);
      this.#reconnectLater();
    });
    client.on('end', () => this.#reconnectLater());
    await client.connect();
    await client.query(`LISTEN ${this.channel}`);
    this.#listener = client;
  }

  #reconnectLater(): void {
    if (this.#closed || this.#retry) return;
    this.#listener = undefined;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.#connect().then(
        () => this.onChange(),
        (error: Error) => {
          this.onError(error);
          this.#reconnectLater();
        },
      );
    }, 1_000);
    this.#retry.unref();
  }
}
