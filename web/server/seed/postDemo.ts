import { httpClient, inProcessClient, type ApiClient, type ClientReply } from '../apiClient';
import type { Demo, DemoEvent } from '../../../ingest/demo/generateDemo';
import { formatRate } from '../../../ingest/demo/progress';

export type DemoClient = ApiClient;
export { httpClient, inProcessClient };

export interface DemoRejection {
  business: string;
  type: string;
  field: string | null;
  error: string;
}

export interface DemoSummary {
  businesses: number;
  events: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** The first few rejections, without any identifier of the event. */
  firstRejections: DemoRejection[];
  seconds: number;
}

export interface PostOptions {
  onProgress?: (posted: number) => void;
  /** Requests on the way at once: the next batch is generated while the last one commits. */
  inFlight?: number;
}

interface IngestReply {
  accepted: number;
  duplicates: number;
  rejected: { index: number; field: string | null; error: string }[];
}

const isIngestReply = (body: unknown): body is IngestReply =>
  typeof body === 'object' && body !== null && typeof (body as IngestReply).accepted === 'number' && Array.isArray((body as IngestReply).rejected);

function describe(reply: ClientReply): string {
  const error = (reply.body as { error?: { message?: string } } | undefined)?.error;
  return `${reply.status} ${error?.message ?? (typeof reply.body === 'string' ? reply.body.slice(0, 200) : '')}`.trim();
}

async function expectStatus(client: DemoClient, what: string, reply: Promise<ClientReply>, ...statuses: number[]): Promise<ClientReply> {
  const settled = await reply;
  if (!statuses.includes(settled.status)) throw new Error(`${what} failed at ${client.target}: ${describe(settled)}`);
  return settled;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Registers the demo businesses and their records of processing through the admin API, uploads the demo's rate card and prices
 * every business with it, creates one ingest key for all of
 * them, posts the events batch by batch to /v1/events, and revokes the key again.
 */
export async function postDemo(client: DemoClient, adminToken: string, demo: Demo, options: PostOptions = {}): Promise<DemoSummary> {
  const started = performance.now();
  const ids = demo.businesses.map((b) => b.id);
  for (const business of demo.businesses) {
    await expectStatus(client, `registering ${business.id}`, client.request('PUT', `/v1/businesses/${business.id}`, adminToken, JSON.stringify(business.body)), 200, 201);
    await expectStatus(client, `declaring ${business.id}'s records`, client.request('PUT', `/v1/businesses/${business.id}/records`, adminToken, JSON.stringify(business.records)), 200, 201);
  }
  for (const version of demo.rateCard.versions) {
    await expectStatus(client, `uploading rate card ${demo.rateCard.id}`, client.request('PUT', `/v1/rate-cards/${demo.rateCard.id}`, adminToken, JSON.stringify(version)), 201);
  }
  for (const id of ids) {
    await expectStatus(client, `pricing ${id}`, client.request('PUT', `/v1/businesses/${id}/rate-card`, adminToken, JSON.stringify({ card: demo.rateCard.id })), 200, 201);
  }
  const keyReply = await expectStatus(
    client, 'creating the ingest key',
    client.request('POST', `/v1/businesses/${ids[0]}/keys`, adminToken, JSON.stringify({ label: 'demo data generator', also_businesses: ids.slice(1) })),
    201,
  );
  const { id: keyId, key } = keyReply.body as { id: string; key: string };

  const summary: DemoSummary = { businesses: ids.length, events: 0, accepted: 0, duplicates: 0, rejected: 0, firstRejections: [], seconds: 0 };
  const post = async (batch: DemoEvent[]) => {
    const body = JSON.stringify({ events: batch });
    for (let attempt = 0; ; attempt++) {
      const reply = await client.request('POST', '/v1/events', key, body);
      if ((reply.status === 429 || reply.status === 503) && attempt < 20) {
        await sleep((reply.retryAfterSeconds ?? 1) * 1000);
        continue;
      }
      if (!isIngestReply(reply.body)) throw new Error(`posting events failed at ${client.target}: ${describe(reply)}`);
      const { accepted, duplicates, rejected } = reply.body;
      summary.accepted += accepted;
      summary.duplicates += duplicates;
      summary.rejected += rejected.length;
      for (const r of rejected.slice(0, Math.max(0, 5 - summary.firstRejections.length))) {
        const event = batch[r.index];
        summary.firstRejections.push({ business: event?.business ?? '?', type: event?.type ?? '?', field: r.field, error: r.error });
      }
      summary.events += batch.length;
      options.onProgress?.(summary.events);
      return;
    }
  };

  const inFlight = new Set<Promise<void>>();
  try {
    for (const batch of demo.batches()) {
      const sending = post(batch).finally(() => inFlight.delete(sending));
      inFlight.add(sending);
      if (inFlight.size >= (options.inFlight ?? 2)) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    await Promise.allSettled(inFlight);
    // The key was for this run only: leave no live credential behind.
    await client.request('DELETE', `/v1/keys/${keyId}`, adminToken).catch(() => undefined);
  }
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

export function formatSummary(summary: DemoSummary): string {
  const rate = summary.seconds > 0 ? ` (${formatRate(summary.events / summary.seconds)} events/s)` : '';
  return `demo data: ${summary.businesses} businesses, ${summary.accepted} accepted, ${summary.duplicates} duplicates, ` +
    `${summary.rejected} rejected, ${summary.seconds.toFixed(1)} s${rate}`;
}

export function formatRejections(summary: DemoSummary): string[] {
  return summary.firstRejections.map((r) => `  ${r.business} ${r.type}: ${r.field ?? '(event)'}: ${r.error}`);
}
