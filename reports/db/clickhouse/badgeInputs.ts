import type { BadgeGrouping, ConversationMetricsScope, FigureMetric } from '../../metrics/conversationMetricsSql';
import { DAY_MS } from '../../period';
import type { SqlQuery } from '../../metrics/sqlText';
import { conversationFigures, timedConversationsSql } from './conversationMetrics';

/**
 * compileBadgeInputs (reports/metrics/conversationMetricsSql.ts) on ClickHouse: the badge's inputs
 * over each window, per grouping, business (and channel) and window key, in the same rows. A
 * conversation counts in every window of its grouping holding its start day: the windows travel
 * as an array of (key, first day, day after) per grouping, and arrayJoin over those holding the
 * day gives one row per (conversation, window) (18.16 has no range join; DuckDB joins on days).
 * 18.16 drops a subquery's columns that only a lambda uses ("Unknown identifier"): start_day is
 * also named in a WHERE (true of every row), and the windows' array is a column of the rows.
 */
const dayOf = (ms: number) => {
  if (ms % DAY_MS !== 0) throw new Error('badge windows are whole UTC days');
  return ms / DAY_MS;
};

export function clickhouseBadgeInputs(
  scope: ConversationMetricsScope, groupings: readonly BadgeGrouping[], metrics: readonly FigureMetric[],
): SqlQuery {
  const earliest = Math.min(...groupings.flatMap((g) => g.windows.map((w) => w.startMs)));
  const anyChannel = groupings.some((g) => g.byChannel);
  const businessHours = metrics.some((m) => m.kind === 'quantile' && m.clock === 'business');
  const timed = timedConversationsSql(scope, earliest, businessHours);
  const { aggregates, values } = conversationFigures(metrics);
  const branch = (g: BadgeGrouping, i: number) => {
    const windows = g.windows.map((w) => `tuple(toInt64(${Math.trunc(w.key)}), toInt64(${dayOf(w.startMs)}), toInt64(${dayOf(w.endMs)}))`);
    const holding = `arrayFilter(w -> tupleElement(w, 2) <= start_day AND start_day < tupleElement(w, 3), grouping_windows)`;
    const channel = g.byChannel ? ['toNullable(window_channel) AS channel'] : anyChannel ? ['CAST(NULL AS Nullable(String)) AS channel'] : [];
    const groupBy = ['business', ...(g.byChannel ? ['window_channel'] : []), 'window_key'];
    return `SELECT ${[`toInt64(${i}) AS grouping`, 'business', ...channel, 'window_key AS bucket', ...values].join(', ')}
  FROM (
    SELECT ${['business', ...(g.byChannel ? ['channel AS window_channel'] : []), 'tupleElement(badge_window, 1) AS window_key', ...aggregates].join(', ')}
    FROM (
      SELECT *, arrayJoin(windows_holding) AS badge_window
      FROM (
        SELECT *, ${holding} AS windows_holding
        FROM (
          SELECT *, intDiv(start_us, ${DAY_MS * 1000}) AS start_day, materialize([${windows.join(', ')}]) AS grouping_windows
          FROM (${timed}) AS timed
        ) AS dated
        WHERE start_day >= ${dayOf(earliest)}
      ) AS placed
    ) AS windowed
    GROUP BY ${groupBy.join(', ')}
  ) AS grouped`;
  };
  return { sql: `SELECT * FROM (\n  ${groupings.map(branch).join('\n  UNION ALL\n  ')}\n) AS badges`, params: [] };
}
