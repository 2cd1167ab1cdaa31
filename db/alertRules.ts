import { eq } from 'drizzle-orm';
import { alertRules, businesses } from './schema';
import type { RegistryStore } from './store';

// The alert rules a business set (table alert_rules of db/schema.ts): one JSON document per
// business, validated by the API before it is stored. A business without a row gets the defaults
// of reports/alerts/alertRules.ts. Written with drizzle's query builder: DuckDB and PostgreSQL alike.

export interface AlertRules {
  /** false: no alert fires for the business. */
  enabled: boolean;
  /** A template's 24-hour rate above which an alert fires; null: no threshold. */
  thresholds: { opt_out_rate_24h: number | null; block_rate_24h: number | null };
  jump: {
    /** A template's rate above factor × the business's baseline fires; null: no jump rule. */
    factor: number | null;
    /** Recipients a template needs on the day before any rule looks at it (thresholds too). */
    min_recipients: number;
    /** The days before the day looked at that make the baseline. */
    baseline_days: number;
    /** The least baseline a jump is measured against (a rate, e.g. 0.002). */
    baseline_floor: number;
  };
}

export interface StoredAlertRules {
  rules: AlertRules;
  updatedAt: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
// Both engines hand a timestamptz back as text such as `2026-11-01 09:00:00+00`.
const isoOf = (text: string) => new Date(Date.parse(text)).toISOString();

/** Sets (or replaces) the business's rules; false when the business is not registered. */
export async function setAlertRules(store: RegistryStore, business: string, rules: AlertRules, atMs: number): Promise<boolean> {
  return store.transaction(async (db) => {
    const [known] = await db.select({ id: businesses.id }).from(businesses).where(eq(businesses.id, business));
    if (!known) return false;
    const row = { rules, updatedAt: iso(atMs) };
    await db.insert(alertRules).values({ business, ...row }).onConflictDoUpdate({ target: alertRules.business, set: row });
    return true;
  });
}

/** The rules the business set; undefined when it set none. */
export async function getAlertRules(store: RegistryStore, business: string): Promise<StoredAlertRules | undefined> {
  const [row] = await store.exclusive((db) => db.select().from(alertRules).where(eq(alertRules.business, business)));
  return row && { rules: row.rules as AlertRules, updatedAt: isoOf(row.updatedAt) };
}

/** Every business's set rules, by business. */
export async function listAlertRules(store: RegistryStore): Promise<Map<string, AlertRules>> {
  const rows = await store.exclusive((db) => db.select({ business: alertRules.business, rules: alertRules.rules }).from(alertRules));
  return new Map(rows.map((row) => [row.business, row.rules as AlertRules]));
}
