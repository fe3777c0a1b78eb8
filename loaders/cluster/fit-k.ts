/**
 * One k of the k search, up to what does not need the customers: the method's fit, the cluster order (by median
 * monetary, DBSCAN's merged small clusters and noise last) and the scores computed on the ordered labels
 * (silhouette, Davies-Bouldin, Calinski-Harabasz). The k search runs it in the process or in worker threads
 * (cluster/pool.ts): the same function on the same numbers, so both give the same bits.
 */
import type { ClusterMethod } from "./method.ts";
import type { Matrix } from "./matrix.ts";
import { calinskiHarabasz, daviesBouldin, sampledSilhouette } from "./metrics.ts";
import { permuteClusters, type KMeansFit } from "./methods/kmeans.ts";
import { clusterOrder } from "./profile.ts";

export interface KOutcome {
  /** the method's fit as it returned it (clusters in the method's own order) */
  raw: KMeansFit;
  /** new cluster c is the fit's cluster order[c] */
  order: number[];
  silhouette: number;
  davies_bouldin: number;
  calinski_harabasz: number;
  /** milliseconds of the fit, and of the scores */
  fit_ms: number;
  score_ms: number;
}

/** Fits `ask` clusters (ignored by a method that finds its own number) and scores them; see the module comment. */
export function fitAndScore(
  X: Matrix,
  monetary: ArrayLike<number>,
  method: ClusterMethod<KMeansFit>,
  ask: number,
  seed: number,
  sample: Int32Array | null,
): KOutcome {
  let t = performance.now();
  const raw = method.fit(X, ask, seed);
  const k = raw.k;
  const noise = raw.noise_label ?? null;
  // (KMeansFit does not declare it: only DBSCAN sets it, cluster/methods/index.ts)
  const small = (raw as { small_label?: number | null }).small_label ?? null;
  const order = clusterOrder(monetary, raw.labels, k, noise, small);
  const fitMs = performance.now() - t;
  t = performance.now();
  const { labels } = permuteClusters(raw, order, X.cols);
  return {
    raw,
    order,
    silhouette: sampledSilhouette(X, labels, k, sample),
    davies_bouldin: daviesBouldin(X, labels, k),
    calinski_harabasz: calinskiHarabasz(X, labels, k),
    fit_ms: fitMs,
    score_ms: performance.now() - t,
  };
}
