import { describe, expect, it } from 'vitest';
import type { AlertRules } from '../../db/alertRules';
import { dayNumber } from '../period';
import { alertOf, defaultAlertRules, evaluateBusiness, findingsOf, perTemplate, summed, type TemplateCounts } from './alertRules';

const K = 10;
const rules = (overrides: Partial<AlertRules['jump']> = {}, thresholds: Partial<AlertRules['thresholds']> = {}): AlertRules => {
  const d = defaultAlertRules(K);
  return { ...d, jump: { ...d.jump, ...overrides }, thresholds: { ...d.thresholds, ...thresholds } };
};
const counts = (template: string, recipients: number, optedOut = 0, blocked = 0): TemplateCounts =>
  ({ template, recipients, opted_out_24h: optedOut, blocked_24h: blocked });
const baseline = (recipients: number, optedOut: number, blocked = 0) => ({ recipients, opted_out_24h: optedOut, blocked_24h: blocked });

describe('the alert rules', () => {
  it('default to the jump rule (3×, 100 recipients, 28 days, floor 0.2%) with no thresholds, and never below k recipients', () => {
    expect(defaultAlertRules(10)).toEqual({
      enabled: true, thresholds: { opt_out_rate_24h: null, block_rate_24h: null },
      jump: { factor: 3, min_recipients: 100, baseline_days: 28, baseline_floor: 0.002 },
    });
    expect(defaultAlertRules(250).jump.min_recipients).toBe(250);
  });

  it('sum a day\'s rows of a template (categories and campaigns) into one', () => {
    const rows = [
      { template: 'promo', category: 'marketing', campaign: 'a', recipients: 60, opted_out_24h: 3, blocked_24h: 1, sent: 60 },
      { template: 'promo', category: 'marketing', campaign: null, recipients: 40, opted_out_24h: 2, blocked_24h: 0, sent: 41 },
      { template: 'receipt', category: 'utility', campaign: null, recipients: '7', opted_out_24h: '0', blocked_24h: '1' },
    ];
    expect(perTemplate(rows)).toEqual([counts('promo', 100, 5, 1), counts('receipt', 7, 0, 1)]);
    expect(summed([[counts('a', 10, 1)], [counts('b', 20, 0, 2), counts('c', 5, 1)]])).toEqual(baseline(35, 2, 2));
  });

  it('fire a jump above factor × the baseline, not at it, with at least min_recipients', () => {
    const base = baseline(10_000, 100); // 1%
    const day = [counts('at_limit', 100, 3), counts('above', 100, 4), counts('few', 99, 50)];
    const found = findingsOf(rules(), K, '2026-11-03', day, base);
    expect(found).toEqual([{ rule: 'jump', reaction: 'opted_out', template: 'above', day: '2026-11-03', recipients: 100, rate: 0.04, baseline: 0.01, limit: 0.03 }]);
  });

  it('measure a jump against the floor when the baseline is lower, or when there were no sends before', () => {
    const one = [counts('promo', 1000, 1)]; // 0.1%: one opt-out is no jump over a zero baseline
    expect(findingsOf(rules(), K, '2026-11-03', one, baseline(0, 0))).toEqual([]);
    expect(findingsOf(rules(), K, '2026-11-03', one, baseline(5000, 0))).toEqual([]);
    const seven = [counts('promo', 1000, 7)]; // 0.7% > 3 × 0.2%
    expect(findingsOf(rules(), K, '2026-11-03', seven, baseline(0, 0))).toMatchObject([{ rule: 'jump', baseline: null, limit: 0.006 }]);
  });

  it('fire blocks and opt-outs apart, and a threshold when the rate is above it', () => {
    const day = [counts('promo', 200, 2, 20)];
    const found = findingsOf(rules({ factor: null }, { opt_out_rate_24h: 0.01, block_rate_24h: 0.05 }), K, '2026-11-03', day, baseline(1000, 10, 10));
    // 1% opt-outs is not above the 1% threshold; 10% blocks is above 5%.
    expect(found).toEqual([{ rule: 'threshold', reaction: 'blocked', template: 'promo', day: '2026-11-03', recipients: 200, rate: 0.1, baseline: 0.01, limit: 0.05 }]);
    expect(findingsOf(rules({}, { block_rate_24h: 0.05 }), K, '2026-11-03', day, baseline(1000, 10, 10)).map((f) => `${f.rule}:${f.reaction}`))
      .toEqual(['threshold:blocked', 'jump:blocked']);
  });

  it('fire nothing when disabled, and never on fewer than k recipients whatever min_recipients says', () => {
    const day = [counts('promo', 50, 25)];
    expect(findingsOf({ ...rules(), enabled: false }, K, '2026-11-03', day, baseline(1000, 1))).toEqual([]);
    expect(findingsOf(rules({ min_recipients: 1 }), 100, '2026-11-03', day, baseline(1000, 1))).toEqual([]);
    expect(findingsOf(rules({ min_recipients: 50 }), K, '2026-11-03', day, baseline(1000, 1))).toHaveLength(1);
  });

  it('name the alert\'s cause by rule, template, reaction and day, with figures only in its details', () => {
    const finding = { rule: 'jump' as const, reaction: 'opted_out' as const, template: 'spring_sale', day: '2026-11-03', recipients: 250, rate: 0.12, baseline: 0.02, limit: 0.06 };
    expect(alertOf('acme', finding, rules(), 1_000)).toEqual({
      business: 'acme', kind: 'template_opt_out_jump', cause: 'jump:spring_sale:opted_out:2026-11-03', firedAtMs: 1_000,
      title: 'Opt-outs jumped to 12.0% (3× the baseline) after spring_sale on 2026-11-03',
      details: {
        rule: 'jump', reaction: 'opted_out', template: 'spring_sale', day: '2026-11-03', rate: 0.12, baseline: 0.02, limit: 0.06, recipients: 250,
        min_recipients: 100, factor: 3, baseline_days: 28, baseline_floor: 0.002,
      },
    });
    const long = alertOf('acme', { ...finding, rule: 'threshold', reaction: 'blocked', template: 'x'.repeat(512) }, rules(), 1_000);
    expect(long.cause.length).toBeLessThanOrEqual(256);
    expect(long.cause).not.toBe(alertOf('acme', { ...finding, template: `${'x'.repeat(511)}y` }, rules(), 1_000).cause);
    expect(long.title.length).toBeLessThanOrEqual(200);
    expect(long.details.template).toBeUndefined();
    expect(long.kind).toBe('template_block_threshold');
  });

  it('evaluate yesterday and today, each against the baseline of the days before it', async () => {
    const now = Date.parse('2026-11-03T15:00:00Z');
    const today = dayNumber('2026-11-03');
    const read: number[] = [];
    // 1,000 recipients a day at 0.5% opt-outs; yesterday's promo 2% (a jump), today's 1% (none).
    const found = await evaluateBusiness(rules(), K, now, async (day) => {
      read.push(day);
      if (day === today - 1) return [counts('promo', 200, 4)];
      if (day === today) return [counts('promo', 200, 2)];
      return [counts('daily', 1000, 5)];
    });
    expect(found).toMatchObject([{ rule: 'jump', template: 'promo', day: '2026-11-02', rate: 0.02, limit: 0.015 }]);
    expect(Math.min(...read)).toBe(today - 1 - 28);
    expect(read.filter((d) => d === today - 29)).toHaveLength(1);
  });

  it('read no baseline for a day without a template at the minimum', async () => {
    const read: number[] = [];
    expect(await evaluateBusiness(rules(), K, Date.parse('2026-11-03T15:00:00Z'), async (day) => {
      read.push(day);
      return [counts('promo', 20, 10)];
    })).toEqual([]);
    expect(read).toHaveLength(2);
  });
});
