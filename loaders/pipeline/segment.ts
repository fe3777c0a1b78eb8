/**
 * The segmentation engine's one entry point: RFM scores and segments, clustering features, k-means for every k in
 * [k_min, k_max] with metrics, profiles and names, the choice of k, validation and the PCA projection.
 */
import type { ClusteringConfig, RfmConfig } from "../config.ts";
import { InputError } from "../errors.ts";
import type { CustomerFeatures } from "../types.ts";
import { chooseK } from "../cluster/choose-k.ts";
import { compareMethods, type MethodComparison } from "../cluster/compare.ts";
import { kneedle } from "../cluster/elbow.ts";
import { buildFeatures, type FeatureSet } from "../cluster/features.ts";
import { clusterMethod } from "../cluster/methods/index.ts";
import { silhouetteSample } from "../cluster/metrics.ts";
import { searchThreads } from "../cluster/pool.ts";
import type { BaseDistributions } from "../cluster/naming.ts";
import { pca2d } from "../cluster/pca.ts";
import type { ProfileColumns } from "../cluster/profile.ts";
import { fitEveryK, K_LOWEST, type SearchResult } from "../cluster/search.ts";
import { featureTests } from "../cluster/validation.ts";
import { segmentByRfm } from "../rfm/index.ts";
import { deriveSeed } from "../stats/random.ts";
import { sortedCopy } from "../stats/quantile.ts";
import { bootstrapStability, type StabilityResult } from "../cluster/stability.ts";
import { countryChiSquare } from "../stats/tests.ts";
import type { KSolution, SegmentationResult, SegmentationSummary } from "./types.ts";

export type { SegmentationResult, SegmentationSummary, KSolution, CustomerSegment, FeatureTest } from "./types.ts";
export { adjustedRandIndex } from "../cluster/stability.ts";

export { K_LOWEST } from "../cluster/search.ts";

/** Distinct feature vectors, counted up to `limit + 1` (enough to know whether k up to `limit` is possible). */
function distinctRows(features: FeatureSet, limit: number): number {
  const { data, rows, cols } = features.matrix;
  const seen = new Set<string>();
  for (let i = 0; i < rows && seen.size <= limit; i++)
    seen.add(Array.from(data.subarray(i * cols, i * cols + cols)).join(","));
  return seen.size;
}

/** One numeric field of every customer (a plain loop: much faster than Float64Array.from with a map function). */
function column(customers: readonly CustomerFeatures[], key: keyof ProfileColumns | "tenure"): Float64Array {
  const out = new Float64Array(customers.length);
  for (let i = 0; i < customers.length; i++) out[i] = customers[i][key];
  return out;
}

/** The columns profiles and traits read, one Float64Array per field (traits also read tenure). */
export function profileColumns(customers: readonly CustomerFeatures[]): {
  columns: ProfileColumns;
  traitColumns: ProfileColumns & { tenure: Float64Array };
} {
  const columns: ProfileColumns = {
    recency: column(customers, "recency"),
    frequency: column(customers, "frequency"),
    monetary: column(customers, "monetary"),
    avg_order_value: column(customers, "avg_order_value"),
    items_per_order: column(customers, "items_per_order"),
    return_rate: column(customers, "return_rate"),
  };
  return { columns, traitColumns: { ...columns, tenure: column(customers, "tenure") } };
}

/**
 * What a run may take from an earlier one on the same customers with the same `rfm` and `clustering` settings but
 * for `clustering.k` (pipeline/stage-cache.ts): the search over every k and the bootstrap stabilities measured,
 * none of which reads `clustering.k`. `onSearch` hears a computed search at once, before anything reads it.
 * `stabilities` is filled with those measured now.
 */
export interface SearchMemo {
  search?: SearchResult;
  stabilities?: Map<number, StabilityResult>;
  onSearch?: (search: SearchResult) => void;
}

/** Called after each stage (and each k) with the stage's name and the milliseconds since the start. */
export type SegmentProgress = (stage: string, elapsedMs: number) => void;

/**
 * Segments the customers (see the module comment); per-customer outputs follow the input order. `progress`, when
 * given, hears of every finished stage (the CLI and the build print it for long runs). A Ctrl-C or SIGTERM is
 * handled between two steps of the k search, the bootstrap refits and the method comparison (loaders/interrupt.ts).
 */
export async function segmentCustomers(
  customers: readonly CustomerFeatures[],
  rfm: RfmConfig,
  clustering: ClusteringConfig,
  progress?: SegmentProgress,
  memo: SearchMemo = {},
): Promise<SegmentationResult> {
  const timings: Record<string, number> = {};
  let mark = performance.now();
  const start = mark;
  const lap = (name: string) => {
    const now = performance.now();
    progress?.(name, now - start);
    timings[name] = Math.round((now - mark) * 10) / 10;
    mark = now;
  };
  const n = customers.length;
  if (n < 3) throw new InputError(`segmentation needs at least 3 customers, got ${n}`);

  // features first: they reject non-finite and negative values with the customer's id
  const features = buildFeatures(customers, clustering);
  const warnings = [...features.warnings];
  const X = features.matrix;
  const { columns, traitColumns } = profileColumns(customers);
  lap("features");

  // RFM (the sorted columns also place clusters in the base, for naming)
  const base: BaseDistributions = {
    recency: sortedCopy(columns.recency),
    frequency: sortedCopy(columns.frequency),
    monetary: sortedCopy(columns.monetary),
  };
  const {
    scores,
    cells,
    segments,
    table: rfmTable,
    order: segmentOrder,
  } = segmentByRfm(columns, traitColumns, base, rfm);
  lap("rfm");

  // the k range that the data allow
  const distinct = distinctRows(features, clustering.k_max);
  const kMax = Math.min(clustering.k_max, distinct, n - 1);
  if (kMax < 2)
    throw new InputError(
      `clustering needs at least 2 customers with distinct features, found ${distinct} distinct among ${n}`,
    );
  if (kMax < clustering.k_min && clustering.k === "auto")
    warnings.push(
      `k_min = ${clustering.k_min} is more than the ${kMax} clusters these customers allow: the automatic rule chooses among k up to ${kMax}`,
    );
  if (kMax < clustering.k_max)
    warnings.push(
      `k_max lowered from ${clustering.k_max} to ${kMax}: only ${distinct} distinct feature vectors among ${n} customers`,
    );
  const method = clusterMethod(clustering);
  if (method.ownK && clustering.k !== "auto") {
    warnings.push(`clustering.k = ${clustering.k} is ignored: ${clustering.method} finds its own number of groups`);
    clustering = { ...clustering, k: "auto" };
  }
  if (clustering.k !== "auto" && clustering.k > kMax)
    throw new InputError(`clustering.k = ${clustering.k} is more than the ${kMax} clusters these ${n} customers allow`);

  const sample = silhouetteSample(n, clustering.silhouette_sample, deriveSeed(clustering.seed, 0x5113));
  // worker threads for the k search's fits and the comparison's mixtures (cluster/pool.ts)
  const threads = searchThreads();
  const search =
    memo.search ??
    (await fitEveryK(
      { X, features, columns, traitColumns, base, rfmSegments: segments, rfmOrder: segmentOrder },
      clustering,
      method,
      kMax,
      sample,
      (k, done, total) =>
        progress?.(`${clustering.method} k = ${k} and metrics (${done} of ${total} k)`, performance.now() - start),
      threads,
    ));
  if (!memo.search) memo.onSearch?.(search);
  const { solutions } = search;
  warnings.push(...search.warnings);
  const kmeansMs = search.kmeans_ms;
  const metricsMs = search.metrics_ms;
  timings.kmeans = Math.round(kmeansMs * 10) / 10;
  timings.metrics_profiles = Math.round(metricsMs * 10) / 10;
  if (search.threads) timings.search_threads = search.threads;
  mark = performance.now();

  const elbow = kneedle(
    solutions.map((s) => s.k),
    solutions.map((s) => s.inertia),
  );
  const stabilities = (memo.stabilities ??= new Map<number, StabilityResult>());
  const stabilityAt = async (k: number): Promise<StabilityResult> => {
    let s = stabilities.get(k);
    if (!s) {
      const solution = solutions.find((x) => x.k === k) as KSolution;
      s = await bootstrapStability(X, solution.labels, {
        method,
        seed: clustering.seed,
        k,
        runs: clustering.bootstrap_runs,
      });
      stabilities.set(k, s);
    }
    return s;
  };
  const choice = await chooseK(solutions, clustering.k, elbow.k, {
    kMin: clustering.k_min,
    stability: clustering.bootstrap_runs > 0 ? async (k) => (await stabilityAt(k)).mean_ari : undefined,
  });
  const chosen = solutions.find((s) => s.k === choice.k) as KSolution;
  lap("choose_k");

  const anova = featureTests(features, chosen);
  const countryChi2 = countryChiSquare(
    chosen.labels,
    chosen.k,
    customers.map((c) => c.country),
  );
  lap("tests");
  const stability = await stabilityAt(chosen.k);
  lap("stability");
  const pca = pca2d(X, features.used);
  lap("pca");

  const comparison = clustering.methods.compare
    ? await compareMethods(
        {
          X,
          monetary: columns.monetary,
          sample,
          kMax,
          k: chosen.k,
          kmeans: method.name === "kmeans" ? new Map(solutions.map((s) => [s.k, s.labels])) : null,
          kmeansScores: method.name === "kmeans" ? new Map(solutions.map((s) => [s.k, s])) : undefined,
          kmeansNames: method.name === "kmeans" ? chosen.names : null,
          threads,
          onStep: (part) => progress?.(`compare: ${part}`, performance.now() - start),
        },
        clustering,
      )
    : null;
  if (comparison) for (const [name, ms] of Object.entries(comparison.timings)) timings[`compare_${name}`] = ms;
  lap("compare");

  const customersOut = customers.map((c, i) => ({
    customer_id: c.customer_id,
    r_score: scores.r[i],
    f_score: scores.f[i],
    m_score: scores.m[i],
    rfm_cell: cells[i],
    rfm_segment: segments[i],
    cluster: chosen.labels[i],
    segment: chosen.names[chosen.labels[i]],
    ...(comparison ? methodColumns(comparison, i) : {}),
  }));
  lap("customers");
  timings.total = Math.round((performance.now() - start) * 10) / 10;

  return {
    n_customers: n,
    customers: customersOut,
    k: choice.k,
    k_reason: choice.reason,
    k_rule: choice.rule,
    auto_k: choice.auto_k,
    k_admissible: choice.admissible,
    k_silhouette_best: choice.silhouette_best_k,
    k_stability_checked: choice.stability_checked,
    elbow_k: elbow.k,
    elbow_difference: elbow.difference,
    method: clustering.method,
    kmeans: solutions,
    methods: comparison?.entries ?? [],
    method_comparison: comparison ? { crosstabs: comparison.crosstabs, dendrogram: comparison.dendrogram } : null,
    clusters: chosen.profiles,
    rfm_segments: rfmTable,
    rfm_thresholds: scores.scoring,
    crosstab: chosen.crosstab,
    validation: {
      anova,
      country_chi2: countryChi2,
      stability,
      note: "The clusters were formed on these features, so the per-feature p-values are ~0 by construction: read F, eta squared and H as how strongly each feature separates the clusters, not as independent evidence.",
    },
    pca,
    features: {
      used: features.used,
      dropped: features.dropped,
      transform: features.transform,
      transforms: features.transforms,
      skew: features.skew,
      scaler: features.scaler,
      center: features.center,
      scale: features.scale,
      correlation: features.correlation,
    },
    settings: {
      k_min: clustering.k_min,
      k_computed_from: K_LOWEST,
      k_max: kMax,
      restarts: clustering.restarts,
      seed: clustering.seed,
      max_iterations: clustering.max_iterations,
      tolerance: clustering.tolerance,
      silhouette_customers: sample ? sample.length : n,
    },
    warnings,
    timings,
  };
}

/** A customer's group under each compared method (0 = highest median monetary, as `cluster`; DBSCAN's noise -1). */
function methodColumns(comparison: MethodComparison, i: number) {
  const one = (m: "gmm" | "ward" | "dbscan"): number | "" => {
    const l = comparison.labels[m];
    return l ? l[i] : "";
  };
  const noise = comparison.entries.find((e) => e.method === "dbscan");
  const dbscan = one("dbscan");
  return {
    cluster_gmm: one("gmm"),
    cluster_ward: one("ward"),
    cluster_dbscan: noise && noise.noise_share && dbscan === noise.k - 1 ? -1 : dbscan,
  };
}

/** The JSON-able part of a result for summary.json: everything but the per-customer arrays. */
export function summaryJson(result: SegmentationResult): SegmentationSummary {
  const { customers: _customers, kmeans, pca, ...rest } = result;
  const { points: _points, ...pcaRest } = pca;
  return {
    ...rest,
    kmeans: kmeans.map(({ labels: _labels, mixture: _mixture, ...solution }) => solution),
    pca: pcaRest,
  };
}
