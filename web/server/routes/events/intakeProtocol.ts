import type { KeyObject } from 'node:crypto';
import type { Rejection } from '../../../../ingest/events/eventSchema';
import type { RowColumns } from '../../../../ingest/events/rowColumns';
import type { ThreadEntry } from '../../../../db/repositoryFiles';

/** The intake threads' entry files (db/repositoryFiles.ts threadEntryPath). */
export const INTAKE_THREAD: ThreadEntry = {
  bundled: 'intake-thread',
  source: ['web', 'server', 'routes', 'events', 'intakeWorker.ts'],
  boot: ['web', 'server', 'routes', 'events', 'intakeWorkerBoot.mjs'],
};

/** What an intake thread starts with: the pseudonym keys (KeyObjects, never bytes). */
export interface IntakeThreadData {
  key: KeyObject;
  previousKey?: KeyObject;
}

/** One request's body to parse, check and anonymise. */
export interface IntakeJob {
  id: number;
  contentType: string | undefined;
  body: Uint8Array;
  scope: string[];
  /** The businesses of the scope that are registered, with their primary processing country. */
  businesses: [string, string][];
  receivedAtMicros: number;
  retentionDays: number;
  /** Within the previous key's overlap: each event id's pseudonym under it too. */
  usePreviousKey: boolean;
}

/** An erasure: the thread's caches of raw identifiers are dropped. */
export interface IntakeForget {
  forget: 'identifiers' | 'phoneNumbers';
}

export type IntakeAnswer =
  | { id: number; itemCount: number; rows: RowColumns; rejected: Rejection[]; outOfScope: number }
  /** The body was refused as a whole (an ApiError of parseEventsBody). */
  | { id: number; refused: { status: number; code: string; message: string } }
  /** Anything else that went wrong: a defect, answered 500 like on the main thread. */
  | { id: number; failed: string };
