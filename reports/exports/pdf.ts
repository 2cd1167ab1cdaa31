import { Worker } from 'node:worker_threads';
import { threadEntryPath } from '../../db/repositoryFiles';
import type { ExportMeta, PdfInput } from './exportKinds';
import { PDF_THREAD, type PdfAnswer, type PdfJob } from './pdf/pdfProtocol';
import { ReportsBusyError } from '../reportsBusy';

/** PDFs waiting for the PDF thread beyond the one it renders; more are refused (503). */
export const MAX_WAITING_PDFS = 4;
/** An idle PDF thread is ended after this long, giving back its memory (a 731-day layout is large). */
const IDLE_MS = 30_000;

interface Pending {
  job: PdfJob;
  resolve: (bytes: Buffer) => void;
  reject: (error: Error) => void;
}

/**
 * One worker thread that lays out PDFs (pdfmake), one at a time, so that a long one (a 731-day
 * daily series is hundreds of table rows and pages) never blocks the event loop: ingest, health
 * checks and other reports go on meanwhile. Started at the first PDF, ended when idle; a thread
 * that dies fails its render and the next one starts a new thread.
 */
class PdfThread {
  #worker: Worker | undefined;
  #rendering: Pending | undefined;
  readonly #waiting: Pending[] = [];
  #nextId = 1;
  #idle: NodeJS.Timeout | undefined;

  /** PDFs being rendered or waiting. */
  get inFlight(): number {
    return this.#waiting.length + (this.#rendering ? 1 : 0);
  }

  render(input: PdfInput, meta: ExportMeta): Promise<Buffer> {
    if (this.#waiting.length >= MAX_WAITING_PDFS) {
      return Promise.reject(new ReportsBusyError(`${MAX_WAITING_PDFS} PDFs are waiting to be rendered; retry later`, 10));
    }
    return new Promise<Buffer>((resolve, reject) => {
      this.#waiting.push({ job: { id: this.#nextId++, input, meta }, resolve, reject });
      this.#next();
    });
  }

  #next(): void {
    if (this.#rendering) return;
    const pending = this.#waiting.shift();
    if (!pending) {
      this.#idleSoon();
      return;
    }
    clearTimeout(this.#idle);
    this.#rendering = pending;
    const worker = this.#thread();
    // Referenced while it renders (a request waits for it), not while idle.
    worker.ref();
    worker.postMessage(pending.job);
  }

  #thread(): Worker {
    if (this.#worker) return this.#worker;
    // execArgv empty: a boot file registers tsx itself (an inherited --import tsx would run twice),
    // and a bundled thread needs none.
    const worker = new Worker(threadEntryPath(PDF_THREAD), { execArgv: [] });
    worker.on('message', (answer: PdfAnswer) => this.#answered(answer));
    worker.on('error', (error) => this.#died(worker, error));
    worker.on('exit', (code) => this.#died(worker, new Error(`the PDF thread exited (${code})`)));
    this.#worker = worker;
    return worker;
  }

  #answered(answer: PdfAnswer): void {
    const pending = this.#rendering;
    if (!pending || pending.job.id !== answer.id) return;
    this.#rendering = undefined;
    this.#worker?.unref();
    if ('bytes' in answer) pending.resolve(Buffer.from(answer.bytes.buffer, answer.bytes.byteOffset, answer.bytes.byteLength));
    else pending.reject(new Error(`the PDF could not be rendered: ${answer.error}`));
    this.#next();
  }

  #died(worker: Worker, error: Error): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    const pending = this.#rendering;
    this.#rendering = undefined;
    pending?.reject(error);
    this.#next();
  }

  #idleSoon(): void {
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => {
      const worker = this.#worker;
      if (!worker || this.#rendering) return;
      this.#worker = undefined;
      void worker.terminate();
    }, IDLE_MS);
    this.#idle.unref();
  }
}

const pdfThread = new PdfThread();

/** The PDF exports (pdfmake, standard Helvetica): one readable document per report, laid out off the main thread. */
export function renderPdf(input: PdfInput, meta: ExportMeta): Promise<Buffer> {
  return pdfThread.render(input, meta);
}

/** PDFs being rendered or waiting (tests: a render is under way). */
export function pdfsInFlight(): number {
  return pdfThread.inFlight;
}
