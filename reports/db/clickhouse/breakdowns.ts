import { literal } from '../../../db/clickhouse/sqlLiteral';
import { EVENT_METRICS } from '../../metrics/definitions';
import { PRICING_FIGURES, type PricingScope } from '../../metrics/pricingBreakdown';
import type { SqlQuery } from '../../metrics/sqlText';
import { OTHER_TEMPLATES, TEMPLATE_ROWS_LIMIT, type TemplateScope } from '../../metrics/templateBreakdown';
import { periodBounds } from '../../period';
import { PRICING_TYPES } from '../../vocabulary';
import { attemptedMessagesSql, messageFilterSql } from './attemptedMessages';

/**
 * The template and pricing breakdowns (reports/metrics/templateBreakdown.ts, pricingBreakdown.ts)
 * on ClickHouse, over the messages computed from the events (./attemptedMessages.ts): the same
 * result columns, values inlined.
 */

const TEMPLATE_RATES = ['delivery_rate', 'read_rate', 'limited_rate'] as const;

function rateCounts(id: (typeof TEMPLATE_RATES)[number]): string[] {
  const metric = EVENT_METRICS.find((m) => m.id === id);
  if (metric?.kind !== 'rate' || metric.numerator.distinct !== 'message') throw new Error(`${id} is not a rate of messages`);
  return [
    `sum(${messageFilterSql(metric.numerator.where)}) AS ${id}_numerator`,
    `sum(${messageFilterSql(metric.denominator.where)}) AS ${id}_denominator`,
  ];
}

/**
 * A row's key without NULLs (IN never matches a NULL): the effective category and the template,
 * each as (is null, text).
 */
const ROW_KEY = ["isNull(effective_category)", "ifNull(effective_category, '')", 'isNull(template)', "ifNull(template, '')"];

/**
 * As DuckDB's: the `limit` rows (category, template) with the most sent messages, ties by
 * template (none first) then category, are listed; the other messages count in their category's
 * grouped row. No window function (18.16 has none): the listed rows are a LIMIT over the rows'
 * counts, and a message is grouped when its row is not among them. The grouped row's template
 * is OTHER_TEMPLATES itself (18.16 has no boolean to say `grouped` as DuckDB does). `_k` is not
 * needed: the rows' customers are counted exactly, where DuckDB's builder samples them against k
 * (reports/metrics/cohortSample.ts); the suppression takes either.
 */
export function clickhouseTemplateBreakdown(scope: TemplateScope, _k: number, limit = TEMPLATE_ROWS_LIMIT): SqlQuery {
  const { startMs, endMs } = periodBounds(scope);
  const sent = attemptedMessagesSql({ startMs, endMs, business: scope.business, channel: scope.channel, sentOnly: true });
  const keys = ROW_KEY.map((_, i) => `k${i + 1}`);
  const listed = `SELECT ${keys.join(', ')}
    FROM (${sent}) AS sent
    GROUP BY ${ROW_KEY.map((expr, i) => `${expr} AS ${keys[i]}`).join(', ')}
    ORDER BY count() DESC, k3 DESC, k4, k1, k2
    LIMIT ${Number(limit)}`;
  const counts = ['sent', ...TEMPLATE_RATES.flatMap((id) => [`${id}_numerator`, `${id}_denominator`]), 'customers'];
  // The template column is named outside the grouping, where no source column has its name.
  const sql = `SELECT category, shown_template AS template, grouped, ${counts.join(', ')}
FROM (
  SELECT effective_category AS category, if(grouped = 1, ${literal(OTHER_TEMPLATES)}, template) AS shown_template, grouped,
    count() AS sent,
    ${TEMPLATE_RATES.flatMap(rateCounts).join(',\n    ')},
    uniqExact(customer) AS customers
  FROM (
    SELECT *, toUInt8((${ROW_KEY.join(', ')}) NOT IN (${listed})) AS grouped
    FROM (${sent}) AS sent
  ) AS placed
  GROUP BY category, shown_template, grouped
) AS breakdown
ORDER BY grouped, isNull(category), category, isNull(template) DESC, template`;
  return { sql, params: [] };
}

const FIGURE_OF_TYPE = Object.fromEntries(PRICING_TYPES.map((type, i) => [type, PRICING_FIGURES[i]!]));

export function clickhousePricingBreakdown(scope: PricingScope): SqlQuery {
  const { startMs, endMs } = periodBounds(scope);
  const messages = attemptedMessagesSql({ startMs, endMs, business: scope.business, channel: scope.channel });
  const byType = PRICING_TYPES.map((type) => `countIf(pricing = ${literal(type)}) AS ${FIGURE_OF_TYPE[type]}`);
  const sql = `SELECT effective_category AS category,
  ${byType.join(',\n  ')},
  countIf(isNull(pricing) OR pricing NOT IN (${PRICING_TYPES.map((t) => literal(t)).join(', ')})) AS unknown,
  uniqExact(customer) AS customers,
  countIf(isNull(customer)) AS without_customer
FROM (${messages}) AS attempted
WHERE isNotNull(effective_category)
GROUP BY category
ORDER BY category`;
  return { sql, params: [] };
}
