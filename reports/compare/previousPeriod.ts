import { dateOfDay, dayNumber, type Period } from '../period';

/** The period of the same number of days ending the day before `period.from`. */
export function previousPeriod(period: Period): Period {
  const from = dayNumber(period.from);
  const days = dayNumber(period.to) - from + 1;
  return { from: dateOfDay(from - days), to: dateOfDay(from - 1) };
}
