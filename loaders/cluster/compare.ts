/**
 * The method comparison (issue 22): K-Means, the Gaussian mixture (full and diagonal covariance), Ward and DBSCAN
 * on the same scaled features, each scored with the same metrics as the k search, and each method's chosen
 * solution cross-tabulated against the K-Means segments.
 *
 * Which solution of each method is compared (the "chosen" entry):
 * - K-Means and Ward: the report's k (Ward cut at the same k as K-Means, so the cross-table compares like with like;
 *   clamped to 2..k_max when DBSCAN drives the report and found more groups);
 * - the mixture: the covariance type and number of components with the lowest BIC; beside it (`silhouette_best`)
 *   the mixture solution the silhouette would pick: the highest silhouette among k >= k_min, either covariance;
 * - DBSCAN: its own clusters plus the noise group.
 * Metrics: silhouette on the k search's sample (never more than `silhouette_sample` customers; exact, every
 * labelling at once, cluster/silhouettes.ts), Davies-Bouldin and
 * Calinski-Harabasz on all; for DBSCAN on the clustered customers only (noise left out; NaN below 2 clusters).
 * `ari_vs_kmeans`: adjusted Rand index against K-Means at the same k (DBSCAN: at the report's k, noise a group).
 * Groups are numbered by median monetary, highest first (the noise group last), as the report's segments.
 */
import type { ClusteringConfig } from "../config.ts";
import { checkpoint } from "../interrupt.ts";
import type { Matrix } from "./matrix.ts";
import { takeRows } from "./matrix.ts";
import { calinskiHarabasz, daviesBouldin, sampledSilhouette } from "./metrics.ts";
import { fitDbscan } from "./methods/dbscan.ts";
import { COVARIANCE_TYPES, fitGmm, uncertainShare, type CovarianceType } from "./methods/gmm.ts";
import { kmeansMethod } from "./methods/index.ts";
import { cutTree, topDendrogram, wardFromTree, wardSample, wardTree, type DendrogramNode } from "./methods/ward.ts";
import { clusterOrder } from "./profile.ts";
import type { ClusterMethodName } from "./settings.ts";
import { silhouettes } from "./silhouettes.ts";
import type { GmmJob, GmmOutcome } from "./fit-worker.ts";
import { startPool } from "./pool.ts";
import { adjustedRandIndex } from "./stability.ts";

export interface MethodEntry {
  method: ClusterMethodName;
  k: number;
  silhouette: number;
  davies_bouldin: number;
  calinski_harabasz: number;
  /** customers per group, group order (DBSCAN: the noise group last) */
  sizes: number[];
  ari_vs_kmeans: number;
  /** the solution compared in the report (see the module comment) */
  chosen: boolean;
  covariance?: CovarianceType;
  bic?: number;
  /** mean log-likelihood per customer */
  log_likelihood?: number;
  /** per group: share of its customers whose highest membership probability is under 0.8 */
  uncertain_share?: number[];
  /** all customers: share whose highest membership probability is under 0.8 */
  uncertain_overall?: number;
  /** the mixture's chosen (lowest-BIC) entry: the mixture solution with the highest silhouette among k >= k_min */
  silhouette_best?: { k: number; covariance: CovarianceType; silhouette: number };
  eps?: number;
  min_samples?: number;
  noise_share?: number;
  /** DBSCAN: clusters merged into the "small groups" group (too small or beyond the largest 8; 0 when none) */
  small_clusters?: number;
  /** DBSCAN: the seeded sample it ran on (null: all customers) */
  dbscan_sample?: number | null;
  /** Ward above the exact size: the tree was built on this many customers */
  sample?: number | null;
}

/** K-Means segments (rows) against one method's groups (columns). */
export interface MethodCrosstab {
  method: ClusterMethodName;
  rows: string[];
  columns: string[];
  counts: number[][];
}

/** A leaf of the Ward dendrogram's top: its Ward group at the chosen k and its most common K-Means segment. */
export interface DendrogramLeaf {
  id: number;
  ward_group: number;
  segment: string;
  segment_share: number;
}

export interface MethodComparison {
  entries: MethodEntry[];
  /** per method, its chosen solution's labels (group order), per customer */
  labels: Partial<Record<ClusterMethodName, Int32Array>>;
  crosstabs: MethodCrosstab[];
  dendrogram: { nodes: DendrogramNode[]; leaves: DendrogramLeaf[]; sample: number | null };
  /** milliseconds per method, Davies-Bouldin and Calinski-Harabasz included; `silhouettes`: every method's
   * silhouettes but DBSCAN's (computed together); `gmm_threads`: the worker threads the mixtures ran in */
  timings: Record<string, number>;
}

export interface CompareInput {
  X: Matrix;
  /** monetary per customer (group order) */
  monetary: ArrayLike<number>;
  sample: Int32Array | null;
  kMax: number;
  /** the report's k */
  k: number;
  /** K-Means labels for every k from 2 to kMax, group order (from the k search when K-Means drives it) */
  kmeans: Map<number, Int32Array> | null;
  /** and their metrics, when the k search computed them (not computed again) */
  kmeansScores?: Map<number, { silhouette: number; davies_bouldin: number; calinski_harabasz: number }>;
  /** names of the K-Means segments at the report's k (null: "K-Means 1" ...) */
  kmeansNames: string[] | null;
  /** worker threads for the mixtures (cluster/pool.ts; default 1, in the process) */
  threads?: number;
  /** hears each part as it is done ("Gaussian mixture (full) k = 4, 3 of 18"): the progress lines */
  onStep?: (part: string) => void;
}

const NOISE = "Noise";

/** Relabels so group 0 has the highest median monetary, the noise label (if any) last, merged small groups before it. */
function ordered(
  labels: Int32Array,
  k: number,
  monetary: ArrayLike<number>,
  noise: number | null = null,
  small: number | null = null,
): Int32Array {
  const order = clusterOrder(monetary, labels, k, noise, small);
  const inverse = new Int32Array(k);
  order.forEach((old, c) => (inverse[old] = c));
  return labels.map((l) => inverse[l]);
}

function sizesOf(labels: ArrayLike<number>, k: number): number[] {
  const sizes = new Array<number>(k).fill(0);
  for (let i = 0; i < labels.length; i++) sizes[labels[i]]++;
  return sizes;
}

function scores(X: Matrix, labels: Int32Array, k: number, sample: Int32Array | null) {
  return {
    silhouette: sampledSilhouette(X, labels, k, sample),
    davies_bouldin: daviesBouldin(X, labels, k),
    calinski_harabasz: calinskiHarabasz(X, labels, k),
  };
}

/** Davies-Bouldin and Calinski-Harabasz now; the silhouette later, with every other labelling (`silhouettes`). */
function scoresLater(X: Matrix, labels: Int32Array, k: number) {
  return {
    silhouette: NaN,
    davies_bouldin: daviesBouldin(X, labels, k),
    calinski_harabasz: calinskiHarabasz(X, labels, k),
  };
}

function table(
  method: ClusterMethodName,
  rows: Int32Array,
  rowNames: string[],
  cols: Int32Array,
  colNames: string[],
): MethodCrosstab {
  const counts = rowNames.map(() => new Array<number>(colNames.length).fill(0));
  for (let i = 0; i < rows.length; i++) counts[rows[i]][cols[i]]++;
  return { method, rows: rowNames, columns: colNames, counts };
}

/** Fits and scores every method (see the module comment); a signal is handled between two fits. */
export async function compareMethods(input: CompareInput, clustering: ClusteringConfig): Promise<MethodComparison> {
  const { X, monetary, sample, kMax } = input;
  const seed = clustering.seed;
  const ks = Array.from({ length: kMax - 1 }, (_, i) => i + 2);
  const kReport = Math.min(Math.max(input.k, 2), kMax);
  const timings: Record<string, number> = {};
  const entries: MethodEntry[] = [];
  const labels: MethodComparison["labels"] = {};
  let t = performance.now();
  // entries whose silhouette is computed at the end, all on the same rows in one pass (cluster/silhouettes.ts)
  const later: { entry: MethodEntry; labels: Int32Array; k: number }[] = [];

  // K-Means at every k (reused from the k search when it ran K-Means)
  const kmeans = new Map<number, Int32Array>();
  for (const k of ks) {
    const known = input.kmeans?.get(k);
    if (!known) await checkpoint();
    const l = known ?? ordered(kmeansMethod(clustering).fit(X, k, seed).labels, k, monetary);
    kmeans.set(k, l);
    const scored = input.kmeansScores?.get(k);
    const score = scored
      ? {
          silhouette: scored.silhouette,
          davies_bouldin: scored.davies_bouldin,
          calinski_harabasz: scored.calinski_harabasz,
        }
      : scoresLater(X, l, k);
    const entry: MethodEntry = {
      method: "kmeans",
      k,
      ...score,
      sizes: sizesOf(l, k),
      ari_vs_kmeans: 1,
      chosen: k === kReport,
    };
    entries.push(entry);
    if (!scored) later.push({ entry, labels: l, k });
  }
  const kmReport = kmeans.get(kReport) as Int32Array;
  labels.kmeans = kmReport;
  const rowNames = input.kmeansNames ?? Array.from({ length: kReport }, (_, j) => `K-Means ${j + 1}`);
  timings.kmeans = performance.now() - t;
  input.onStep?.("K-Means");

  // Gaussian mixture: both covariance types, every k; the lowest BIC is chosen
  t = performance.now();
  let bestGmm: { entry: MethodEntry; labels: Int32Array } | null = null;
  // the K-Means solution at k is the first restart's start (no k-means++ or Lloyd run again)
  const gmmJobs: GmmJob[] = COVARIANCE_TYPES.flatMap((covariance) =>
    ks.map((k) => ({
      kind: "gmm" as const,
      k,
      covariance,
      seed,
      restarts: clustering.methods.gmm_restarts,
      start: kmeans.get(k) as Int32Array,
    })),
  );
  // in worker threads when there is more than one (cluster/pool.ts); the same fits, taken in the same order
  const gmmPool = startPool<GmmJob, GmmOutcome>({
    X,
    monetary,
    sample,
    clustering,
    jobs: gmmJobs,
    threads: input.threads ?? 1,
  });
  try {
    for (const [index, { k, covariance, restarts, start }] of gmmJobs.entries()) {
      await checkpoint();
      const fit = gmmPool ? await gmmPool.outcome(index) : fitGmm(X, { k, covariance, seed, restarts, start });
      const l = ordered(fit.labels, k, monetary);
      const shares = uncertainShare({ k, labels: l, membership: fit.membership });
      let uncertain = 0;
      for (const p of fit.membership) if (p < 0.8) uncertain++;
      const entry: MethodEntry = {
        method: "gmm",
        k,
        ...scoresLater(X, l, k),
        sizes: sizesOf(l, k),
        ari_vs_kmeans: adjustedRandIndex(l, kmeans.get(k) as Int32Array),
        chosen: false,
        covariance,
        bic: fit.bic,
        log_likelihood: fit.log_likelihood,
        uncertain_share: shares,
        uncertain_overall: uncertain / X.rows,
      };
      entries.push(entry);
      later.push({ entry, labels: l, k });
      if (!bestGmm || (entry.bic as number) < (bestGmm.entry.bic as number)) bestGmm = { entry, labels: l };
      input.onStep?.(`Gaussian mixture (${covariance}) k = ${k}, ${index + 1} of ${gmmJobs.length}`);
    }
  } finally {
    await gmmPool?.close();
  }
  const crosstabs: MethodCrosstab[] = [];
  if (bestGmm) {
    bestGmm.entry.chosen = true;
    labels.gmm = bestGmm.labels;
    const names = Array.from({ length: bestGmm.entry.k }, (_, j) => `Component ${j + 1}`);
    crosstabs.push(table("gmm", kmReport, rowNames, bestGmm.labels, names));
  }
  timings.gmm = performance.now() - t;
  timings.gmm_threads = gmmPool?.threads ?? 1;

  // Ward: one tree, cut at every k
  await checkpoint();
  t = performance.now();
  const wSample = wardSample(X.rows, seed);
  const tree = wardTree(wSample ? takeRows(X, wSample) : X);
  for (const k of ks) {
    const fit = wardFromTree(X, tree, wSample, k);
    const l = ordered(fit.labels, k, monetary);
    const entry: MethodEntry = {
      method: "ward",
      k,
      ...scoresLater(X, l, k),
      sizes: sizesOf(l, k),
      ari_vs_kmeans: adjustedRandIndex(l, kmeans.get(k) as Int32Array),
      chosen: k === kReport,
      sample: fit.sample,
    };
    entries.push(entry);
    later.push({ entry, labels: l, k });
    if (k === kReport) {
      labels.ward = l;
      crosstabs.push(
        table(
          "ward",
          kmReport,
          rowNames,
          l,
          Array.from({ length: k }, (_, j) => `Cluster ${j + 1}`),
        ),
      );
    }
  }
  const dendrogram = wardDendrogram(tree, wSample, kReport, labels.ward as Int32Array, kmReport, rowNames);
  timings.ward = performance.now() - t;
  input.onStep?.("Ward");

  // the silhouettes of K-Means (when not given), the mixture and Ward, on the k search's rows
  await checkpoint();
  t = performance.now();
  const values = silhouettes(X, later, sample);
  later.forEach((item, i) => (item.entry.silhouette = values[i]));
  if (bestGmm) {
    const kMin = Math.min(clustering.k_min, kMax);
    // the chosen covariance first, so an equal silhouette (the same partition) keeps BIC's covariance
    const own = bestGmm.entry.covariance;
    const candidates = entries
      .filter((e) => e.method === "gmm" && e.k >= kMin && Number.isFinite(e.silhouette))
      .sort((a, b) => Number(b.covariance === own) - Number(a.covariance === own));
    let top: MethodEntry | null = null;
    for (const e of candidates) if (!top || e.silhouette > top.silhouette) top = e;
    if (top)
      bestGmm.entry.silhouette_best = {
        k: top.k,
        covariance: top.covariance as CovarianceType,
        silhouette: top.silhouette,
      };
  }
  timings.silhouettes = performance.now() - t;
  input.onStep?.("silhouettes");

  // DBSCAN: its own groups; metrics on the clustered customers
  await checkpoint();
  t = performance.now();
  const { dbscan_eps: eps, dbscan_min_samples: minSamples } = clustering.methods;
  const db = fitDbscan(X, {
    seed,
    eps: eps === "auto" ? undefined : eps,
    minSamples: minSamples === "auto" ? undefined : minSamples,
  });
  const dl = ordered(db.labels, db.k, monetary, db.noise_label, db.small_label);
  const smallColumn = db.small_label === null ? -1 : db.clusters - 1;
  const clustered: number[] = [];
  for (let i = 0; i < X.rows; i++) if (db.noise_label === null || dl[i] !== db.k - 1) clustered.push(i);
  const inner = Int32Array.from(clustered, (i) => dl[i]);
  const innerSample = sample
    ? Int32Array.from(sample).filter((i) => db.noise_label === null || dl[i] !== db.k - 1)
    : null;
  // the silhouette sample's rows, renumbered within the clustered customers
  const position = new Int32Array(X.rows).fill(-1);
  clustered.forEach((row, i) => (position[row] = i));
  const Xc = takeRows(X, clustered);
  entries.push({
    method: "dbscan",
    k: db.k,
    ...(db.clusters >= 2
      ? scores(Xc, inner, db.clusters, innerSample ? innerSample.map((i) => position[i]) : null)
      : { silhouette: NaN, davies_bouldin: NaN, calinski_harabasz: NaN }),
    sizes: sizesOf(dl, db.k),
    ari_vs_kmeans: adjustedRandIndex(dl, kmReport),
    chosen: true,
    eps: db.eps,
    min_samples: db.min_samples,
    noise_share: db.noise_share,
    small_clusters: db.small_clusters,
    dbscan_sample: db.sample,
  });
  labels.dbscan = dl;
  crosstabs.push(
    table(
      "dbscan",
      kmReport,
      rowNames,
      dl,
      Array.from({ length: db.k }, (_, j) =>
        db.noise_label !== null && j === db.k - 1
          ? NOISE
          : j === smallColumn
            ? `Small groups (${db.small_clusters} clusters)`
            : `Cluster ${j + 1}`,
      ),
    ),
  );
  timings.dbscan = performance.now() - t;
  for (const key of Object.keys(timings)) timings[key] = Math.round(timings[key] * 10) / 10;
  return { entries, labels, crosstabs, dendrogram, timings };
}

/**
 * The Ward dendrogram's top: the cut at 2 x k (at most 16, at least k) leaves; each leaf carries its Ward group at
 * the chosen k and its most common K-Means segment with that segment's share of its customers.
 */
function wardDendrogram(
  tree: ReturnType<typeof wardTree>,
  sample: Int32Array | null,
  k: number,
  wardLabels: Int32Array,
  kmLabels: Int32Array,
  kmNames: string[],
): MethodComparison["dendrogram"] {
  const leavesN = Math.min(Math.max(2 * k, k), 16, tree.n);
  const nodes = topDendrogram(tree, leavesN);
  const leafOf = cutTree(tree, leavesN);
  const rows = sample ?? Int32Array.from({ length: tree.n }, (_, i) => i);
  const leaves: DendrogramLeaf[] = [];
  for (let leaf = 0; leaf < leavesN; leaf++) {
    const wardCount = new Map<number, number>();
    const segCount = new Array<number>(kmNames.length).fill(0);
    let size = 0;
    for (let i = 0; i < rows.length; i++) {
      if (leafOf[i] !== leaf) continue;
      size++;
      const w = wardLabels[rows[i]];
      wardCount.set(w, (wardCount.get(w) ?? 0) + 1);
      segCount[kmLabels[rows[i]]]++;
    }
    const ward = [...wardCount.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0;
    const top = segCount.indexOf(Math.max(...segCount));
    leaves.push({ id: leaf, ward_group: ward, segment: kmNames[top], segment_share: size ? segCount[top] / size : 0 });
  }
  return { nodes, leaves, sample: sample ? sample.length : null };
}
