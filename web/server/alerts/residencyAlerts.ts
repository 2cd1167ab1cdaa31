import type { Logger } from 'pino';
import { fireAlert } from '../../../db/alerts';
import type { BusinessRecord } from '../../../db/registry';
import { listBusinesses } from '../../../db/registry';
import { listResidencySnapshots, setResidencySnapshot, type ResidencySnapshot, type SnapshotLocation } from '../../../db/residencySnapshots';
import type { RegistryStore } from '../../../db/store';
import { reportSource, type ReportReads } from '../../../reports/db/reportSource';
import { dateOfDay, dayOfMs } from '../../../reports/period';
import { ADEQUACY } from '../../../reports/residency/adequacy';
import { computeResidency, type ResidencyLocation } from '../../../reports/residency/residency';
import { TRANSFER_LAW } from '../../../reports/residency/transferLaw';
import { repeatRounds } from './roundSchedule';
import { redactedErrorMessage } from '../logger';
import { DEFAULT_ALERT_EVALUATION, type AlertEvaluationSettings, type EvaluationRound } from './alertEvaluation';
import { lawFingerprints, residencyChanges, type LegalLists } from './residencyChanges';

// The residency change alerts' schedule, beside the alert rules' (./alertEvaluation.ts), at the
// same interval: each business's residency over the last 7 UTC days (by the app's clock) is
// compared with the snapshot recorded at its previous evaluation (db/residencySnapshots.ts), an
// alert fired for each change (./residencyChanges.ts), then the new snapshot recorded. A
// business's first evaluation only records its snapshot: what was already there is not news.
// Every server of a shared registry may run it: a cause fires once (UNIQUE (business, cause)).

export const RESIDENCY_WINDOW_DAYS = 7;

export interface ResidencyAlertDeps {
  store: RegistryStore;
  reads: ReportReads;
  /** MIN_COHORT: the residency report's k. */
  minCohort: number;
  logger: Logger;
  now: () => number;
  /** The legal lists compared (tests inject another version); the files' by default. */
  legalLists?: () => LegalLists;
}

const FILE_LISTS: LegalLists = { transferLaw: TRANSFER_LAW, adequacy: ADEQUACY };

/** The snapshot of one business's residency row under these legal lists. */
function snapshotOf(business: BusinessRecord, locations: readonly ResidencyLocation[], lists: LegalLists): ResidencySnapshot {
  const declaredOf = (l: ResidencyLocation) => business.processingLocations.find((d) =>
    d.processor === l.processor && d.country === l.country && (d.organisation ?? null) === (l.organisation ?? null));
  return {
    adequacy_version: lists.adequacy.version,
    transfer_law_version: lists.transferLaw.version,
    law: lawFingerprints(lists),
    locations: locations.map((l): SnapshotLocation => ({
      country: l.country,
      organisation: l.organisation ?? null,
      processor: l.processor,
      mechanism: l.mechanism,
      importer_subject_to_gdpr: l.declared ? (declaredOf(l)?.importerSubjectToGdpr ?? false) : false,
      status: l.status,
      declared: l.declared,
      // A suppressed count (null) still means some.
      seen: !l.declared || l.eea_customers !== 0,
    })),
  };
}

/** Starts the schedule; `evaluateNow` runs one round at once (at the runtime's clock, or the one given). */
export function startResidencyAlerts(deps: ResidencyAlertDeps, overrides: Partial<AlertEvaluationSettings> = {}) {
  const settings = { ...DEFAULT_ALERT_EVALUATION, ...overrides };
  const { store, logger } = deps;

  async function evaluateNow(nowMs: number = deps.now()): Promise<EvaluationRound> {
    const lists = deps.legalLists?.() ?? FILE_LISTS;
    const today = dayOfMs(nowMs);
    const period = { from: dateOfDay(today - RESIDENCY_WINDOW_DAYS + 1), to: dateOfDay(today) };
    const [businesses, snapshots] = await Promise.all([listBusinesses(store), listResidencySnapshots(store)]);
    const source = reportSource(deps.reads, async () => businesses);
    const rows = await computeResidency(source, businesses, { period, today: period.to }, deps.minCohort);
    const round = { businesses: 0, fired: 0 };
    for (const business of businesses) {
      // One business's failure does not keep the others from their alerts; it is retried next round.
      try {
        const current = snapshotOf(business, rows.find((r) => r.business === business.id)?.locations ?? [], lists);
        const previous = snapshots.get(business.id);
        const alerts = previous ? residencyChanges({ business: business.id, previous, current, day: period.to, nowMs }) : [];
        for (const alert of alerts) if ((await fireAlert(store, alert)).fired) round.fired += 1;
        // After the alerts: a round that failed before recording compares with the old snapshot again.
        await setResidencySnapshot(store, business.id, current, nowMs);
        round.businesses += 1;
      } catch (error) {
        logger.error({ business: business.id, error: redactedErrorMessage(error) }, 'residency changes could not be evaluated (retried at the next round)');
      }
    }
    if (round.fired > 0) logger.info(round, 'residency alerts fired');
    return round;
  }

  const rounds = repeatRounds(settings.intervalMs, evaluateNow, logger, 'residency alert');
  return { settings, evaluateNow, stop: rounds.stop };
}

export type ResidencyAlerts = ReturnType<typeof startResidencyAlerts>;
