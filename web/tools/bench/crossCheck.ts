/**
 * Whether PostgreSQL computed the same numbers as our report API: the ratio only means something
 * when both did the same work. Compares the overview's figures per business; a figure our API
 * suppressed (null) is skipped.
 */

export interface CrossCheck {
  compared: number;
  mismatches: string[];
}

interface OverviewRow {
  business: string;
  conversations: number | null;
  customer_initiated: number | null;
  frt_median_s: number | null;
  frt_bh_median_s: number | null;
  response_rate_24h: number | null;
  block_rate: number | null;
}

type PgRow = Record<string, unknown>;

const number = (value: unknown) => (value === null || value === undefined ? null : Number(value));

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}

export function crossCheckOverview(ours: { businesses: OverviewRow[] }, response: PgRow[], engagement: PgRow[]): CrossCheck {
  const check: CrossCheck = { compared: 0, mismatches: [] };
  for (const row of ours.businesses) {
    const r = response.find((x) => x.business === row.business);
    const e = engagement.find((x) => x.business === row.business);
    const messaged = number(e?.messaged_customers);
    const theirs: Record<string, number | null> = {
      conversations: number(e?.conversations) ?? 0,
      customer_initiated: number(r?.customer_initiated) ?? 0,
      frt_median_s: number(r?.frt_median_s),
      frt_bh_median_s: number(r?.frt_bh_median_s),
      response_rate_24h: number(r?.response_rate_24h),
      block_rate: messaged ? number(e?.blocked)! / messaged : null,
    };
    for (const [name, value] of Object.entries(theirs)) {
      const mine = row[name as keyof OverviewRow] as number | null;
      if (mine === null) continue;
      check.compared += 1;
      if (value === null || !close(mine, value)) check.mismatches.push(`${row.business} ${name}: ours ${mine}, PostgreSQL ${value}`);
    }
  }
  return check;
}
