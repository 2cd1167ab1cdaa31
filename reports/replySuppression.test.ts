import { describe, expect, it } from 'vitest';
import type { MetricRow } from './metrics/computeMetrics';
import { METRIC_IDS } from './metrics/definitions';
import type { PricingRow } from './metrics/pricingBreakdown';
import type { TemplateRow } from './metrics/templateBreakdown';
import { suppressBusinessFigures } from './replySuppression';

const row = (values: Partial<Record<string, number | null>>, suppressed: string[] = []): MetricRow =>
  ({ ...Object.fromEntries(METRIC_IDS.map((id) => [id, id === 'very_responsive' ? false : 0])), ...values, suppressed }) as MetricRow;
const template = (category: string, name: string, sent: number | null): TemplateRow => ({
  category, template: name, sent, delivery_rate: sent === null ? null : 1, read_rate: sent === null ? null : 0, limited_rate: sent === null ? null : 0,
  suppressed: sent === null ? ['sent', 'delivery_rate', 'read_rate', 'limited_rate'] : [],
});
const pricing = (category: string, charged: number | null): PricingRow => ({
  category, charged, free_customer_service: charged === null ? null : 0, free_entry_point: charged === null ? null : 0, unknown: charged === null ? null : 0,
  suppressed: charged === null ? ['charged', 'free_customer_service', 'free_entry_point', 'unknown'] : [],
});

describe('complementary suppression of a business report', () => {
  it('hides a second day and its rate when one day of an additive count is hidden, never a non-additive figure', () => {
    const out = suppressBusinessFigures({
      totals: row({ customer_initiated: 30, conversations: 31, response_rate_24h: 0.5 }),
      series: [
        row({ customer_initiated: null, conversations: null, response_rate_24h: null }, ['conversations', 'customer_initiated', 'response_rate_24h']),
        row({ customer_initiated: 12, conversations: 12, response_rate_24h: 0.5, block_rate: 0.1 }),
        row({ customer_initiated: 15, conversations: 16, response_rate_24h: 0.4 }),
      ],
      channels: [row({ customer_initiated: 30, conversations: 31, response_rate_24h: 0.5 })],
      templates: [],
      pricing: [],
    });
    expect(out.series[1]).toMatchObject({ customer_initiated: null, conversations: null, response_rate_24h: null, block_rate: 0.1 });
    expect(out.series[1]!.suppressed).toEqual(['conversations', 'customer_initiated', 'response_rate_24h']);
    expect(out.series[2]!.suppressed).toEqual([]);
    expect(out.totals.suppressed).toEqual([]);
  });

  it('does not list a template row whose figures are all withheld, and withholds a second one of its category', () => {
    const out = suppressBusinessFigures({
      totals: row({}), series: [], channels: [],
      templates: [template('marketing', 'vip', null), template('marketing', 'spring_sale', 40), template('marketing', 'welcome', 25), template('utility', 'receipt', 30)],
      pricing: [pricing('marketing', 68), pricing('utility', 30)],
    });
    // 68 - 40 - 25 would give vip's 3: welcome (the smaller) goes too, and neither is listed.
    expect(out.templates.map((t) => t.template)).toEqual(['spring_sale', 'receipt']);
    expect(out.pricing.map((p) => p.charged)).toEqual([68, 30]);
  });

  it('withholds the pricing row when a hidden template is its category\'s only one', () => {
    const out = suppressBusinessFigures({
      totals: row({}), series: [], channels: [],
      templates: [template('marketing', 'vip', null)],
      pricing: [pricing('marketing', 12)],
    });
    expect(out.templates).toEqual([]);
    expect(out.pricing[0]).toMatchObject({ charged: null, suppressed: ['charged', 'free_customer_service', 'free_entry_point', 'unknown'] });
  });
});
