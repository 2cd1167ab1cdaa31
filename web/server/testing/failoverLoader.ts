// The client of the cluster fault test (web/server/clusterFaults.test.ts): batches of whole
// conversations, each retried until a server acknowledges it with 200, alternating between the
// servers and moving to the next one after a 5xx or a connection failure. It remembers what was
// acknowledged and when, so the test can compute the figures a report must show.

const CONVERSATIONS_PER_BATCH = 20;
/** Distinct customers the conversations rotate over: well above MIN_COHORT (10), so no figure is withheld. */
const CUSTOMERS = 60;

export interface AcknowledgedBatch {
  batch: number;
  /** When the request that was acknowledged was sent. */
  sentAtMs: number;
}

export interface LoaderFigures {
  requests: number;
  retries: number;
  connectionFailures: number;
  serverErrors: number;
  /** The error codes of the 5xx replies, in order. */
  serverErrorCodes: string[];
}

/** The figures a business report must show for some acknowledged batches (all within its period). */
export interface ExpectedFigures {
  conversations: number;
  messagesSent: number;
  reads: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Batch b: conversations conv-b-0..19, each a received message, an agent's reply 30 s later, its
 * delivery, and for every second one its read: 3 or 4 events, all with unique ids.
 */
export function batchEvents(business: string, batch: number, baseMs: number): object[] {
  return Array.from({ length: CONVERSATIONS_PER_BATCH }, (_, j) => {
    const n = batch * CONVERSATIONS_PER_BATCH + j;
    const start = baseMs + batch * 1_000 + j * 10;
    const common = { business, channel: 'whatsapp', customer: `+4915200${String(n % CUSTOMERS).padStart(5, '0')}`, conversation: `conv-${batch}-${j}` };
    const reply = `out-${batch}-${j}`;
    const at = (offsetS: number) => new Date(start + offsetS * 1_000).toISOString();
    return [
      { ...common, id: `in-${batch}-${j}`, type: 'message.received', at: at(0) },
      { ...common, id: `sent-${batch}-${j}`, type: 'message.sent', sender: 'agent', category: 'service', message: reply, at: at(30) },
      { ...common, id: `dlv-${batch}-${j}`, type: 'message.delivered', message: reply, at: at(35) },
      ...(j % 2 === 0 ? [{ ...common, id: `read-${batch}-${j}`, type: 'message.read', message: reply, at: at(40) }] : []),
    ];
  }).flat();
}

/** The id of batch b's first event: a batch is one insert, so where this event is, the whole batch is. */
export const batchMarker = (batch: number) => `in-${batch}-0`;

export function eventsPerBatch(): number {
  return CONVERSATIONS_PER_BATCH * 3 + Math.ceil(CONVERSATIONS_PER_BATCH / 2);
}

export function expectedFigures(batches: number): ExpectedFigures {
  const conversations = batches * CONVERSATIONS_PER_BATCH;
  return { conversations, messagesSent: conversations, reads: batches * Math.ceil(CONVERSATIONS_PER_BATCH / 2) };
}

export class FailoverLoader {
  readonly acknowledged: AcknowledgedBatch[] = [];
  readonly figures: LoaderFigures = { requests: 0, retries: 0, connectionFailures: 0, serverErrors: 0, serverErrorCodes: [] };
  #next = 0;
  #turn = 0;
  #running = false;
  #workers: Promise<void>[] = [];
  #failure: Error | undefined;

  /** `servers`: the base URLs the client may use; the test removes none, a dead one is skipped by retrying. */
  constructor(private readonly servers: readonly string[], private readonly key: string, private readonly business: string, private readonly baseMs: number) {}

  start(workers: number): void {
    this.#running = true;
    this.#workers = Array.from({ length: workers }, () => this.#work().catch((error: Error) => {
      this.#failure = error;
    }));
  }

  /** Stops taking new batches; resolves once every batch in flight is acknowledged. */
  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#workers);
    if (this.#failure) throw this.#failure;
  }

  get acknowledgedEvents(): number {
    return this.acknowledged.length * eventsPerBatch();
  }

  async #work(): Promise<void> {
    while (this.#running) await this.#send(this.#next++);
  }

  async #send(batch: number): Promise<void> {
    const body = JSON.stringify({ events: batchEvents(this.business, batch, this.baseMs) });
    let server = this.#turn++ % this.servers.length;
    for (let attempt = 0; attempt < 200; attempt++) {
      if (attempt > 0) this.figures.retries += 1;
      this.figures.requests += 1;
      const sentAtMs = Date.now();
      const reply = await this.#post(this.servers[server]!, body);
      if (reply.status === 200) {
        const result = reply.body as { accepted: number; duplicates: number; rejected: unknown[] };
        if (result.rejected.length > 0) throw new Error(`batch ${batch}: events rejected: ${JSON.stringify(result.rejected)}`);
        this.acknowledged.push({ batch, sentAtMs });
        return;
      }
      if (reply.status !== 'unreachable' && reply.status < 500) throw new Error(`batch ${batch}: unexpected ${reply.status} ${JSON.stringify(reply.body)}`);
      if (reply.status === 'unreachable') this.figures.connectionFailures += 1;
      else {
        this.figures.serverErrors += 1;
        this.figures.serverErrorCodes.push(`${reply.status} ${(reply.body as { error?: { code?: string } } | undefined)?.error?.code ?? '?'}`);
      }
      server = (server + 1) % this.servers.length; // unacknowledged: the next server
      await sleep(50);
    }
    throw new Error(`batch ${batch} was not acknowledged after 200 attempts`);
  }

  async #post(server: string, body: string): Promise<{ status: number | 'unreachable'; body?: unknown }> {
    try {
      const res = await fetch(`${server}/v1/events`, {
        method: 'POST', body, signal: AbortSignal.timeout(30_000),
        headers: { authorization: `Bearer ${this.key}`, 'content-type': 'application/json' },
      });
      return { status: res.status, body: await res.json() };
    } catch {
      return { status: 'unreachable' }; // refused, reset, or cut off while reading the reply: not acknowledged
    }
  }
}
