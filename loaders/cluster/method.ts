/**
 * The clustering seam. A method fits k clusters to the rows of a feature matrix, deterministically for a seed;
 * the k search (pipeline/segment.ts) and the stability check (cluster/stability.ts) only call this interface,
 * so another method (hierarchical, Gaussian mixture ...) is one module in cluster/methods/ and one line in
 * `clusterMethod` (cluster/methods/index.ts).
 */
import type { Matrix } from "./matrix.ts";

/** What every method returns: labels 0..k-1 per row, one centre per cluster (row-major, k x d), the inertia. */
export interface ClusterFit {
  k: number;
  labels: Int32Array;
  centroids: Float64Array;
  /** within-cluster sum of squared distances to the centres */
  inertia: number;
  /** the label of the group of points no cluster claims (DBSCAN's noise), when there is one */
  noise_label?: number | null;
  /** the label of a group that merges a density method's small clusters (DBSCAN), when there is one */
  small_label?: number | null;
}

export interface ClusterMethod<F extends ClusterFit = ClusterFit> {
  /** the method's name, as in `clustering.method` */
  name: string;
  fit(X: Matrix, k: number, seed: number): F;
  /** the method finds its own number of groups (DBSCAN): `fit` ignores k and the k search fits it once */
  ownK?: boolean;
}
