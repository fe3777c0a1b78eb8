/**
 * Each segment's value figures (the report's per-segment rows): customers, historic revenue, expected orders and
 * revenue over the horizon, the mean against the rest of the customers, CLV quantiles and the median P(alive).
 * One builder for a fit, whose parameter draws give the intervals, and for a saved model, which has none.
 */
import { quantileSorted } from "../stats/quantile.ts";
import type { CustomerValues, Quantiles, SegmentValue } from "./types.ts";

/** The 5th to 95th percentiles and the mean of `values` (zeros when there are none). */
export function quantiles(values: number[]): Quantiles {
  const s = Float64Array.from(values).sort();
  const q = (p: number) => (s.length ? quantileSorted(s, p) : 0);
  const mean = s.length ? s.reduce((t, x) => t + x, 0) / s.length : 0;
  return { p05: q(0.05), p10: q(0.1), p25: q(0.25), p50: q(0.5), p75: q(0.75), p90: q(0.9), p95: q(0.95), mean };
}

/**
 * A 95% interval of a figure computed from one parameter draw's expected revenue per segment (`t[s]` for segment
 * s, `t[k]` for all customers), or null where there are no draws.
 */
export type DrawInterval = (pick: (t: Float64Array) => number) => [number, number] | null;

/** Each segment's index per customer (-1 for a segment not listed) and the segments' sizes. */
export function segmentIndex(
  segment: readonly string[],
  segments: readonly string[],
): { segOf: Int32Array; counts: Float64Array } {
  const index = new Map(segments.map((s, i) => [s, i]));
  const segOf = Int32Array.from(segment, (s) => index.get(s) ?? -1);
  const counts = new Float64Array(segments.length);
  for (const s of segOf) if (s >= 0) counts[s]++;
  return { segOf, counts };
}

/** The per-segment value figures of `segments` (segment name per customer in `segment`, aligned with `values`). */
export function segmentValues(
  input: { segment: readonly string[]; segments: readonly string[]; revenue: ArrayLike<number> },
  values: CustomerValues,
  interval: DrawInterval,
): SegmentValue[] {
  const n = values.expected_revenue.length;
  const k = input.segments.length;
  const { segOf, counts } = segmentIndex(input.segment, input.segments);
  const total = values.expected_revenue.reduce((t, x) => t + x, 0);
  const meanOf = (t: number, c: number) => (c > 0 ? t / c : 0);
  return input.segments.map((segment, s) => {
    const members = [...segOf.keys()].filter((i) => segOf[i] === s);
    const sum = (a: ArrayLike<number>) => members.reduce((t, i) => t + a[i], 0);
    const expected_revenue = sum(values.expected_revenue);
    const rest = n - members.length;
    const difference = meanOf(expected_revenue, members.length) - meanOf(total - expected_revenue, rest);
    const diffInterval =
      rest > 0 ? interval((t) => meanOf(t[s], counts[s]) - meanOf(t[k] - t[s], n - counts[s])) : null;
    const pAlive = Float64Array.from(members, (i) => values.p_alive[i]).sort();
    return {
      segment,
      customers: members.length,
      revenue: sum(input.revenue),
      expected_orders: sum(values.expected_orders),
      expected_revenue,
      expected_revenue_interval: interval((t) => t[s]),
      mean_expected_revenue: meanOf(expected_revenue, members.length),
      mean_expected_revenue_interval: interval((t) => meanOf(t[s], counts[s])),
      difference_from_rest: difference,
      difference_from_rest_interval: diffInterval,
      separated: diffInterval && diffInterval[0] > 0 ? "higher" : diffInterval && diffInterval[1] < 0 ? "lower" : null,
      clv: sum(values.clv),
      clv_quantiles: quantiles(members.map((i) => values.clv[i])),
      p_alive_median: pAlive.length ? quantileSorted(pAlive, 0.5) : 0,
      likely_inactive: members.filter((i) => values.p_alive[i] < 0.5).length,
    };
  });
}
