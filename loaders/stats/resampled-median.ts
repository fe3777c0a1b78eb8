/**
 * Medians of bootstrap resamples without building the resamples: the values are ranked once (their distinct
 * values sorted, each value coded by its rank), and a resample only counts how often each distinct value is drawn;
 * the median is then read off the counts. The draws are the ones a resample built value by value takes
 * (`values[rng.int(n)]`, n times, in order: `rng.ints`), and the median has the same bits as `medianInPlace` over
 * that resample (the same two order statistics, combined by the same formula), in O(n + distinct values) per
 * resample and without reordering anything. The stratified resamples of the behaviour intervals
 * (report/order-intervals.ts) take several medians of each resample this way.
 */
/** Values coded by rank: `distinct` ascending, and `codes[i]` the index of value i in it. */
export interface Ranked {
  distinct: Float64Array;
  codes: Int32Array;
}

/**
 * The ranks of `values`; null when they hold a NaN or a negative zero (the selection `medianInPlace` makes may
 * then give another value than the ranks say: the caller resamples the values themselves).
 */
export function rank(values: ArrayLike<number>): Ranked | null {
  const n = values.length;
  for (let i = 0; i < n; i++) if (Number.isNaN(values[i]) || Object.is(values[i], -0)) return null;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const codes = new Int32Array(n);
  const distinct: number[] = [];
  for (const i of order) {
    if (!distinct.length || distinct[distinct.length - 1] !== values[i]) distinct.push(values[i]);
    codes[i] = distinct.length - 1;
  }
  return { distinct: Float64Array.from(distinct), codes };
}

/**
 * The type-7 median of `m` values given as counts per distinct value (`counts[u]` copies of `distinct[u]`): what
 * `medianInPlace` gives for those values in any order; NaN when m is 0.
 */
export function medianOfCounts(counts: Int32Array, distinct: Float64Array, m: number): number {
  if (m === 0) return NaN;
  const h = (m - 1) / 2;
  const lo = Math.floor(h);
  // the lo-th order statistic (from 0): the first distinct value whose cumulative count passes lo
  let u = 0;
  let seen = counts[0];
  while (seen <= lo) seen += counts[++u];
  const low = distinct[u];
  if (lo === h) return low;
  // the next order statistic: the same value when it was drawn more often, else the next value drawn
  if (seen <= lo + 1) {
    u++;
    while (counts[u] === 0) u++;
  }
  const next = distinct[u];
  return low + (next - low) / 2;
}
