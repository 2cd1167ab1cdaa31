import type { MetricRow } from './metrics/computeMetrics';
import { METRIC_IDS, METRICS } from './metrics/definitions';
import { PRICING_FIGURES, type PricingRow } from './metrics/pricingBreakdown';
import type { TemplateRow } from './metrics/templateBreakdown';
import { complementarySuppression, withSuppressed, type FigureGroup } from './suppression';

/**
 * Complementary suppression across one business report (./suppression.ts; the rule in
 * docs/metrics.md#suppression). The groups whose parts add up to a total shown beside them:
 * - each `additive` count of the catalogue (metrics/definitions.ts): its series points under its
 *   total, and its channel rows under its total;
 * - per category, the template rows' sent messages under the pricing row's messages (a row's four
 *   figures count each attempted message of the category once; the templates count those with a
 *   send, so they add up to the pricing row or less).
 * A hidden template row hides all its figures, a hidden pricing row its four counts. Then every
 * rate is withheld with the count it divides by (`denominatorMetric`), and a template row whose
 * figures are all withheld is not listed.
 */

export interface BusinessFigures<T extends MetricRow, S extends MetricRow, C extends MetricRow> {
  totals: T;
  series: S[];
  channels: C[];
  templates: TemplateRow[];
  pricing: PricingRow[];
}

const ADDITIVE_METRICS = METRICS.filter((m) => (m.kind === 'count' && m.additive !== undefined)).map((m) => m.id);
const RATE_LINKS = METRICS.flatMap((m) => (m.source === 'conversations' && m.kind === 'rate' && m.denominatorMetric ? [[m.id, m.denominatorMetric] as const] : []));
const TEMPLATE_FIGURES = ['sent', 'delivery_rate', 'read_rate', 'limited_rate'] as const;

export function suppressBusinessFigures<T extends MetricRow, S extends MetricRow, C extends MetricRow>(
  figures: BusinessFigures<T, S, C>,
): BusinessFigures<T, S, C> {
  const sheet = new Sheet();
  const metricKey = (row: string, id: string) => `${row}.${id}`;
  const rows: [string, MetricRow][] = [
    ['totals', figures.totals],
    ...figures.series.map((p, i): [string, MetricRow] => [`series.${i}`, p]),
    ...figures.channels.map((c, i): [string, MetricRow] => [`channels.${i}`, c]),
  ];
  for (const [name, row] of rows) {
    for (const id of ADDITIVE_METRICS) sheet.note(metricKey(name, id), row[id as keyof MetricRow] as number | null, row.suppressed.includes(id));
  }
  figures.templates.forEach((t, i) => sheet.note(`templates.${i}`, t.sent, t.suppressed.includes('sent')));
  for (const p of figures.pricing) {
    const messages = PRICING_FIGURES.reduce((sum, f) => sum + (p[f] ?? 0), 0);
    sheet.note(`pricing.${p.category}`, messages, p.suppressed.length > 0);
  }
  const groups: FigureGroup[] = [
    ...ADDITIVE_METRICS.flatMap((id) => [
      { total: metricKey('totals', id), parts: figures.series.map((_, i) => metricKey(`series.${i}`, id)) },
      { total: metricKey('totals', id), parts: figures.channels.map((_, i) => metricKey(`channels.${i}`, id)) },
    ]),
    // A category without a pricing row has no total shown to subtract from.
    ...figures.pricing.map((p) => ({
      total: `pricing.${p.category}`,
      parts: figures.templates.flatMap((t, i) => (t.category === p.category ? [`templates.${i}`] : [])),
    })),
  ];
  const hide = new Set(complementarySuppression(sheet.visible, sheet.hidden, groups));
  const hideIn = (name: string) => ADDITIVE_METRICS.filter((id) => hide.has(metricKey(name, id)));
  return {
    totals: withRatesOfHiddenCounts(hideFigures(figures.totals, hideIn('totals'), METRIC_IDS)),
    series: figures.series.map((p, i) => withRatesOfHiddenCounts(hideFigures(p, hideIn(`series.${i}`), METRIC_IDS))),
    channels: figures.channels.map((c, i) => withRatesOfHiddenCounts(hideFigures(c, hideIn(`channels.${i}`), METRIC_IDS))),
    templates: figures.templates
      .map((t, i) => hideFigures(t, hide.has(`templates.${i}`) ? TEMPLATE_FIGURES : [], TEMPLATE_FIGURES))
      .filter((t) => !TEMPLATE_FIGURES.every((f) => t.suppressed.includes(f))),
    pricing: figures.pricing.map((p) => hideFigures(p, hide.has(`pricing.${p.category}`) ? PRICING_FIGURES : [], PRICING_FIGURES)),
  };
}

/** The visible values and the hidden keys of a reply's additive figures. */
class Sheet {
  readonly visible = new Map<string, number>();
  readonly hidden = new Set<string>();

  note(key: string, value: number | null, withheld: boolean): void {
    if (withheld) this.hidden.add(key);
    else this.visible.set(key, value ?? 0);
  }
}

/** The row with `names` null and named in its `suppressed` list (kept in field order). */
export function hideFigures<R extends { suppressed: string[] }>(row: R, names: readonly string[], order: readonly string[]): R {
  const fresh = names.filter((n) => !row.suppressed.includes(n));
  if (fresh.length === 0) return row;
  return { ...row, ...Object.fromEntries(fresh.map((n) => [n, null])), suppressed: withSuppressed(row.suppressed, fresh, order) };
}

/** A rate withheld with the count it divides by (`denominatorMetric` in the catalogue). */
function withRatesOfHiddenCounts<R extends MetricRow>(row: R): R {
  const rates = RATE_LINKS.filter(([rate, count]) => row.suppressed.includes(count) && !row.suppressed.includes(rate)).map(([rate]) => rate);
  return hideFigures(row, rates, METRIC_IDS);
}
