import { Worker } from 'node:worker_threads';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { threadEntryPath } from '../../../../db/repositoryFiles';
import { onForgetCachedPhoneNumbers } from '../../../../ingest/anonymise/customerIdentity';
import type { IntakeDeps, PreparedBatch } from '../../../../ingest/events/ingestBatch';
import { decodeRows } from '../../../../ingest/events/rowColumns';
import { ApiError } from '../../http/apiError';
import { INTAKE_THREAD, type IntakeAnswer, type IntakeForget, type IntakeJob, type IntakeThreadData } from './intakeProtocol';

interface Pending {
  resolve: (prepared: PreparedBatch) => void;
  reject: (error: Error) => void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * A small pool of worker threads (INTAKE_THREADS) doing the per-event work of POST /v1/events
 * that needs no shared state: parsing the body, validating, checking the key's scope,
 * pseudonymising. The main thread keeps what is shared (the quotas, person resolution, the
 * writer), so the reply is the one the main thread alone would give: the same code
 * (ingest/events/ingestBatch.ts prepareItems) runs on the thread. A request goes to the thread
 * with the fewest waiting; a thread that dies fails its requests (500) and is replaced.
 */
export class IntakeThreads {
  readonly #threads: Thread[] = [];
  readonly #data: IntakeThreadData;
  readonly #unsubscribe: (() => void)[] = [];
  #nextId = 1;
  #closed = false;

  constructor(count: number, deps: Pick<IntakeDeps, 'pseudonymiser' | 'previousPseudonymKey'>) {
    this.#data = {
      key: deps.pseudonymiser.sharedKey(),
      ...(deps.previousPseudonymKey ? { previousKey: deps.previousPseudonymKey.pseudonymiser.sharedKey() } : {}),
    };
    for (let i = 0; i < count; i++) this.#threads.push(this.#start());
    // An erasure empties the main thread's caches of raw identifiers: the threads' go too.
    const forget = (message: IntakeForget) => () => this.#threads.forEach((t) => t.worker.postMessage(message));
    this.#unsubscribe.push(deps.pseudonymiser.onForget(forget({ forget: 'identifiers' })));
    if (deps.previousPseudonymKey) this.#unsubscribe.push(deps.previousPseudonymKey.pseudonymiser.onForget(forget({ forget: 'identifiers' })));
    this.#unsubscribe.push(onForgetCachedPhoneNumbers(forget({ forget: 'phoneNumbers' })));
  }

  get size(): number {
    return this.#threads.length;
  }

  /**
   * The body parsed and its items prepared on a thread; an ApiError when the body is refused as
   * a whole, exactly as parseEventsBody throws it on the main thread.
   */
  prepare(contentType: string | undefined, body: Buffer, scope: ReadonlySet<string>, deps: IntakeDeps): Promise<PreparedBatch> {
    if (this.#closed) return Promise.reject(new Error('the intake threads are closed'));
    const nowMs = deps.now();
    const rotation = deps.previousPseudonymKey;
    const businesses: [string, string][] = [];
    for (const id of scope) {
      const business = deps.registry.business(id);
      if (business) businesses.push([id, business.primaryProcessingCountry]);
    }
    const job: IntakeJob = {
      id: this.#nextId++, contentType, body: ownBytes(body), scope: [...scope], businesses,
      receivedAtMicros: nowMs * 1000, retentionDays: deps.retentionDays, usePreviousKey: rotation !== undefined && nowMs < rotation.untilMs,
    };
    const thread = this.#leastBusy();
    return new Promise<PreparedBatch>((resolve, reject) => {
      thread.pending.set(job.id, { resolve, reject });
      thread.worker.postMessage(job, [job.body.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    const threads = this.#threads.splice(0);
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  #leastBusy(): Thread {
    let best = this.#threads[0]!;
    for (const thread of this.#threads) if (thread.pending.size < best.pending.size) best = thread;
    return best;
  }

  #start(): Thread {
    // execArgv empty: a boot file registers tsx itself (an inherited --import tsx would run twice),
    // and a bundled thread needs none.
    const worker = new Worker(threadEntryPath(INTAKE_THREAD), { workerData: this.#data, execArgv: [] });
    const thread: Thread = { worker, pending: new Map() };
    worker.on('message', (answer: IntakeAnswer) => answered(thread, answer));
    worker.on('error', (error) => this.#died(thread, error));
    worker.on('exit', (code) => this.#died(thread, new Error(`an intake thread exited (${code})`)));
    // Idle threads do not keep the process alive; a waiting request does (its socket).
    worker.unref();
    return thread;
  }

  #died(thread: Thread, error: Error): void {
    for (const pending of thread.pending.values()) pending.reject(error);
    thread.pending.clear();
    const at = this.#threads.indexOf(thread);
    if (at < 0 || this.#closed) return;
    this.#threads[at] = this.#start();
  }
}

function answered(thread: Thread, answer: IntakeAnswer): void {
  const pending = thread.pending.get(answer.id);
  if (!pending) return;
  thread.pending.delete(answer.id);
  if ('rows' in answer) {
    pending.resolve({ itemCount: answer.itemCount, rows: decodeRows(answer.rows), rejected: answer.rejected, outOfScope: answer.outOfScope });
  } else if ('refused' in answer) {
    const { status, code, message } = answer.refused;
    pending.reject(new ApiError(status as ContentfulStatusCode, code, message));
  } else pending.reject(new Error(`an intake thread failed: ${answer.failed}`));
}

/** The body in an ArrayBuffer of its own, so it can be transferred to the thread, not copied. */
function ownBytes(body: Buffer): Uint8Array {
  if (body.byteOffset === 0 && body.byteLength === body.buffer.byteLength) return body;
  return new Uint8Array(body);
}
