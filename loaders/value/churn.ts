/**
 * The churn watch: customers of high value (historic revenue in the top quarter) whose probability of being active
 * has fallen below one half. How many, the revenue they brought, their segment mix and the expected revenue at stake
 * over the horizon: what they would bring if active, less what is expected of them,
 * E[revenue | alive] − E[revenue] = E[revenue] (1 − P(alive)) / P(alive) (a customer who has dropped out buys nothing).
 */
import { quantileSorted } from "../stats/quantile.ts";

/** historic revenue quantile from which a customer counts as high value */
export const HIGH_VALUE_QUANTILE = 0.75;
/** P(alive) below which a high-value customer is on the watch */
export const WATCH_P_ALIVE = 0.5;

export interface ChurnWatchRow {
  customer_id: string;
  segment: string;
  revenue: number;
  p_alive: number;
  value_at_stake: number;
}

export interface ChurnWatch {
  high_value_threshold: number;
  p_alive_threshold: number;
  high_value_customers: number;
  customers: number;
  /** of the high-value customers */
  share: number;
  revenue: number;
  /** of all customers' revenue */
  revenue_share: number;
  expected_revenue_at_stake: number;
  /** customers on the watch per segment, largest first (ties by name) */
  segments: { segment: string; customers: number; revenue: number; value_at_stake: number }[];
}

/** The watch over customers aligned arrays; `rows` ranked by value at stake (ties by id). */
export function churnWatch(c: {
  ids: readonly string[];
  segment: readonly string[];
  revenue: ArrayLike<number>;
  p_alive: ArrayLike<number>;
  expected_revenue: ArrayLike<number>;
}): { summary: ChurnWatch; rows: ChurnWatchRow[] } {
  const n = c.ids.length;
  const sorted = Float64Array.from(c.revenue).sort();
  const threshold = n ? quantileSorted(sorted, HIGH_VALUE_QUANTILE) : 0;
  let total = 0;
  let high = 0;
  const rows: ChurnWatchRow[] = [];
  for (let i = 0; i < n; i++) {
    total += c.revenue[i];
    if (c.revenue[i] < threshold) continue;
    high++;
    const p = c.p_alive[i];
    if (!(p < WATCH_P_ALIVE)) continue;
    rows.push({
      customer_id: c.ids[i],
      segment: c.segment[i],
      revenue: c.revenue[i],
      p_alive: p,
      value_at_stake: p > 0 ? (c.expected_revenue[i] * (1 - p)) / p : 0,
    });
  }
  rows.sort((a, b) => b.value_at_stake - a.value_at_stake || (a.customer_id < b.customer_id ? -1 : 1));
  const bySegment = new Map<string, { customers: number; revenue: number; value_at_stake: number }>();
  for (const r of rows) {
    const s = bySegment.get(r.segment) ?? { customers: 0, revenue: 0, value_at_stake: 0 };
    s.customers++;
    s.revenue += r.revenue;
    s.value_at_stake += r.value_at_stake;
    bySegment.set(r.segment, s);
  }
  const revenue = rows.reduce((s, r) => s + r.revenue, 0);
  return {
    summary: {
      high_value_threshold: threshold,
      p_alive_threshold: WATCH_P_ALIVE,
      high_value_customers: high,
      customers: rows.length,
      share: high ? rows.length / high : 0,
      revenue,
      revenue_share: total > 0 ? revenue / total : 0,
      expected_revenue_at_stake: rows.reduce((s, r) => s + r.value_at_stake, 0),
      segments: [...bySegment]
        .map(([segment, s]) => ({ segment, ...s }))
        .sort((a, b) => b.customers - a.customers || (a.segment < b.segment ? -1 : 1)),
    },
    rows,
  };
}
