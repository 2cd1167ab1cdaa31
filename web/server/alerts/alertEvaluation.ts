import type { Logger } from 'pino';
import { listAlertRules } from '../../../db/alertRules';
import { fireAlert, InvalidAlertError, type NewAlert } from '../../../db/alerts';
import { listBusinesses } from '../../../db/registry';
import type { RegistryStore } from '../../../db/store';
import { alertOf, defaultAlertRules, evaluateBusiness } from '../../../reports/alerts/alertRules';
import { TemplateDayCache, type AlertReads } from '../../../reports/alerts/templateDays';
import { repeatRounds } from './roundSchedule';
import { redactedErrorMessage } from '../logger';

// The alert rules' schedule: every interval, each business's rules (or the defaults) over its
// template sends of yesterday and today (reports/alerts/alertRules.ts), and an alert fired for
// each rule broken. Every server of a shared registry may run it: fireAlert stores a cause once
// (UNIQUE (business, cause)), whichever server gets there first.

export interface AlertEvaluationSettings {
  /** How often the rules are evaluated (ALERT_EVALUATION_INTERVAL_SECONDS). */
  intervalMs: number;
}

export const DEFAULT_ALERT_EVALUATION: AlertEvaluationSettings = { intervalMs: 300_000 };

export interface AlertEvaluationDeps {
  store: RegistryStore;
  reads: AlertReads;
  /** MIN_COHORT: no rule looks at fewer recipients. */
  minCohort: number;
  logger: Logger;
  now: () => number;
}

export interface EvaluationRound {
  /** Businesses whose rules were evaluated. */
  businesses: number;
  /** Alerts stored by this round (a cause that fired before is not counted). */
  fired: number;
}

/** Fires the alert; a template name that could read as a person's identifier is left out of its details. */
async function fire(store: RegistryStore, alert: NewAlert): Promise<boolean> {
  try {
    return (await fireAlert(store, alert)).fired;
  } catch (error) {
    if (!(error instanceof InvalidAlertError)) throw error;
    const { template: _left, ...details } = alert.details;
    return (await fireAlert(store, { ...alert, details })).fired;
  }
}

/** Starts the schedule; `evaluateNow` runs one round at once (at the runtime's clock, or the one given). */
export function startAlertEvaluation(deps: AlertEvaluationDeps, overrides: Partial<AlertEvaluationSettings> = {}) {
  const settings = { ...DEFAULT_ALERT_EVALUATION, ...overrides };
  const cache = new TemplateDayCache(deps.reads);
  const { store, logger } = deps;

  async function evaluateNow(nowMs: number = deps.now()): Promise<EvaluationRound> {
    const [businesses, set] = await Promise.all([listBusinesses(store), listAlertRules(store)]);
    const round = { businesses: 0, fired: 0 };
    for (const { id } of businesses) {
      const rules = set.get(id) ?? defaultAlertRules(deps.minCohort);
      // One business's failure (a read refused while reports are busy) does not keep the others from their alerts.
      try {
        const findings = await evaluateBusiness(rules, deps.minCohort, nowMs, cache.readerAt(id, nowMs));
        round.businesses += 1;
        for (const finding of findings) if (await fire(store, alertOf(id, finding, rules, nowMs))) round.fired += 1;
      } catch (error) {
        logger.error({ business: id, error: redactedErrorMessage(error) }, 'alert rules could not be evaluated (retried at the next round)');
      }
    }
    if (round.fired > 0) logger.info(round, 'alerts fired');
    return round;
  }

  const rounds = repeatRounds(settings.intervalMs, evaluateNow, logger, 'alert evaluation');
  return { settings, evaluateNow, stop: rounds.stop };
}

export type AlertEvaluation = ReturnType<typeof startAlertEvaluation>;
