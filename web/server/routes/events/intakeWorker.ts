import { parentPort, workerData } from 'node:worker_threads';
import { Pseudonymiser } from '../../../../ingest/anonymise/pseudonym';
import { forgetCachedPhoneNumbers } from '../../../../ingest/anonymise/customerIdentity';
import { prepareItems } from '../../../../ingest/events/ingestBatch';
import { encodeRows } from '../../../../ingest/events/rowColumns';
import { ApiError } from '../../http/apiError';
import { parseEventsBody } from './parseEventsBody';
import type { IntakeAnswer, IntakeForget, IntakeJob, IntakeThreadData } from './intakeProtocol';

/**
 * An intake thread: parse -> validate -> check scope -> anonymise, the per-event work that needs
 * no shared state, for the main thread (intakeThreads.ts). Its pseudonymisers use the main
 * thread's keys with caches of their own, dropped when the main thread's are.
 */
const data = workerData as IntakeThreadData;
const pseudonymiser = new Pseudonymiser(data.key);
const previous = data.previousKey ? new Pseudonymiser(data.previousKey) : undefined;

function run(job: IntakeJob): { answer: IntakeAnswer; transfer: ArrayBuffer[] } {
  try {
    const body = Buffer.from(job.body.buffer, job.body.byteOffset, job.body.byteLength);
    const items = parseEventsBody(job.contentType, body);
    const registered = new Map(job.businesses.map(([id, country]) => [id, { primaryProcessingCountry: country }]));
    const prepared = prepareItems(items, {
      scope: new Set(job.scope),
      business: (id) => registered.get(id),
      pseudonymiser,
      previousPseudonymiser: job.usePreviousKey ? previous : undefined,
      receivedAtMicros: job.receivedAtMicros,
      retentionDays: job.retentionDays,
    });
    const rows = encodeRows(prepared.rows);
    return {
      answer: { id: job.id, itemCount: prepared.itemCount, rows, rejected: prepared.rejected, outOfScope: prepared.outOfScope },
      transfer: [rows.ends.buffer as ArrayBuffer, rows.numbers.buffer as ArrayBuffer],
    };
  } catch (error) {
    if (error instanceof ApiError) return { answer: { id: job.id, refused: { status: error.status, code: error.code, message: error.message } }, transfer: [] };
    // The error's name only: a message could quote a value of the body.
    return { answer: { id: job.id, failed: error instanceof Error ? error.name : 'unknown error' }, transfer: [] };
  }
}

parentPort!.on('message', (message: IntakeJob | IntakeForget) => {
  if ('forget' in message) {
    if (message.forget === 'identifiers') {
      pseudonymiser.forgetCachedIdentifiers();
      previous?.forgetCachedIdentifiers();
    } else forgetCachedPhoneNumbers();
    return;
  }
  const { answer, transfer } = run(message);
  parentPort!.postMessage(answer, transfer);
});
