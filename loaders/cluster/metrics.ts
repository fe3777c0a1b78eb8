/**
 * Internal cluster-quality metrics with scikit-learn's exact formulas (1.2): inertia, mean silhouette,
 * Davies-Bouldin and Calinski-Harabasz. Labels are 0..k-1; clusters without members are ignored, as
 * scikit-learn's label encoding does.
 */
import { type Matrix, sqDist, takeRows } from "./matrix.ts";
import { Rng, sampleWithoutReplacement } from "../stats/random.ts";

/** Cluster means (k x d) and member counts of a labelling. */
export function clusterMeans(
  X: Matrix,
  labels: ArrayLike<number>,
  k: number,
): { means: Float64Array; counts: Float64Array } {
  const { data, rows: n, cols: d } = X;
  const means = new Float64Array(k * d);
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    counts[l]++;
    for (let c = 0; c < d; c++) means[l * d + c] += data[i * d + c];
  }
  for (let j = 0; j < k; j++) if (counts[j]) for (let c = 0; c < d; c++) means[j * d + c] /= counts[j];
  return { means, counts };
}

/** Within-cluster sum of squared distances to the cluster means (k-means' objective). */
export function inertia(X: Matrix, labels: ArrayLike<number>, k: number): number {
  const { means } = clusterMeans(X, labels, k);
  let s = 0;
  for (let i = 0; i < X.rows; i++) s += sqDist(X.data, i, means, labels[i], X.cols);
  return s;
}

/**
 * Mean silhouette coefficient over all points (as sklearn's `silhouette_score`): a = mean distance to the other
 * members of its cluster, b = smallest mean distance to another cluster, s = (b - a) / max(a, b); 0 for members of
 * singleton clusters (and for a = b = 0). NaN unless 2 <= clusters present <= points - 1. O(n^2 d) time, O(n k)
 * memory: points are grouped by cluster and each pair's distance is computed once, added to both points' sums
 * (cluster-major sums, so the writes are sequential).
 */
export function silhouette(X: Matrix, labels: ArrayLike<number>, k: number): number {
  const { rows: n, cols: d } = X;
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) counts[labels[i]]++;
  const present = counts.reduce((a, c) => a + (c > 0 ? 1 : 0), 0);
  if (present < 2 || present > n - 1) return NaN;
  // points grouped by cluster: block c holds rows [start[c], start[c + 1])
  const start = new Int32Array(k + 1);
  for (let j = 0; j < k; j++) start[j + 1] = start[j] + counts[j];
  const fill = start.slice(0, k);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[fill[labels[i]]++] = i;
  const data = takeRows(X, order).data;
  const blockOf = new Int32Array(n);
  for (let c = 0; c < k; c++) blockOf.fill(c, start[c], start[c + 1]);
  // sums[c * n + i] = summed distance from (grouped) point i to the members of cluster c
  const sums = new Float64Array(k * n);
  for (let i = 0; i < n; i++) {
    const li = blockOf[i];
    const oi = i * d;
    const row = li * n;
    for (let c = li; c < k; c++) {
      let acc = 0;
      const end = start[c + 1];
      for (let j = c === li ? i + 1 : start[c]; j < end; j++) {
        const oj = j * d;
        let s = 0;
        for (let q = 0; q < d; q++) {
          const t = data[oi + q] - data[oj + q];
          s += t * t;
        }
        const dist = Math.sqrt(s);
        acc += dist;
        sums[row + j] += dist;
      }
      sums[c * n + i] += acc;
    }
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const li = blockOf[i];
    if (counts[li] <= 1) continue;
    const a = sums[li * n + i] / (counts[li] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== li && counts[c] > 0) b = Math.min(b, sums[c * n + i] / counts[c]);
    const m = Math.max(a, b);
    if (m > 0) total += (b - a) / m;
  }
  return total / n;
}

/** The rows on which the silhouette is computed: all when n <= sampleSize, else a seeded sample of that size. */
export function silhouetteSample(n: number, sampleSize: number, seed: number): Int32Array | null {
  return n <= sampleSize ? null : sampleWithoutReplacement(n, sampleSize, new Rng(seed));
}

/** Mean silhouette on all points or on the given sample of rows (as sklearn's `sample_size`). */
export function sampledSilhouette(X: Matrix, labels: ArrayLike<number>, k: number, sample: Int32Array | null): number {
  if (!sample) return silhouette(X, labels, k);
  const sub = new Int32Array(sample.length);
  sample.forEach((row, i) => (sub[i] = labels[row]));
  return silhouette(takeRows(X, sample), sub, k);
}

/**
 * Davies-Bouldin index (lower is better): mean over clusters of max over others of
 * (s_i + s_j) / d(c_i, c_j), s = mean distance of members to their centroid. 0 when all s or all centroid
 * distances are ~0 (|x| <= 1e-8, numpy's allclose).
 */
export function daviesBouldin(X: Matrix, labels: ArrayLike<number>, k: number): number {
  const { data, rows: n, cols: d } = X;
  const { means, counts } = clusterMeans(X, labels, k);
  const intra = new Float64Array(k);
  for (let i = 0; i < n; i++) intra[labels[i]] += Math.sqrt(sqDist(data, i, means, labels[i], d));
  const ids = [...counts.keys()].filter((j) => counts[j] > 0);
  for (const j of ids) intra[j] /= counts[j];
  const dist = ids.map((a) => ids.map((b) => Math.sqrt(sqDist(means, a, means, b, d))));
  if (ids.every((j) => Math.abs(intra[j]) <= 1e-8) || dist.every((row) => row.every((v) => Math.abs(v) <= 1e-8)))
    return 0;
  let total = 0;
  ids.forEach((a, p) => {
    let worst = -Infinity;
    ids.forEach((b, q) => {
      const dd = dist[p][q] === 0 ? Infinity : dist[p][q];
      worst = Math.max(worst, (intra[a] + intra[b]) / dd);
    });
    total += worst;
  });
  return total / ids.length;
}

/**
 * Calinski-Harabasz index (higher is better): [between-cluster SS / (k - 1)] / [within-cluster SS / (n - k)];
 * 1 when the within-cluster SS is 0, as sklearn.
 */
export function calinskiHarabasz(X: Matrix, labels: ArrayLike<number>, k: number): number {
  const { data, rows: n, cols: d } = X;
  const { means, counts } = clusterMeans(X, labels, k);
  const overall = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) overall[c] += data[i * d + c];
  for (let c = 0; c < d; c++) overall[c] /= n;
  let between = 0;
  let present = 0;
  for (let j = 0; j < k; j++) {
    if (!counts[j]) continue;
    present++;
    between += counts[j] * sqDist(means, j, overall, 0, d);
  }
  let within = 0;
  for (let i = 0; i < n; i++) within += sqDist(data, i, means, labels[i], d);
  return within === 0 ? 1 : (between * (n - present)) / (within * (present - 1));
}
