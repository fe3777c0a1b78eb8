/**
 * The value figures of groups of customers (segments, or the members of a segment a strategy lever applies to): how
 * many, their expected orders and revenue over the horizon, the median customer's expected revenue and P(alive), how
 * many are more likely gone than active, and the revenue at stake, with Krinsky-Robb intervals for the totals.
 *
 * Revenue at stake of a customer: what she would bring over the horizon if still active, less what is expected of
 * her, E[revenue | alive] − E[revenue] = E[revenue] (1 − P(alive)) / P(alive) (a customer who has dropped out buys
 * nothing), as the churn watch (churn.ts).
 *
 * Intervals: for each kept draw of both models' parameters (interval.ts), every customer's expected revenue and
 * revenue at stake are recomputed; a group's 95% interval bounds the 2.5% and 97.5% quantiles of its totals over the
 * draws. Customers with the same (x, t_x, T) share their expected orders and P(alive): computed once per draw.
 */
import { quantileSorted } from "../stats/quantile.ts";
import { WATCH_P_ALIVE } from "./churn.ts";
import { interval95 } from "./interval.ts";
import { purchaseFunctions, type PurchaseModel } from "./predict.ts";
import type { CustomerSummary } from "./prepare.ts";
import type { CustomerValues } from "./types.ts";

/** The parameter draws of both models the intervals come from, draws with q <= 1 (no finite mean spend) left out. */
export interface ParameterDraws {
  model: PurchaseModel;
  /** per draw: (r, alpha, a, b) */
  purchase: number[][];
  /** per draw: (p, q, v), q > 1 */
  spend: number[][];
  /** draws left out because their q <= 1 */
  left_out: number;
  /** the horizon in the model's time unit */
  horizon: number;
}

/** One grouping of the customers: the group of each customer (-1: in none) and the number of groups. */
export interface Grouping {
  group: ArrayLike<number>;
  k: number;
}

/** Per draw: each group's expected revenue and revenue at stake, then (at index k) all customers'. */
export interface DrawTotals {
  revenue: Float64Array[];
  at_stake: Float64Array[];
}

/** Keeps the draws with a finite mean spend (q > 1), pairing purchase and spend draws in order. */
export function keptDraws(
  model: PurchaseModel,
  purchase: number[][],
  spend: number[][],
  horizon: number,
): ParameterDraws {
  const out: ParameterDraws = { model, purchase: [], spend: [], left_out: 0, horizon };
  for (let d = 0; d < Math.min(purchase.length, spend.length); d++) {
    if (!(spend[d][1] > 1)) {
      out.left_out++;
      continue;
    }
    out.purchase.push(purchase[d]);
    out.spend.push(spend[d]);
  }
  return out;
}

/** The per-draw totals of every grouping (one pass over the draws; see the module comment). */
export function drawTotals(draws: ParameterDraws, h: CustomerSummary, groupings: readonly Grouping[]): DrawTotals[] {
  const n = h.x.length;
  // customers with the same (x, t_x, T) share their expected orders and P(alive)
  const historyKey = new Map<string, number>();
  const historyOf = new Int32Array(n);
  const distinct: number[] = [];
  for (let i = 0; i < n; i++) {
    const key = `${h.x[i]}|${h.t_x[i]}|${h.T[i]}`;
    let u = historyKey.get(key);
    if (u === undefined) {
      u = distinct.length;
      distinct.push(i);
      historyKey.set(key, u);
    }
    historyOf[i] = u;
  }
  // the spend's inputs: customers without a positive mean repeat value get the population mean (x taken as 0)
  const xs = Float64Array.from(h.x, (x, i) => (h.mean_repeat_value[i] > 0 ? x : 0));
  const xm = Float64Array.from(xs, (x, i) => x * h.mean_repeat_value[i]);
  const f = purchaseFunctions(draws.model);
  const expectedOf = new Float64Array(distinct.length);
  const stakeFactorOf = new Float64Array(distinct.length);
  const out: DrawTotals[] = groupings.map(() => ({ revenue: [], at_stake: [] }));
  for (let d = 0; d < draws.purchase.length; d++) {
    const [r, alpha, a, b] = draws.purchase[d];
    const [p, q, v] = draws.spend[d];
    const params = { r, alpha, a, b };
    for (let u = 0; u < distinct.length; u++) {
      const i = distinct[u];
      expectedOf[u] = f.expected(params, h.x[i], h.t_x[i], h.T[i], draws.horizon);
      const alive = f.pAlive(params, h.x[i], h.t_x[i], h.T[i]);
      stakeFactorOf[u] = alive > 0 ? (1 - alive) / alive : 0;
    }
    const totals = groupings.map((g) => ({ revenue: new Float64Array(g.k + 1), at_stake: new Float64Array(g.k + 1) }));
    for (let i = 0; i < n; i++) {
      const u = historyOf[i];
      const rev = (expectedOf[u] * p * (v + xm[i])) / (p * xs[i] + q - 1);
      const stake = rev * stakeFactorOf[u];
      for (let gi = 0; gi < groupings.length; gi++) {
        const t = totals[gi];
        const k = groupings[gi].k;
        t.revenue[k] += rev;
        t.at_stake[k] += stake;
        const s = groupings[gi].group[i];
        if (s >= 0) {
          t.revenue[s] += rev;
          t.at_stake[s] += stake;
        }
      }
    }
    totals.forEach((t, gi) => {
      out[gi].revenue.push(t.revenue);
      out[gi].at_stake.push(t.at_stake);
    });
  }
  return out;
}

/** The value figures of one group (see the module comment). */
export interface GroupValue {
  customers: number;
  expected_orders: number;
  /** undiscounted, over the horizon, with its 95% interval (null without draws) */
  expected_revenue: number;
  expected_revenue_interval: [number, number] | null;
  /** the median member's expected revenue over the horizon and P(alive) (0 for an empty group) */
  median_expected_revenue: number;
  median_p_alive: number;
  /** members with P(alive) below one half (churn.ts' WATCH_P_ALIVE) */
  unlikely_alive: number;
  /** Σ E[revenue] (1 − P(alive)) / P(alive), with its 95% interval */
  at_stake: number;
  at_stake_interval: [number, number] | null;
}

function median(values: number[]): number {
  if (!values.length) return 0;
  return quantileSorted(Float64Array.from(values).sort(), 0.5);
}

/** The figures of every group of a grouping, from the point predictions and the per-draw totals (null: no draws). */
export function groupValues(values: CustomerValues, grouping: Grouping, totals: DrawTotals | null): GroupValue[] {
  const members: number[][] = Array.from({ length: grouping.k }, () => []);
  for (let i = 0; i < values.p_alive.length; i++) {
    const s = grouping.group[i];
    if (s >= 0) members[s].push(i);
  }
  const iv = (pick: Float64Array[] | undefined, s: number) =>
    pick && pick.length ? interval95(pick.map((t) => t[s])) : null;
  return members.map((m, s) => {
    const sum = (a: ArrayLike<number>) => m.reduce((t, i) => t + a[i], 0);
    const stake = m.reduce((t, i) => {
      const p = values.p_alive[i];
      return t + (p > 0 ? (values.expected_revenue[i] * (1 - p)) / p : 0);
    }, 0);
    return {
      customers: m.length,
      expected_orders: sum(values.expected_orders),
      expected_revenue: sum(values.expected_revenue),
      expected_revenue_interval: iv(totals?.revenue, s),
      median_expected_revenue: median(m.map((i) => values.expected_revenue[i])),
      median_p_alive: median(m.map((i) => values.p_alive[i])),
      unlikely_alive: m.filter((i) => values.p_alive[i] < WATCH_P_ALIVE).length,
      at_stake: stake,
      at_stake_interval: iv(totals?.at_stake, s),
    };
  });
}
