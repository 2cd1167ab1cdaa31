import type { AlertRecord } from '../../../../db/alerts';

/** An alert as GET /v1/alerts shows it. */
export function alertReply(alert: AlertRecord) {
  return {
    id: alert.id,
    business: alert.business,
    kind: alert.kind,
    cause: alert.cause,
    fired_at: alert.firedAt,
    title: alert.title,
    details: alert.details,
    delivery: {
      state: alert.state,
      delivered_at: alert.deliveredAt,
      next_attempt_at: alert.nextAttemptAt,
      attempts: alert.attempts.map((a) => ({ attempt: a.attempt, at: a.at, status: a.status, error: a.error, duration_ms: a.durationMs })),
    },
  };
}

/** The start of `since`: a date is its UTC midnight. */
export const sinceMs = (since: string | undefined) =>
  since === undefined ? undefined : Date.parse(since.length === 10 ? `${since}T00:00:00Z` : since);
