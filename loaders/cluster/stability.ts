/**
 * Agreement between labellings (adjusted Rand index) and bootstrap stability of a k-means solution.
 *
 * Stability: `runs` resamples of STABILITY_SAMPLE customers (or all n when n is smaller) drawn with replacement
 * (seeds deriveSeed(seed, 0xb007, run)); each is clustered by the same method with the same k and settings as the
 * full fit, and its labels are compared with the full solution's labels of the same drawn points by ARI (invariant to
 * label numbering). Mean and sample sd over runs are reported. Capping the resample size keeps the check
 * O(runs x 5000) whatever n, at the price of testing stability at that sample size.
 */
import { checkpoint } from "../interrupt.ts";
import type { ClusterMethod } from "./method.ts";
import { type Matrix, takeRows } from "./matrix.ts";
import { deriveSeed, Rng, sampleWithReplacement } from "../stats/random.ts";

export const STABILITY_SAMPLE = 5000;

/** Dense 0..m-1 codes for arbitrary labels (in order of first appearance) and the number of codes. */
function encode(labels: ArrayLike<number | string>): { codes: Int32Array; count: number } {
  const map = new Map<number | string, number>();
  const codes = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    let c = map.get(labels[i]);
    if (c === undefined) map.set(labels[i], (c = map.size));
    codes[i] = c;
  }
  return { codes, count: map.size };
}

/**
 * Adjusted Rand index of two labellings of the same items (scikit-learn's `adjusted_rand_score`, via the pair
 * confusion matrix): 1 for identical partitions up to renaming, ~0 for independent ones.
 * @example adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0]) // 1
 */
export function adjustedRandIndex(a: ArrayLike<number | string>, b: ArrayLike<number | string>): number {
  if (a.length !== b.length) throw new RangeError(`adjustedRandIndex: ${a.length} vs ${b.length} labels`);
  const n = a.length;
  const ea = encode(a);
  const eb = encode(b);
  const cells = new Map<number, number>();
  const rowSums = new Float64Array(ea.count);
  const colSums = new Float64Array(eb.count);
  for (let i = 0; i < n; i++) {
    const key = ea.codes[i] * eb.count + eb.codes[i];
    cells.set(key, (cells.get(key) ?? 0) + 1);
    rowSums[ea.codes[i]]++;
    colSums[eb.codes[i]]++;
  }
  let sumSquares = 0;
  for (const c of cells.values()) sumSquares += c * c;
  let rowSq = 0;
  for (const r of rowSums) rowSq += r * r;
  let colSq = 0;
  for (const c of colSums) colSq += c * c;
  const tp = sumSquares - n;
  const fp = colSq - sumSquares;
  const fn = rowSq - sumSquares;
  const tn = n * n - fp - fn - sumSquares;
  if (fn === 0 && fp === 0) return 1;
  return (2 * (tp * tn - fn * fp)) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
}

export interface StabilityResult {
  runs: number;
  mean_ari: number;
  sd_ari: number;
  sample_size: number;
  aris: number[];
}

export interface StabilityOptions {
  method: ClusterMethod;
  k: number;
  seed: number;
  runs: number;
  /** resample size (default STABILITY_SAMPLE, at most n) */
  sampleSize?: number;
}

/** Bootstrap stability of the labelling `labels` of X (see the module comment); a signal is handled between refits. */
export async function bootstrapStability(
  X: Matrix,
  labels: ArrayLike<number>,
  options: StabilityOptions,
): Promise<StabilityResult> {
  const n = X.rows;
  const size = Math.min(n, options.sampleSize ?? STABILITY_SAMPLE);
  const aris: number[] = [];
  for (let run = 0; run < options.runs; run++) {
    await checkpoint();
    const seed = deriveSeed(options.seed, 0xb007, run);
    const index = sampleWithReplacement(n, size, new Rng(seed));
    const fit = options.method.fit(takeRows(X, index), options.k, seed);
    const reference = new Int32Array(size);
    index.forEach((row, i) => (reference[i] = labels[row]));
    aris.push(adjustedRandIndex(fit.labels, reference));
  }
  const mean = aris.length ? aris.reduce((a, b) => a + b, 0) / aris.length : NaN;
  const sd = aris.length > 1 ? Math.sqrt(aris.reduce((a, b) => a + (b - mean) ** 2, 0) / (aris.length - 1)) : NaN;
  return { runs: aris.length, mean_ari: mean, sd_ari: sd, sample_size: size, aris };
}
