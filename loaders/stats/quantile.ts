/** Order statistics on numeric samples: sorting, type-7 quantiles, medians and mid-rank percentiles. */
import { quantileSorted as typeSevenQuantile } from "simple-statistics";

/** A sorted (ascending) copy as a Float64Array; the input is left untouched. */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/**
 * The ascending `sorted` without the values of `part`, itself ascending and a sub-multiset of `sorted` (a group's
 * values taken out of everyone's): one pass, no sort. Values are matched by Object.is, the identity the typed arrays'
 * sort orders by (-0 before 0, NaN last), so the result is what sorting the remaining values gives.
 */
export function sortedWithout(sorted: Float64Array, part: Float64Array): Float64Array {
  if (part.length > sorted.length) throw new Error("sortedWithout: part is not a sub-multiset of sorted");
  const out = new Float64Array(sorted.length - part.length);
  let p = 0;
  let o = 0;
  // a value of `part` missing from `sorted` leaves more values than `out` holds (a typed array ignores writes past
  // its end) and fewer matched than `part` has: the one check after the loop catches both
  for (let i = 0; i < sorted.length; i++) {
    if (p < part.length && Object.is(sorted[i], part[p])) p++;
    else out[o++] = sorted[i];
  }
  if (p !== part.length) throw new Error("sortedWithout: part is not a sub-multiset of sorted");
  return out;
}

/**
 * The p-quantile (0 <= p <= 1) of an ascending sample by Hyndman & Fan type 7, the default of R, numpy
 * (`linear`) and simple-statistics >= 7 (pinned at 7.12.1, which computes it): h = (n - 1) p, linear
 * interpolation between the order statistics around h. NaN for an empty sample.
 * @example quantileSorted(Float64Array.of(1, 2, 3, 4), 0.5) // 2.5
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  // simple-statistics only reads `length` and indices, so a typed array needs no copy
  return typeSevenQuantile(sorted as unknown as number[], p);
}

/** The median (type 7, i.e. the usual midpoint rule for even n) of an unsorted sample. */
export function median(values: ArrayLike<number>): number {
  return quantileSorted(sortedCopy(values), 0.5);
}

/** The arithmetic mean; NaN for an empty sample. */
export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return values.length ? s / values.length : NaN;
}

/**
 * Sample skewness, the Fisher-Pearson coefficient g1 = m3 / m2^1.5 with population moments (scipy.stats.skew with
 * its default bias=True); 0 for a constant column.
 */
export function skewness(values: ArrayLike<number>): number {
  const n = values.length;
  if (!n) return NaN;
  const m = mean(values);
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - m;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  // a spread that is rounding noise against the values is no spread (as scipy, which returns 0 there)
  return m2 > (1e-14 * Math.max(1, Math.abs(m))) ** 2 ? m3 / m2 ** 1.5 : 0;
}

/** Number of elements of an ascending sample strictly below x (binary search). */
export function countBelow(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of elements of an ascending sample at or below x (binary search). */
export function countAtOrBelow(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Mid-rank percentile of x in an ascending sample: (#below + #equal / 2) / n, in [0, 1]. Ties share one value,
 * so a heavily tied value (1 order) sits in the middle of its block rather than at its top or bottom.
 * @example midrankPercentile(Float64Array.of(1, 1, 2, 3), 1) // 0.25
 */
export function midrankPercentile(sorted: ArrayLike<number>, x: number): number {
  const below = countBelow(sorted, x);
  const atOrBelow = countAtOrBelow(sorted, x);
  return (below + (atOrBelow - below) / 2) / sorted.length;
}

/** Values grouped by label: one ascending Float64Array per label 0..k-1 (a counting sort, then a sort per group). */
export function groupSorted(values: ArrayLike<number>, labels: ArrayLike<number>, k: number): Float64Array[] {
  const groups = groupValues(values, labels, k);
  for (const g of groups) g.sort();
  return groups;
}

/** Values grouped by label, in input order within each group. */
export function groupValues(values: ArrayLike<number>, labels: ArrayLike<number>, k: number): Float64Array[] {
  const counts = new Int32Array(k);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  const groups = Array.from({ length: k }, (_, j) => new Float64Array(counts[j]));
  const fill = new Int32Array(k);
  for (let i = 0; i < labels.length; i++) groups[labels[i]][fill[labels[i]]++] = values[i];
  return groups;
}

/**
 * Rearranges `a` so that a[kth] is the value a full sort would put there, smaller-or-equal values before it and
 * larger-or-equal after (quickselect, median-of-three pivots); returns a[kth]. O(n) on average, in place.
 */
export function selectInPlace(a: Float64Array, kth: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // median of three to a[mid]
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (kth <= j) hi = j;
    else if (kth >= i) lo = i;
    else break;
  }
  return a[kth];
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/** The type-7 median of a sample by selection instead of sorting; reorders `a` (pass a copy to keep it). */
export function medianInPlace(a: Float64Array): number {
  const m = a.length;
  if (m === 0) return NaN;
  const h = (m - 1) / 2;
  const lo = Math.floor(h);
  const low = selectInPlace(a, lo);
  if (lo === h) return low;
  let next = Infinity;
  for (let i = lo + 1; i < m; i++) if (a[i] < next) next = a[i];
  return low + (next - low) / 2;
}
