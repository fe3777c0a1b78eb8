/**
 * The mean silhouette of many labellings of the same rows at once (the method comparison scores 27 of them on
 * the same customers). Each value equals `silhouette` (cluster/metrics.ts, scikit-learn's `silhouette_score`) of
 * that labelling, up to the order of floating-point sums: for each point, every distance to another point is
 * computed once and added to that point's per-cluster sums of every labelling, so the n^2 distances (and square
 * roots) are shared rather than recomputed per labelling. O(n^2 (d + m)) time for m labellings, O(n m + sum k)
 * memory.
 */
import { type Matrix, takeRows } from "./matrix.ts";

export interface Labelling {
  labels: ArrayLike<number>;
  k: number;
}

/**
 * Mean silhouette of each labelling, on all rows or on the `sample` rows (as `sampledSilhouette`). NaN for a
 * labelling unless 2 <= clusters present <= points - 1; 0 for members of singleton clusters.
 */
export function silhouettes(X: Matrix, labellings: readonly Labelling[], sample: Int32Array | null): number[] {
  const m = labellings.length;
  if (!m) return [];
  const P = sample ? takeRows(X, sample) : X;
  const { data, rows: n, cols: d } = P;
  // column offsets: labelling l's cluster c sums at offset[l] + c
  const offset = new Int32Array(m + 1);
  for (let l = 0; l < m; l++) offset[l + 1] = offset[l] + labellings[l].k;
  const width = offset[m];
  // col[i * m + l]: labelling l's sum slot of point i (the labellings of one point side by side, so consecutive
  // additions go to different slots and do not wait on each other)
  const col = new Int32Array(n * m);
  const counts = new Float64Array(width);
  for (let l = 0; l < m; l++) {
    const { labels } = labellings[l];
    for (let i = 0; i < n; i++) {
      const c = offset[l] + labels[sample ? sample[i] : i];
      col[i * m + l] = c;
      counts[c]++;
    }
  }
  const valid = labellings.map((lab, l) => {
    let present = 0;
    for (let c = 0; c < lab.k; c++) if (counts[offset[l] + c] > 0) present++;
    return present >= 2 && present <= n - 1;
  });
  const totals = new Float64Array(m);
  const sums = new Float64Array(width);
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    const oi = i * d;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const oj = j * d;
      let s = 0;
      for (let q = 0; q < d; q++) {
        const t = data[oi + q] - data[oj + q];
        s += t * t;
      }
      const dist = Math.sqrt(s);
      const cj = j * m;
      for (let l = 0; l < m; l++) sums[col[cj + l]] += dist;
    }
    for (let l = 0; l < m; l++) {
      const own = col[i * m + l];
      if (counts[own] <= 1) continue;
      const a = sums[own] / (counts[own] - 1);
      let b = Infinity;
      for (let c = offset[l]; c < offset[l + 1]; c++)
        if (c !== own && counts[c] > 0) {
          const v = sums[c] / counts[c];
          if (v < b) b = v;
        }
      const mx = Math.max(a, b);
      if (mx > 0) totals[l] += (b - a) / mx;
    }
  }
  return Array.from(totals, (t, l) => (valid[l] ? t / n : NaN));
}
