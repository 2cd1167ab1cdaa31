import { createHash } from 'node:crypto';
import type { AlertRules } from '../../db/alertRules';
import type { NewAlert } from '../../db/alerts';
import { dateOfDay } from '../period';

/**
 * The alert rules (docs/metrics.md#alerts): per business, each UTC day D looked at and each
 * template sent that day, the 24-hour opt-out and block rates of D's sends (attributed as in the
 * campaigns report) against a threshold, and against the business's baseline over the days before
 * D (the jump rule). Pure: the counts come in, the alerts to fire go out.
 */

export const DEFAULT_JUMP_FACTOR = 3;
export const DEFAULT_MIN_RECIPIENTS = 100;
export const DEFAULT_BASELINE_DAYS = 28;
// Without a floor, a business whose baseline is 0 would fire on a single opt-out: a jump is
// measured against at least 0.2% (2 in 1,000 recipients).
export const DEFAULT_BASELINE_FLOOR = 0.002;

/** The rules of a business that set none: the jump rule on, thresholds off; min_recipients never below k. */
export function defaultAlertRules(k: number): AlertRules {
  return {
    enabled: true,
    thresholds: { opt_out_rate_24h: null, block_rate_24h: null },
    jump: { factor: DEFAULT_JUMP_FACTOR, min_recipients: Math.max(DEFAULT_MIN_RECIPIENTS, k), baseline_days: DEFAULT_BASELINE_DAYS, baseline_floor: DEFAULT_BASELINE_FLOOR },
  };
}

/** Whether any rule can fire. */
export const rulesInEffect = (rules: AlertRules) =>
  rules.enabled && (rules.jump.factor !== null || rules.thresholds.opt_out_rate_24h !== null || rules.thresholds.block_rate_24h !== null);

/** A template's sends of one day (or a business's over days): distinct recipients and the 24-hour reactions attributed. */
export interface ReactionCounts {
  recipients: number;
  opted_out_24h: number;
  blocked_24h: number;
}

export type TemplateCounts = ReactionCounts & { template: string };

const REACTIONS = [
  { reaction: 'opted_out', count: 'opted_out_24h', threshold: 'opt_out_rate_24h', kind: 'opt_out', noun: 'Opt-outs' },
  { reaction: 'blocked', count: 'blocked_24h', threshold: 'block_rate_24h', kind: 'block', noun: 'Blocks' },
] as const;

export type Reaction = (typeof REACTIONS)[number]['reaction'];

/** One rule that a template's day broke. */
export interface Finding {
  rule: 'jump' | 'threshold';
  reaction: Reaction;
  template: string;
  /** The UTC day of the sends, YYYY-MM-DD. */
  day: string;
  recipients: number;
  rate: number;
  /** The business's rate over the baseline days (null: no sends then). */
  baseline: number | null;
  /** The rate the template's rate went above. */
  limit: number;
}

/** The campaigns report's rows of one day (per template, category, campaign) summed per template. */
export function perTemplate(rows: readonly Record<string, unknown>[]): TemplateCounts[] {
  const byTemplate = new Map<string, TemplateCounts>();
  for (const row of rows) {
    const template = String(row.template);
    const sum = byTemplate.get(template) ?? { template, recipients: 0, opted_out_24h: 0, blocked_24h: 0 };
    sum.recipients += Number(row.recipients);
    sum.opted_out_24h += Number(row.opted_out_24h);
    sum.blocked_24h += Number(row.blocked_24h);
    byTemplate.set(template, sum);
  }
  return [...byTemplate.values()];
}

/** Every template's counts of the baseline days added up: the business's recipients and reactions. */
export function summed(days: readonly (readonly ReactionCounts[])[]): ReactionCounts {
  const total = { recipients: 0, opted_out_24h: 0, blocked_24h: 0 };
  for (const counts of days.flat()) {
    total.recipients += counts.recipients;
    total.opted_out_24h += counts.opted_out_24h;
    total.blocked_24h += counts.blocked_24h;
  }
  return total;
}

/** The rules a day's templates broke, given the business's baseline. */
export function findingsOf(rules: AlertRules, k: number, day: string, templates: readonly TemplateCounts[], baseline: ReactionCounts): Finding[] {
  if (!rules.enabled) return [];
  // A rate resting on fewer than k recipients is never shown, so it never fires either.
  const minRecipients = Math.max(rules.jump.min_recipients, k);
  const findings: Finding[] = [];
  for (const t of templates) {
    if (t.recipients < minRecipients) continue;
    for (const r of REACTIONS) {
      const rate = t[r.count] / t.recipients;
      const base = baseline.recipients === 0 ? null : baseline[r.count] / baseline.recipients;
      const at = { reaction: r.reaction, template: t.template, day, recipients: t.recipients, rate, baseline: base };
      const threshold = rules.thresholds[r.threshold];
      if (threshold !== null && rate > threshold) findings.push({ rule: 'threshold', ...at, limit: threshold });
      if (rules.jump.factor !== null) {
        const limit = rules.jump.factor * Math.max(base ?? 0, rules.jump.baseline_floor);
        if (rate > limit) findings.push({ rule: 'jump', ...at, limit });
      }
    }
  }
  return findings;
}

// An alert's cause holds at most 256 characters, its title 200, a detail 128: a template name
// (up to 512) longer than fits is cut and, in the cause, told apart by a hash of the whole name.
const causeTemplate = (template: string) =>
  template.length <= 200 ? template : `${template.slice(0, 180)}~${createHash('sha256').update(template).digest('hex').slice(0, 16)}`;
const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

const percent = (rate: number) => `${(rate * 100).toFixed(rate < 0.1 ? 2 : 1)}%`;

/** The alert a finding fires: once per business, rule, template, reaction and day (its cause). */
export function alertOf(business: string, finding: Finding, rules: AlertRules, firedAtMs: number): NewAlert {
  const r = REACTIONS.find((x) => x.reaction === finding.reaction)!;
  const what = finding.rule === 'jump'
    ? `jumped to ${percent(finding.rate)} (${rules.jump.factor}× the baseline)`
    : `above the threshold: ${percent(finding.rate)} > ${percent(finding.limit)}`;
  return {
    business,
    kind: `template_${r.kind}_${finding.rule}`,
    cause: `${finding.rule}:${causeTemplate(finding.template)}:${finding.reaction}:${finding.day}`,
    title: cut(`${r.noun} ${what} after ${finding.template} on ${finding.day}`, 200),
    details: {
      rule: finding.rule,
      reaction: finding.reaction,
      ...(finding.template.length <= 128 ? { template: finding.template } : {}),
      day: finding.day,
      rate: finding.rate,
      baseline: finding.baseline,
      limit: finding.limit,
      recipients: finding.recipients,
      min_recipients: rules.jump.min_recipients,
      ...(finding.rule === 'jump' ? { factor: rules.jump.factor, baseline_days: rules.jump.baseline_days, baseline_floor: rules.jump.baseline_floor } : {}),
    },
    firedAtMs,
  };
}

/** A day's template counts (the campaigns report's rows of that UTC day, per template). */
export type ReadDay = (day: number) => Promise<TemplateCounts[]>;

/** The UTC days looked at on each evaluation: yesterday (its late reactions) and today. */
export const daysLookedAt = (nowMs: number): number[] => {
  const today = Math.floor(nowMs / 86_400_000);
  return [today - 1, today];
};

/** What a business's rules find on the days looked at at nowMs: each day against the baseline of the days before it. */
export async function evaluateBusiness(rules: AlertRules, k: number, nowMs: number, readDay: ReadDay): Promise<Finding[]> {
  if (!rulesInEffect(rules)) return [];
  const findings: Finding[] = [];
  for (const day of daysLookedAt(nowMs)) {
    const templates = await readDay(day);
    if (!templates.some((t) => t.recipients >= Math.max(rules.jump.min_recipients, k))) continue;
    const baselineDays: TemplateCounts[][] = [];
    for (let d = day - rules.jump.baseline_days; d < day; d++) baselineDays.push(await readDay(d));
    findings.push(...findingsOf(rules, k, dateOfDay(day), templates, summed(baselineDays)));
  }
  return findings;
}
