/**
 * Per-segment value figures from per-customer predictions under saved parameters (`npm run score`'s summary.json
 * `value`): sums and medians only, no interval (model.json keeps the parameters, not their covariance, so the
 * Krinsky-Robb intervals of the pipeline's value stage cannot be drawn again). Customers without figures (no purchase
 * before the scoring snapshot: `included` 0) count as members but add nothing.
 */
import { quantileSorted } from "../stats/quantile.ts";
import type { CustomerValues, ValueModel } from "./types.ts";

export interface SegmentValueFigures {
  segment: string;
  customers: number;
  /** members with figures (a purchase before the snapshot) */
  with_figures: number;
  expected_orders: number;
  /** undiscounted, over the model's horizon */
  expected_revenue: number;
  /** per member with figures */
  mean_expected_revenue: number;
  clv: number;
  p_alive_median: number;
  /** members with P(alive) below one half */
  likely_inactive: number;
}

export interface ScoredValue {
  /** the saved models' identity: which purchase model, fitted through which day, over what horizon */
  model: ValueModel["model"];
  fitted_through: string;
  horizon_days: number;
  annual_discount_rate: number;
  /** the day the histories end (the day before the scoring snapshot) */
  observation_end: string;
  totals: Omit<SegmentValueFigures, "segment">;
  segments: SegmentValueFigures[];
}

function figures(members: readonly number[], values: CustomerValues, included: Uint8Array | null) {
  const scored = included ? members.filter((i) => included[i]) : [...members];
  const sum = (a: ArrayLike<number>) => scored.reduce((t, i) => t + a[i], 0);
  const alive = Float64Array.from(scored, (i) => values.p_alive[i]).sort();
  const expected = sum(values.expected_revenue);
  return {
    customers: members.length,
    with_figures: scored.length,
    expected_orders: sum(values.expected_orders),
    expected_revenue: expected,
    mean_expected_revenue: scored.length ? expected / scored.length : 0,
    clv: sum(values.clv),
    p_alive_median: alive.length ? quantileSorted(alive, 0.5) : 0,
    likely_inactive: scored.filter((i) => values.p_alive[i] < 0.5).length,
  };
}

/** The value figures per segment (`cluster` per customer indexes `names`) and in total. */
export function valueBySegment(
  model: ValueModel,
  observationEnd: string,
  values: CustomerValues,
  included: Uint8Array | null,
  cluster: ArrayLike<number>,
  names: readonly string[],
): ScoredValue {
  const members: number[][] = names.map(() => []);
  for (let i = 0; i < cluster.length; i++) members[cluster[i]].push(i);
  const all = Array.from({ length: cluster.length }, (_, i) => i);
  return {
    model: model.model,
    fitted_through: model.fitted_through,
    horizon_days: model.horizon_days,
    annual_discount_rate: model.annual_discount_rate,
    observation_end: observationEnd,
    totals: figures(all, values, included),
    segments: names.map((segment, j) => ({ segment, ...figures(members[j], values, included) })),
  };
}
