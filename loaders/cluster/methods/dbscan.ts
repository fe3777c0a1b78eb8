/**
 * DBSCAN (Ester et al. 1996) as scikit-learn's `DBSCAN`: a point is core when at least `min_samples` points (itself
 * included) lie within `eps`; clusters are the connected core points plus the non-core points within eps of one
 * (a border point goes to the first cluster that reaches it, expanding from the core points in row order, as
 * scikit-learn's `dbscan_inner`); every other point is noise.
 *
 * Settings chosen here (the issue left them open):
 * - `min_samples` = 2 x the number of features (Sander et al. 1998's rule of thumb), at least MIN_SAMPLES_FLOOR
 *   (10; so 10 for recency, frequency and monetary): with 4-6, small dips in density split the two-moons and
 *   nested-rings fixtures (test/cluster/methods.test.ts) into 8-18 pieces at the knee's eps; with 10 each is
 *   recovered (ARI >= 0.99) and the blobs too.
 * - `eps` = the knee of the sorted k-distance curve (each point's distance to its min_samples-th nearest point,
 *   itself counted: the smallest eps that makes it core), found by Kneedle on the ascending curve of up to
 *   KDIST_SAMPLE seeded points; 95th percentile of that curve when it has no knee.
 * Radius and k-nearest queries go through a k-d tree (cluster/kdtree.ts), so the cost is about n log n for
 * customer-like data rather than n^2; nothing stores neighbourhoods (each core point's neighbours are queried
 * again while its cluster grows; core flags stop counting at min_samples), so memory is O(n).
 * Large data: above DBSCAN_SAMPLE (50,000) customers, eps and the clusters come from a seeded sample of that size
 * and every other customer joins the cluster of the nearest core customer of the sample within eps, or is noise
 * (as `assignDbscan`, the rule model.json uses for new customers). On 1,000,000 synthetic customers this took
 * about 3 s of CPU instead of 186 s (bench/methods.ts).
 * Small clusters: the knee's eps is small on large data and min_samples of 10 lets sparse regions form many tiny
 * clusters (160 on 1M synthetic customers without the sample). A report cannot show them as segments, so the
 * clusters kept as groups of their own are those with at least SMALL_GROUP_SHARE (1%) of the customers (and
 * min_samples), at most MAX_DBSCAN_CLUSTERS (8, the largest); the other clusters are merged into one group,
 * labelled after the kept ones ("Small dense groups (merged)" in the report, `small_label`), and counted
 * (`small_clusters`). `raw` keeps every cluster found.
 *
 * As a ClusterMethod, the labels are the kept clusters 0..c-1 in order of discovery, then the merged small
 * clusters' group when there is one, then, when there is noise, one more group for the noise (`noise_label`);
 * `k` counts those groups. The method has no k of its own: `fit` ignores the k it is given.
 */
import type { ClusterFit } from "../method.ts";
import type { Matrix } from "../matrix.ts";
import {
  buildKdTree,
  countWithin,
  forEachWithin,
  kthNeighbourDistance,
  nearestWithin,
  type KdTree,
} from "../kdtree.ts";
import { takeRows } from "../matrix.ts";
import { deriveSeed, Rng, sampleWithoutReplacement } from "../../stats/random.ts";

export const MIN_SAMPLES_FLOOR = 10;
export const KDIST_SAMPLE = 10_000;
/** Above this many customers DBSCAN runs on a seeded sample of this size (see the module comment). */
export const DBSCAN_SAMPLE = 50_000;
/** Clusters kept as groups of their own: at most this many, each with at least SMALL_GROUP_SHARE of the customers. */
export const MAX_DBSCAN_CLUSTERS = 8;
export const SMALL_GROUP_SHARE = 0.01;

export interface DbscanFit extends ClusterFit {
  eps: number;
  min_samples: number;
  /** groups other than noise: the kept clusters plus the small-groups group when there is one */
  clusters: number;
  /** clusters DBSCAN found (before small ones were merged) */
  found: number;
  /** label of the group of merged small clusters, or null */
  small_label: number | null;
  /** how many clusters were merged into it */
  small_clusters: number;
  /** the sample DBSCAN ran on (null: all customers) */
  sample: number | null;
  /** label of the noise group, or null when no point is noise */
  noise_label: number | null;
  noise: number;
  noise_share: number;
  /** scikit-learn's labels (every cluster found, noise -1) */
  raw: Int32Array;
  core: Uint8Array;
}

/** min_samples for d features (see the module comment). */
export function defaultMinSamples(d: number): number {
  return Math.max(MIN_SAMPLES_FLOOR, 2 * d);
}

/** DBSCAN labels (noise -1) and core flags at the given eps and min_samples (scikit-learn's semantics). */
export function dbscan(
  X: Matrix,
  eps: number,
  minSamples: number,
  tree: KdTree = buildKdTree(X),
): { labels: Int32Array; core: Uint8Array; clusters: number } {
  const n = X.rows;
  const r2 = eps * eps;
  const stack = new Int32Array(128);
  const core = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (countWithin(tree, X.data, i, r2, minSamples, stack) >= minSamples) core[i] = 1;
  const labels = new Int32Array(n).fill(-1);
  // each core point is pushed once (when labelled), so n slots suffice
  const pending = new Int32Array(n);
  let top = 0;
  let cluster = 0;
  // a cluster is expanded completely before the next core point in row order starts one, so the order in which
  // the tree returns neighbours changes nothing: a border point goes to the first cluster that reaches it
  const claim = (q: number) => {
    if (labels[q] !== -1) return;
    labels[q] = cluster;
    if (core[q]) pending[top++] = q;
  };
  for (let i = 0; i < n; i++) {
    if (labels[i] !== -1 || !core[i]) continue;
    labels[i] = cluster;
    pending[top++] = i;
    while (top) forEachWithin(tree, X.data, pending[--top], r2, claim, stack);
    cluster++;
  }
  return { labels, core, clusters: cluster };
}

/** The ascending k-distance curve on `sample` rows (all when null). */
export function kDistanceCurve(X: Matrix, k: number, sample: Int32Array | null, tree: KdTree): Float64Array {
  const rows = sample ?? Int32Array.from({ length: X.rows }, (_, i) => i);
  const out = new Float64Array(rows.length);
  rows.forEach((row, i) => (out[i] = kthNeighbourDistance(tree, X.data, row, k)));
  return out.sort();
}

/**
 * The knee of an ascending convex curve by Kneedle: x and y normalised to [0, 1], the point farthest below the
 * diagonal (largest x' - y'). Null when no point lies below it.
 */
export function kneeOfAscending(curve: Float64Array): number | null {
  const n = curve.length;
  if (n < 3) return null;
  const y0 = curve[0];
  const span = curve[n - 1] - y0;
  if (!(span > 0)) return null;
  let best = -1;
  let bestGap = 1e-12;
  for (let i = 0; i < n; i++) {
    const gap = i / (n - 1) - (curve[i] - y0) / span;
    if (gap > bestGap) {
      bestGap = gap;
      best = i;
    }
  }
  return best < 0 ? null : curve[best];
}

export interface DbscanOptions {
  seed: number;
  /** default defaultMinSamples(d) */
  minSamples?: number;
  /** default: the knee of the k-distance curve */
  eps?: number;
}

/** The eps rule of the module comment: knee of the k-distance curve on a seeded sample. */
export function chooseEps(X: Matrix, minSamples: number, seed: number, tree: KdTree): number {
  const sample = X.rows > KDIST_SAMPLE ? sampleWithoutReplacement(X.rows, KDIST_SAMPLE, new Rng(seed)) : null;
  const curve = kDistanceCurve(X, Math.min(minSamples, X.rows), sample, tree);
  const knee = kneeOfAscending(curve);
  return knee !== null && knee > 0 ? knee : curve[Math.floor(0.95 * (curve.length - 1))];
}

/** DBSCAN with the documented eps and min_samples, as a ClusterFit (see the module comment). */
export function fitDbscan(X: Matrix, options: DbscanOptions): DbscanFit {
  const { rows: n, cols: d } = X;
  const sample =
    n > DBSCAN_SAMPLE ? sampleWithoutReplacement(n, DBSCAN_SAMPLE, new Rng(deriveSeed(options.seed, 0xdb5))) : null;
  const S = sample ? takeRows(X, sample) : X;
  const tree = buildKdTree(S);
  const minSamples = options.minSamples ?? defaultMinSamples(d);
  const eps = options.eps ?? chooseEps(S, minSamples, options.seed, tree);
  const fitted = dbscan(S, eps, minSamples, tree);
  let raw = fitted.labels;
  let core = fitted.core;
  if (sample) {
    // the rest: the cluster of the nearest core point of the sample within eps, else noise
    const coreRows: number[] = [];
    for (let i = 0; i < S.rows; i++) if (fitted.core[i]) coreRows.push(i);
    const cores = takeRows(S, coreRows);
    const assigned = assignDbscan(
      cores,
      Int32Array.from(coreRows, (i) => fitted.labels[i]),
      eps,
      -1,
      X,
    );
    core = new Uint8Array(n);
    sample.forEach((row, i) => {
      assigned[row] = fitted.labels[i];
      core[row] = fitted.core[i];
    });
    raw = assigned;
  }
  // small clusters into one group (see the module comment)
  const found = fitted.clusters;
  const size = new Float64Array(found);
  let noise = 0;
  for (let i = 0; i < n; i++) {
    if (raw[i] < 0) noise++;
    else size[raw[i]]++;
  }
  const floor = Math.max(minSamples, Math.ceil(SMALL_GROUP_SHARE * n));
  const kept = Array.from({ length: found }, (_, c) => c)
    .filter((c) => size[c] >= floor)
    .sort((p, q) => size[q] - size[p] || p - q)
    .slice(0, MAX_DBSCAN_CLUSTERS)
    .sort((p, q) => p - q);
  const merged = found - kept.length;
  const group = new Int32Array(found).fill(kept.length);
  kept.forEach((c, g) => (group[c] = g));
  const smallLabel = merged ? kept.length : null;
  const clusters = kept.length + (merged ? 1 : 0);
  const noiseLabel = noise ? clusters : null;
  const k = clusters + (noise ? 1 : 0);
  const labels = raw.map((l) => (l < 0 ? clusters : group[l]));
  const centroids = new Float64Array(k * d);
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    counts[labels[i]]++;
    for (let c = 0; c < d; c++) centroids[labels[i] * d + c] += X.data[i * d + c];
  }
  for (let j = 0; j < k; j++) for (let c = 0; c < d; c++) centroids[j * d + c] /= counts[j];
  let inertia = 0;
  for (let i = 0; i < n; i++)
    for (let c = 0; c < d; c++) inertia += (X.data[i * d + c] - centroids[labels[i] * d + c]) ** 2;
  return {
    k,
    labels,
    centroids,
    inertia,
    eps,
    min_samples: minSamples,
    clusters,
    found,
    small_label: smallLabel,
    small_clusters: merged,
    sample: sample ? sample.length : null,
    noise_label: noiseLabel,
    noise,
    noise_share: n ? noise / n : 0,
    raw,
    core,
  };
}

/**
 * Assigns new points as a fitted DBSCAN would: the cluster of the nearest core point within eps, else noise
 * (`noiseLabel`, or -1 when the fit had no noise group). `cores` holds the fit's core points (rows of the fitted
 * matrix) and their cluster labels.
 */
export function assignDbscan(
  cores: Matrix,
  coreLabels: ArrayLike<number>,
  eps: number,
  noiseLabel: number,
  X: Matrix,
): Int32Array {
  const tree = buildKdTree(cores);
  const out = new Int32Array(X.rows);
  const stack = new Int32Array(128);
  for (let i = 0; i < X.rows; i++) {
    const best = nearestWithin(tree, X.data, i, eps * eps, stack);
    out[i] = best < 0 ? noiseLabel : coreLabels[best];
  }
  return out;
}
