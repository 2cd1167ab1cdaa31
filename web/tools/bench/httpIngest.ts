import { Agent, request } from 'node:http';
import type { Demo } from '../../../ingest/demo/generateDemo';
import { ProgressBar } from '../../../ingest/demo/progress';
import { latencyStats, type LatencyStats } from './latencyStats';

/**
 * HTTP ingest through POST /v1/events over loopback: several keep-alive clients, each sending
 * one 500-event batch at a time and waiting for its reply (which the server sends only after
 * the commit). Bodies are serialised before the clock starts, so the figure is the server's
 * (validation, anonymisation, idempotency check, commit), not the generator's.
 */

export interface IngestBody {
  bytes: Buffer;
  events: number;
}

export interface IngestOptions {
  url: string;
  /** Several app servers of one store: client i sends to urls[i % urls.length] (default [url]). */
  urls?: readonly string[];
  ingestKey: string;
  bodies: readonly IngestBody[];
  clients: number;
  /** Stop sending new batches after this long. */
  timeBoxMs: number;
  /** Events a second to send at most (a rate-limited loader); unlimited when undefined. */
  targetEventsPerSec?: number;
  label: string;
  /** Stop early when this says so (checked before each batch). */
  stop?: () => boolean;
  /** No progress bar (when another step draws one at the same time). */
  quiet?: boolean;
}

export interface IngestFigures {
  clients: number;
  batchSize: number;
  requests: number;
  acknowledged: number;
  duplicates: number;
  rejected: number;
  overloaded429: number;
  /** 503 storage_unavailable: a commit failed (the server logs why); retried like a 429. */
  unavailable503: number;
  seconds: number;
  eventsPerSec: number;
  targetEventsPerSec: number | null;
  /** Request -> reply (after commit), per batch. */
  ackLatency: LatencyStats | null;
  /** True when every prepared batch was sent before the time box ended. */
  ranOutOfEvents: boolean;
}

export function prepareBodies(demo: Demo): IngestBody[] {
  const bodies: IngestBody[] = [];
  for (const batch of demo.batches()) bodies.push({ bytes: Buffer.from(JSON.stringify({ events: batch })), events: batch.length });
  return bodies;
}

interface Reply {
  status: number;
  body: string;
  retryAfter: number;
}

function post(agent: Agent, url: URL, key: string, body: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      agent,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': body.length },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), retryAfter: Number(res.headers['retry-after'] ?? 1) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runHttpIngest(options: IngestOptions): Promise<IngestFigures> {
  const targets = (options.urls ?? [options.url]).map((server) => ({
    agent: new Agent({ keepAlive: true, maxSockets: options.clients }),
    url: new URL('/v1/events', server),
  }));
  const totalEvents = options.bodies.reduce((n, b) => n + b.events, 0);
  const progress = options.quiet ? undefined : new ProgressBar(totalEvents, { label: options.label });
  const figures: IngestFigures = {
    clients: options.clients, batchSize: options.bodies[0]?.events ?? 0, requests: 0, acknowledged: 0, duplicates: 0, rejected: 0,
    overloaded429: 0, unavailable503: 0, seconds: 0, eventsPerSec: 0, targetEventsPerSec: options.targetEventsPerSec ?? null, ackLatency: null, ranOutOfEvents: false,
  };
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + options.timeBoxMs;
  let next = 0;
  let scheduledEvents = 0;
  const client = async (_: unknown, clientIndex: number) => {
    const { agent, url } = targets[clientIndex % targets.length]!;
    for (;;) {
      if (performance.now() >= deadline || options.stop?.()) return;
      const index = next++;
      const batch = options.bodies[index];
      if (!batch) {
        figures.ranOutOfEvents = true;
        return;
      }
      if (options.targetEventsPerSec !== undefined) {
        // Batch i is due when the events before it fit the target rate: an even pace, no bursts.
        const dueAt = started + (scheduledEvents / options.targetEventsPerSec) * 1000;
        scheduledEvents += batch.events;
        const wait = dueAt - performance.now();
        if (wait > 0) await sleep(wait);
      }
      for (;;) {
        const sentAt = performance.now();
        figures.requests += 1;
        const reply = await post(agent, url, options.ingestKey, batch.bytes);
        if (reply.status === 429 || reply.status === 503) {
          if (reply.status === 429) figures.overloaded429 += 1;
          else figures.unavailable503 += 1;
          await sleep(Math.min(reply.retryAfter * 1000, 250));
          continue;
        }
        if (reply.status !== 200) throw new Error(`POST /v1/events: ${reply.status} ${reply.body.slice(0, 300)}`);
        latencies.push(performance.now() - sentAt);
        const result = JSON.parse(reply.body) as { accepted: number; duplicates: number; rejected: unknown[] };
        figures.acknowledged += result.accepted;
        figures.duplicates += result.duplicates;
        figures.rejected += result.rejected.length;
        progress?.update(figures.acknowledged + figures.duplicates);
        break;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.clients }, client));
  } finally {
    progress?.finish();
    for (const target of targets) target.agent.destroy();
  }
  figures.seconds = (performance.now() - started) / 1000;
  figures.eventsPerSec = figures.acknowledged / figures.seconds;
  figures.ackLatency = latencies.length > 0 ? latencyStats(latencies) : null;
  return figures;
}
