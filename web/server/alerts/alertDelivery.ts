import type { Logger } from 'pino';
import { claimAttempt, deliveryOf, dueAlerts, recordAttempt, releaseClaim, type AttemptOutcome, type Delivery } from '../../../db/alerts';
import { SecretUnreadableError, type SecretBox } from '../../../db/secretBox';
import type { RegistryStore } from '../../../db/store';
import { redactedErrorMessage } from '../logger';
import { hubSignature } from '../../../ingest/webhooks/signature';

// The alerts' outbox worker: polls for undelivered alerts of businesses with an endpoint and
// posts each, signed, with retries. Several servers may run it on one registry: an attempt is
// claimed with a conditional UPDATE (db/alerts.ts claimAttempt), so only one of them posts it.

export interface AlertDeliverySettings {
  /** How often to look for due alerts. */
  pollMs: number;
  /** How long an endpoint may take to answer. */
  timeoutMs: number;
  /** The wait after a first failed attempt; it doubles after each further one. */
  firstRetryMs: number;
  /** Attempts before an alert is marked failed. */
  maxAttempts: number;
  /** Alerts posted at once per round. */
  batch: number;
}

export const DEFAULT_ALERT_DELIVERY: AlertDeliverySettings = { pollMs: 5_000, timeoutMs: 10_000, firstRetryMs: 30_000, maxAttempts: 8, batch: 10 };

export const SIGNATURE_HEADER = 'X-Alert-Signature-256';


/** The wait before the attempt after `attempt` failed: firstRetryMs, then doubled each time. */
export const retryDelayMs = (settings: AlertDeliverySettings, attempt: number) => settings.firstRetryMs * 2 ** (attempt - 1);

export interface AlertDeliveryDeps {
  store: RegistryStore;
  secretBox: SecretBox;
  logger: Logger;
  now: () => number;
}

interface PostResult {
  status: number | null;
  error: string | null;
  durationMs: number;
}

async function post(delivery: Delivery, attempt: number, timeoutMs: number, stopping: AbortSignal): Promise<PostResult> {
  const body = JSON.stringify(delivery.payload);
  const started = performance.now();
  try {
    const response = await fetch(delivery.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: hubSignature(body, delivery.secret),
        'X-Alert-Id': delivery.id,
        'X-Alert-Attempt': String(attempt),
      },
      body,
      // A redirect is not followed: the signed body goes to the registered URL only.
      redirect: 'manual',
      signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), stopping]),
    });
    await response.body?.cancel().catch(() => undefined);
    const redirected = response.status >= 300 && response.status < 400;
    return { status: response.status, error: redirected ? 'redirect' : null, durationMs: performance.now() - started };
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return { status: null, error: timedOut ? 'timeout' : 'network', durationMs: performance.now() - started };
  }
}

const outcomeOf = (settings: AlertDeliverySettings, attempt: number, result: PostResult, atMs: number): AttemptOutcome => {
  if (result.status !== null && result.status >= 200 && result.status < 300) return { kind: 'delivered' };
  if (attempt >= settings.maxAttempts) return { kind: 'failed' };
  return { kind: 'retry', atMs: atMs + result.durationMs + retryDelayMs(settings, attempt) };
};

/** Starts the worker; `stop` ends it (an attempt under way is abandoned and due again at once). */
export function startAlertDelivery(deps: AlertDeliveryDeps, overrides: Partial<AlertDeliverySettings> = {}) {
  const settings = { ...DEFAULT_ALERT_DELIVERY, ...overrides };
  const stopping = new AbortController();
  const { store, logger } = deps;

  async function deliverOne(id: string): Promise<void> {
    const startMs = deps.now();
    const attempt = await claimAttempt(store, id, startMs, startMs + settings.timeoutMs * 3);
    if (attempt === undefined) return;
    let delivery: Delivery | undefined;
    try {
      delivery = await deliveryOf(store, deps.secretBox, id);
    } catch (error) {
      if (!(error instanceof SecretUnreadableError)) throw error;
      logger.warn({ alert: id }, 'the alert endpoint\'s secret cannot be opened with this SECRETS_KEY; register the endpoint again');
    }
    if (!delivery) {
      await releaseClaim(store, id, startMs + retryDelayMs(settings, 1));
      return;
    }
    const result = await post(delivery, attempt, settings.timeoutMs, stopping.signal);
    if (stopping.signal.aborted) {
      await releaseClaim(store, id, startMs);
      return;
    }
    const outcome = outcomeOf(settings, attempt, result, startMs);
    await recordAttempt(store, { alert: id, attempt, atMs: startMs, ...result }, outcome);
    if (outcome.kind !== 'delivered') {
      logger.warn({ alert: id, business: delivery.payload.business, attempt, status: result.status, error: result.error, outcome: outcome.kind }, 'alert not delivered');
    }
  }

  /** One round: posts every due alert (up to the batch size); the number posted. */
  async function runOnce(): Promise<number> {
    const due = await dueAlerts(store, deps.now(), settings.batch);
    await Promise.all(due.map((id) => deliverOne(id)));
    return due.length;
  }

  let timer: NodeJS.Timeout | undefined;
  let round: Promise<unknown> = Promise.resolve();
  const schedule = () => {
    if (stopping.signal.aborted) return;
    timer = setTimeout(() => {
      round = runOnce()
        .catch((error: unknown) => logger.error({ error: redactedErrorMessage(error) }, 'alert delivery round failed (retried at the next poll)'))
        .finally(schedule);
    }, settings.pollMs);
    timer.unref();
  };
  schedule();

  return {
    settings,
    runOnce,
    stop: async () => {
      stopping.abort();
      clearTimeout(timer);
      await round;
    },
  };
}

export type AlertDeliveryWorker = ReturnType<typeof startAlertDelivery>;
