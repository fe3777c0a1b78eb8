/**
 * Revenue concentration for the report: Lorenz curve, Gini, the smallest share of customers making half the
 * revenue, the top share. Pure functions on plain arrays; inputs are never modified. (Quantiles are in
 * quantile.ts, tests of independence in tests.ts.)
 */

/**
 * Gini coefficient of non-negative values (0 = everyone equal, -> 1 = one holds everything):
 * G = 2 * sum(i * x_(i)) / (n * sum(x)) - (n + 1) / n, with x ascending and i = 1..n. 0 when the sum is 0.
 * @example gini([0, 0, 0, 1]) // 0.75
 */
export function gini(values: readonly number[]): number {
  const sorted = values.map((v) => Math.max(0, v)).sort((a, b) => a - b);
  const n = sorted.length;
  let total = 0;
  let weighted = 0;
  sorted.forEach((v, i) => {
    total += v;
    weighted += (i + 1) * v;
  });
  if (!n || total <= 0) return 0;
  return (2 * weighted) / (n * total) - (n + 1) / n;
}

/**
 * Lorenz curve points [share of customers, share of revenue], customers sorted from the smallest spender,
 * starting at [0, 0] and ending at [1, 1]; at most `maxPoints` points (evenly spaced in customer rank, the
 * last point always kept), rounded to 4 decimals.
 */
export function lorenzCurve(values: readonly number[], maxPoints = 201): [number, number][] {
  const sorted = values.map((v) => Math.max(0, v)).sort((a, b) => a - b);
  const n = sorted.length;
  const total = sorted.reduce((s, v) => s + v, 0);
  if (!n || total <= 0)
    return [
      [0, 0],
      [1, 1],
    ];
  const cum = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) cum[i + 1] = cum[i] + sorted[i];
  const steps = Math.min(n, Math.max(1, maxPoints - 1));
  const points: [number, number][] = [];
  for (let s = 0; s <= steps; s++) {
    const i = Math.round((s * n) / steps);
    points.push([round(i / n, 4), round(cum[i] / total, 4)]);
  }
  return points;
}

export interface Concentration {
  /** the fewest top customers whose revenue reaches `target` of the total */
  customers: number;
  customer_share: number;
  /** the revenue share those customers actually make (>= target) */
  revenue_share: number;
  target: number;
}

/**
 * The smallest group of top spenders generating at least `target` (default half) of revenue.
 * @example minimalShareFor([10, 5, 3, 1, 1], 0.5) // { customers: 1, customer_share: 0.2, revenue_share: 0.5, target: 0.5 }
 */
export function minimalShareFor(values: readonly number[], target = 0.5): Concentration {
  const sorted = values.map((v) => Math.max(0, v)).sort((a, b) => b - a);
  const total = sorted.reduce((s, v) => s + v, 0);
  const n = sorted.length;
  if (!n || total <= 0) return { customers: 0, customer_share: 0, revenue_share: 0, target };
  let cum = 0;
  for (let i = 0; i < n; i++) {
    cum += sorted[i];
    // a relative tolerance so that exact halves are not lost to rounding
    if (cum >= target * total * (1 - 1e-12))
      return { customers: i + 1, customer_share: (i + 1) / n, revenue_share: cum / total, target };
  }
  return { customers: n, customer_share: 1, revenue_share: 1, target };
}

/**
 * Revenue share of the top `share` of customers (their number rounded to the nearest whole customer, at
 * least one).
 * @example topShare([10, 5, 3, 1, 1], 0.2) // 0.5
 */
export function topShare(values: readonly number[], share = 0.2): number {
  const sorted = values.map((v) => Math.max(0, v)).sort((a, b) => b - a);
  const total = sorted.reduce((s, v) => s + v, 0);
  if (!sorted.length || total <= 0) return 0;
  const count = Math.max(1, Math.round(share * sorted.length));
  return sorted.slice(0, count).reduce((s, v) => s + v, 0) / total;
}

/** Rounds to `digits` decimals (NaN and infinities become null-safe 0). */
export function round(x: number, digits = 2): number {
  if (!Number.isFinite(x)) return 0;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
