/** The segmentation engine's output: what `segmentCustomers` returns and what `summaryJson` keeps of it. */
import type { FeatureName } from "../config.ts";
import type { MixtureParameters } from "../model/assign.ts";
import type { FeatureSet } from "../cluster/features.ts";
import type { KMeansRunInfo } from "../cluster/methods/kmeans.ts";
import type { MethodComparison, MethodEntry } from "../cluster/compare.ts";
import type { PcaResult } from "../cluster/pca.ts";
import type { ClusterMethodName } from "../cluster/settings.ts";
import type { ClusterProfile, Crosstab } from "../cluster/profile.ts";
import type { RfmScoring } from "../rfm/score.ts";
import type { RfmSegmentRow } from "../rfm/segments.ts";
import type { StabilityResult } from "../cluster/stability.ts";
import type { AnovaResult, CountryChiSquare, KruskalResult } from "../stats/tests.ts";

/** One customer's result, aligned with the input order. */
export interface CustomerSegment {
  customer_id: string;
  r_score: number;
  f_score: number;
  m_score: number;
  /** e.g. "545" */
  rfm_cell: string;
  rfm_segment: string;
  /** cluster of the chosen k (0 = highest median monetary) */
  cluster: number;
  /** the cluster's name */
  segment: string;
  /** the customer's group under the compared methods (cluster/compare.ts; absent when clustering.methods.compare is off) */
  cluster_gmm?: number | "";
  cluster_ward?: number | "";
  cluster_dbscan?: number | "";
}

/** One k-means solution (every k from k_min to k_max is kept: the report lets the reader switch k). */
export interface KSolution {
  k: number;
  inertia: number;
  /** mean silhouette (on the seeded sample above `silhouette_sample` customers) */
  silhouette: number;
  davies_bouldin: number;
  calinski_harabasz: number;
  /** customers per cluster, cluster order */
  sizes: number[];
  /** Lloyd iterations of the winning restart */
  iterations: number;
  /** whether the winning restart converged */
  converged: boolean;
  /** restarts (of all) that hit max_iterations */
  non_converged_restarts: number;
  best_restart: number;
  /** iterations of the winner's final refinement to `tolerance` (included in `iterations`) */
  polish_iterations: number;
  /** restarts were screened on a seeded sample of this many customers (null: on all of them) */
  screen_sample: number | null;
  /** every restart: seed, inertia (on the screening sample when there is one), iterations, converged */
  restarts: KMeansRunInfo[];
  /** per customer, input order; clusters ordered by median monetary descending */
  labels: Int32Array;
  names: string[];
  profiles: ClusterProfile[];
  crosstab: Crosstab;
  /** the Gaussian mixture's fitted parameters in cluster order (what model.json saves to assign new customers); absent for other methods; left out of summary.json */
  mixture?: MixtureParameters;
}

/** Per-feature separation tests across the chosen clusters. */
export interface FeatureTest {
  feature: FeatureName;
  F: number;
  p: number;
  eta_squared: number;
  H: number;
  p_kw: number;
  anova: AnovaResult;
  kruskal: KruskalResult;
}

export interface SegmentationResult {
  n_customers: number;
  customers: CustomerSegment[];
  /** the chosen k, why, and by which rule */
  k: number;
  k_reason: string;
  k_rule: "auto" | "config";
  /** what the automatic rule picks (equals k when k_rule is "auto") */
  auto_k: number;
  /** candidates (k >= k_min) within the silhouette tolerance of the best candidate */
  k_admissible: number[];
  /** the k with the highest silhouette over every computed k (k_min not applied) */
  k_silhouette_best: number | null;
  /** the bootstrap stability the automatic rule measured, in the order it measured it */
  k_stability_checked: { k: number; mean_ari: number | null }[];
  elbow_k: number | null;
  /** Kneedle's difference curve over kmeans[] */
  elbow_difference: number[];
  /** the method that drove the k search and the segments (clustering.method) */
  method: ClusterMethodName;
  /** the solutions of clustering.method (named kmeans for the pages that read it, whichever method it is) */
  kmeans: KSolution[];
  /** every method's solutions, scored alike (cluster/compare.ts); empty when clustering.methods.compare is off */
  methods: MethodEntry[];
  /** cross-tables and dendrogram (the per-method times are in `timings`, compare_<method>) */
  method_comparison: Omit<MethodComparison, "entries" | "labels" | "timings"> | null;
  /** profiles (with names) of the chosen solution */
  clusters: ClusterProfile[];
  rfm_segments: RfmSegmentRow[];
  rfm_thresholds: RfmScoring;
  /** chosen clusters x RFM segments */
  crosstab: Crosstab;
  validation: {
    anova: FeatureTest[];
    country_chi2: CountryChiSquare | null;
    stability: StabilityResult;
    note: string;
  };
  pca: PcaResult;
  /** the feature set without the matrix (its warnings are in `warnings`) */
  features: Omit<FeatureSet, "matrix" | "warnings">;
  settings: {
    /** smallest k the automatic rule may choose */
    k_min: number;
    /** smallest k computed (every k from it to k_max is kept) */
    k_computed_from: number;
    /** k_max after capping at the number of distinct customers' feature vectors */
    k_max: number;
    restarts: number;
    seed: number;
    max_iterations: number;
    tolerance: number;
    /** customers the silhouette was computed on */
    silhouette_customers: number;
  };
  warnings: string[];
  /** milliseconds per stage */
  timings: Record<string, number>;
}

/** The JSON-able part for summary.json: no per-customer arrays. */
export type SegmentationSummary = Omit<SegmentationResult, "customers" | "kmeans" | "pca"> & {
  kmeans: Omit<KSolution, "labels">[];
  pca: Omit<PcaResult, "points">;
};
