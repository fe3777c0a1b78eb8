/**
 * Small statistics for the report: revenue concentration (Lorenz curve, Gini, the smallest share of customers
 * making half the revenue), quantiles, and Pearson's chi-square test of independence with adjusted
 * standardised residuals. Pure functions on plain arrays; inputs are never modified. (Box-plot spreads of
 * line-level data are computed in SQL, aggregates.ts.)
 */

/**
 * Quantile of ascending-sorted values, linear interpolation between order statistics (R type 7, numpy's
 * default). NaN for an empty array.
 * @example quantileSorted([1, 2, 3, 4], 0.5) // 2.5
 */
export function quantileSorted(sorted: readonly number[], p: number): number {
  const n = sorted.length;
  if (!n) return NaN;
  const h = (n - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Median of (unsorted) values; NaN when empty. */
export function median(values: readonly number[]): number {
  return quantileSorted([...values].sort((a, b) => a - b), 0.5);
}

/** Arithmetic mean; NaN when empty. */
export function mean(values: readonly number[]): number {
  if (!values.length) return NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

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
  if (!n || total <= 0) return [[0, 0], [1, 1]];
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
    if (cum >= target * total * (1 - 1e-12)) return { customers: i + 1, customer_share: (i + 1) / n, revenue_share: cum / total, target };
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

/** ln Gamma(x) for x > 0 (Lanczos, g = 7, 9 terms). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularised upper incomplete gamma Q(a, x) (series below a + 1, continued fraction above). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return Math.max(0, 1 - sum * Math.exp(-x + a * Math.log(x) - logGamma(a)));
  }
  let b = x + 1 - a;
  let c = 1 / 1e-300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.min(1, Math.exp(-x + a * Math.log(x) - logGamma(a)) * h);
}

/** P(X >= x) for X chi-square distributed with `df` degrees of freedom. */
export function chiSquarePValue(x: number, df: number): number {
  return df > 0 ? gammaQ(df / 2, x / 2) : 1;
}

export interface ChiSquareResult {
  chi2: number;
  df: number;
  p: number;
  /** Cramér's V = sqrt(chi2 / (n * (min(rows, cols) - 1))) */
  cramers_v: number;
  n: number;
  /** adjusted standardised residuals (O - E) / sqrt(E (1 - row/n) (1 - col/n)), same shape as the table */
  residuals: number[][];
  /** share of cells with an expected count below 5 */
  small_expected_share: number;
}

/**
 * Pearson's chi-square test of independence on a contingency table (rows x columns of counts). Rows and
 * columns that are all zero are ignored for the degrees of freedom.
 */
export function chiSquareTest(table: readonly (readonly number[])[]): ChiSquareResult {
  const rows = table.map((r) => r.reduce((s, v) => s + v, 0));
  const cols = (table[0] ?? []).map((_, j) => table.reduce((s, r) => s + r[j], 0));
  const n = rows.reduce((s, v) => s + v, 0);
  const liveRows = rows.filter((v) => v > 0).length;
  const liveCols = cols.filter((v) => v > 0).length;
  let chi2 = 0;
  let small = 0;
  let cells = 0;
  const residuals = table.map((r, i) =>
    r.map((o, j) => {
      if (!rows[i] || !cols[j]) return 0;
      const e = (rows[i] * cols[j]) / n;
      cells++;
      if (e < 5) small++;
      chi2 += ((o - e) * (o - e)) / e;
      const v = e * (1 - rows[i] / n) * (1 - cols[j] / n);
      return v > 0 ? (o - e) / Math.sqrt(v) : 0;
    }),
  );
  const df = Math.max(0, (liveRows - 1) * (liveCols - 1));
  const m = Math.min(liveRows, liveCols) - 1;
  return {
    chi2,
    df,
    p: chiSquarePValue(chi2, df),
    cramers_v: n > 0 && m > 0 ? Math.sqrt(chi2 / (n * m)) : 0,
    n,
    residuals,
    small_expected_share: cells ? small / cells : 0,
  };
}

/** Rounds to `digits` decimals (NaN and infinities become null-safe 0). */
export function round(x: number, digits = 2): number {
  if (!Number.isFinite(x)) return 0;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
