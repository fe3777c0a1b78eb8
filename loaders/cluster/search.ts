/**
 * Clustering for every k: each k from K_LOWEST to `kMax` is fitted by the configured method, ordered by median
 * monetary (cluster 0 the most valuable), scored (inertia, silhouette, Davies-Bouldin, Calinski-Harabasz),
 * profiled, named and checked against its members, and cross-tabulated with the RFM segments.
 */
import type { ClusteringConfig } from "../config.ts";
import { checkpoint } from "../interrupt.ts";
import type { KSolution } from "../pipeline/types.ts";
import { toOriginalUnits, type FeatureSet } from "./features.ts";
import type { ClusterMethod } from "./method.ts";
import { POLISH_ITERATIONS as GMM_POLISH_ITERATIONS, POLISH_TOL as GMM_POLISH_TOL } from "./methods/gmm.ts";
import { clusterSizes, permuteClusters, type KMeansFit } from "./methods/kmeans.ts";
import type { Matrix } from "./matrix.ts";
import { permuteGmm, type GmmFit } from "./methods/gmm.ts";
import type { MixtureParameters } from "../model/assign.ts";
import { fitAndScore } from "./fit-k.ts";
import { startKPool } from "./pool.ts";
import { distinctFromRfm, nameClustersChecked, type BaseDistributions } from "./naming.ts";
import { crosstab, profileClusters, type ProfileColumns } from "./profile.ts";
import type { TraitColumns } from "./traits.ts";

/** The name of the group of customers no dense cluster claims (DBSCAN's noise). */
export const NOISE_NAME = "Noise (in no dense group)";
/** The name of the group that merges DBSCAN's small clusters (cluster/methods/dbscan.ts). */
export const SMALL_GROUPS_NAME = "Small dense groups (merged)";

/** The smallest k computed (the automatic choice starts at clustering.k_min). */
export const K_LOWEST = 2;

export interface SearchInput {
  X: Matrix;
  features: FeatureSet;
  columns: ProfileColumns;
  traitColumns: TraitColumns;
  base: BaseDistributions;
  /** each customer's RFM segment, and the segments in table order (for the crosstab) */
  rfmSegments: string[];
  rfmOrder: string[];
}

export interface SearchResult {
  solutions: KSolution[];
  warnings: string[];
  kmeans_ms: number;
  metrics_ms: number;
  /** the worker threads the fits ran in (1: in the process) */
  threads: number;
}

/** The warning for a fit with runs that stopped before converging, naming the method that did. */
export function nonConvergedWarning(
  method: string,
  k: number,
  fit: Pick<KMeansFit, "non_converged" | "converged">,
  clustering: Pick<ClusteringConfig, "restarts" | "max_iterations" | "methods">,
): string {
  if (method === "gmm")
    return (
      `k = ${k}: the Gaussian mixture's EM (best of ${clustering.methods.gmm_restarts} restarts) still raised the ` +
      `mean log-likelihood by ${GMM_POLISH_TOL} or more per iteration after ${GMM_POLISH_ITERATIONS} iterations ` +
      `of its final refinement; its components are kept as they were then`
    );
  return (
    `k = ${k}: ${fit.non_converged} ${method === "kmeans" ? "k-means" : method} run(s) (of ${clustering.restarts} ` +
    `restarts and the final refinement) stopped at max_iterations = ${clustering.max_iterations} without ` +
    `converging` +
    (fit.converged ? "; the kept solution converged" : "; the kept solution did not converge")
  );
}

/**
 * Every k from K_LOWEST to kMax (see the module comment); `onK` hears of each finished k. Between two k values a
 * pending Ctrl-C or SIGTERM is handled (loaders/interrupt.ts).
 */
export async function fitEveryK(
  input: SearchInput,
  clustering: ClusteringConfig,
  method: ClusterMethod<KMeansFit>,
  kMax: number,
  sample: Int32Array | null,
  onK?: (k: number, done: number, total: number) => void,
  /**
   * worker threads for the fits (cluster/pool.ts; default 1, in the process). Workers rebuild the method from
   * `clustering`, so only the configured method may be given more than one.
   */
  threads = 1,
): Promise<SearchResult> {
  const { X, features, columns, traitColumns, base, rfmSegments: segments, rfmOrder: segmentOrder } = input;
  const d = X.cols;
  const solutions: KSolution[] = [];
  const warnings: string[] = [];
  let kmeansMs = 0;
  let metricsMs = 0;
  // every k from 2 is computed and kept (the report lets the reader switch, and the choice of k says what the
  // silhouette-best k would have been); the automatic rule chooses among k >= k_min
  // a method that finds its own number of groups (DBSCAN) is fitted once
  const requested = method.ownK ? [0] : Array.from({ length: kMax - K_LOWEST + 1 }, (_, i) => K_LOWEST + i);
  // the fits and their scores, in worker threads when there is more than one core (cluster/pool.ts)
  const pool = startKPool({
    X,
    monetary: columns.monetary,
    sample,
    clustering,
    jobs: requested.map((ask) => ({ kind: "k" as const, ask, seed: clustering.seed })),
    threads,
  });
  try {
    for (const [index, ask] of requested.entries()) {
      await checkpoint();
      let t = performance.now();
      const scored = pool
        ? await pool.outcome(index)
        : fitAndScore(X, columns.monetary, method, ask, clustering.seed, sample);
      const { raw, order } = scored;
      const k = raw.k;
      const noise = raw.noise_label ?? null;
      // (KMeansFit does not declare it: only DBSCAN sets it, cluster/methods/index.ts)
      const small = (raw as { small_label?: number | null }).small_label ?? null;
      const fit = permuteClusters(raw, order, d);
      const mixture =
        "weights" in raw && "covariances" in raw ? mixtureParameters(raw as unknown as GmmFit, order) : undefined;
      // in the process: the fit's own time; with workers: the time waited for it
      kmeansMs += pool ? performance.now() - t : scored.fit_ms;
      metricsMs += pool ? 0 : scored.score_ms;
      await checkpoint(); // naming checks its claims by bootstrap: about as long as the fit
      t = performance.now();
      if (fit.non_converged) warnings.push(nonConvergedWarning(method.name, k, fit, clustering));
      const scaled = Array.from({ length: k }, (_, j) => Array.from(fit.centroids.subarray(j * d, j * d + d)));
      const profiles = profileClusters(columns, fit.labels, k, {
        scaled,
        original: scaled.map((c) => toOriginalUnits(c, features)),
      });
      const checked = nameClustersChecked(profiles, base, fit.labels, traitColumns);
      const { positions, checks } = checked;
      const names = distinctFromRfm(checked.names, segmentOrder);
      if (noise !== null) names[k - 1] = NOISE_NAME;
      if (small !== null) names[noise !== null ? k - 2 : k - 1] = SMALL_GROUPS_NAME;
      profiles.forEach((p, j) => {
        p.name = names[j];
        p.position = positions[j];
        p.name_check = checks[j];
      });
      solutions.push({
        k,
        inertia: fit.inertia,
        silhouette: scored.silhouette,
        davies_bouldin: scored.davies_bouldin,
        calinski_harabasz: scored.calinski_harabasz,
        sizes: clusterSizes(fit.labels, k),
        iterations: fit.iterations,
        converged: fit.converged,
        non_converged_restarts: fit.non_converged,
        best_restart: fit.best_restart,
        polish_iterations: fit.polish_iterations,
        screen_sample: fit.screen_sample,
        restarts: fit.runs,
        labels: fit.labels,
        names,
        profiles,
        crosstab: crosstab(fit.labels, names, segments, segmentOrder),
        ...(mixture ? { mixture } : {}),
      });
      metricsMs += performance.now() - t;
      onK?.(k, solutions.length, requested.length);
    }
  } finally {
    await pool?.close();
  }
  return { solutions, warnings, kmeans_ms: kmeansMs, metrics_ms: metricsMs, threads: pool?.threads ?? 1 };
}

/** The Gaussian mixture's parameters in cluster order (new cluster c is the fit's component order[c]), plain arrays. */
function mixtureParameters(raw: GmmFit, order: readonly number[]): MixtureParameters {
  const p = permuteGmm(raw, order);
  const size = p.covariance === "full" ? p.d * p.d : p.d;
  const rows = (a: Float64Array, width: number) =>
    Array.from({ length: p.k }, (_, j) => Array.from(a.subarray(j * width, j * width + width)));
  return {
    covariance: p.covariance,
    weights: Array.from(p.weights),
    means: rows(p.means, p.d),
    covariances: rows(p.covariances, size),
  };
}
