/**
 * The clustering methods' costs (issue 22). Part of `npm run bench` (`--methods`, and `--all`: sections stage,
 * retail and large, `--methods-runs` runs, default 3), or standalone:
 * `npx tsx bench/methods.ts [--only stage,retail,ward,kdtree,large] [--runs 3] [--sizes 100000,1000000] [--skip-large]`.
 * Figures of repeated sections are medians of the runs, CPU time (user + sys of this process) and wall time
 * separately (the machine may be shared: CPU time is the steadier figure).
 *
 * - stage: the pipeline's own segmentation (pipeline/segment.ts `segmentCustomers`, default configuration) on
 *   Online Retail's customers (the shared reference RFM, 4,338 customers), timed stage by stage through its
 *   progress callback: the K-Means stage (the k search's fits, metrics and profiles for k = 2..10, then the choice
 *   of k with its bootstrap stability) beside the method comparison (cluster/compare.ts). Target: the comparison
 *   takes at most the K-Means stage's own time.
 * - retail: on the same customers, each part alone: the K-Means fits, their metrics, the comparison called as the
 *   pipeline calls it, the mixture's 18 fits (full and diag, k = 2..10), Ward's tree and cuts, DBSCAN, and the
 *   comparison's 27 silhouettes (the mixture's and Ward's labellings, cluster/silhouettes.ts).
 * - ward: ml-hclust's AGNES (Ward, from the distance matrix) against our nearest-neighbour chain at growing n.
 * - kdtree: the k-d tree against a brute-force scan: DBSCAN's neighbour counts at the same eps.
 * - gmm-seeds (standalone only, `--seeds 42,1,7,3`): the mixture with the pipeline's settings (gmm_restarts, the
 *   first restart from the K-Means solution of the same seed) at each seed, for k = 2..10 and both covariance types,
 *   against scikit-learn's best of 10 (test/fixtures/cluster/methods.json.gz): how many of the 18 pairs end within
 *   0.1% of it or better.
 * - large: DBSCAN and the mixture (k = 5, full covariance, the pipeline's 3 restarts) at 100,000 and 1,000,000
 *   synthetic customers (3 features: five log-normal-like groups, standardised).
 */
import { agnes } from "ml-hclust";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { parseArgs } from "node:util";
import { DEFAULT_CONFIG } from "../loaders/config.ts";
import { buildFeatures } from "../loaders/cluster/features.ts";
import { compareMethods } from "../loaders/cluster/compare.ts";
import { buildKdTree, forEachWithin } from "../loaders/cluster/kdtree.ts";
import type { Matrix } from "../loaders/cluster/matrix.ts";
import { calinskiHarabasz, daviesBouldin, sampledSilhouette, silhouetteSample } from "../loaders/cluster/metrics.ts";
import { chooseEps, defaultMinSamples, fitDbscan } from "../loaders/cluster/methods/dbscan.ts";
import { fitGmm } from "../loaders/cluster/methods/gmm.ts";
import { kmeansMethod } from "../loaders/cluster/methods/index.ts";
import { wardTree, cutTree } from "../loaders/cluster/methods/ward.ts";
import { silhouettes, type Labelling } from "../loaders/cluster/silhouettes.ts";
import { adjustedRandIndex } from "../loaders/cluster/stability.ts";
import { segmentCustomers } from "../loaders/pipeline/segment.ts";
import { deriveSeed, Rng } from "../loaders/stats/random.ts";
import { loadReferenceRfm } from "../test/fixtures/segment/reference-rfm.ts";
import type { Target } from "./report.ts";
import { median } from "./stats.ts";

export const METHOD_SECTIONS = ["stage", "retail", "ward", "kdtree", "large", "gmm-seeds"] as const;

export interface MethodsOptions {
  sections: readonly string[];
  runs: number;
  sizes: number[];
  /** gmm-seeds: the seeds (default 42, 1, 7, 3) */
  seeds?: number[];
}

export interface MethodsRow {
  what: string;
  n: number;
  cpu_s: number;
  wall_s: number;
  note: string;
}

/** One run of the pipeline's segmentation: its K-Means stage and its method comparison, CPU and wall ms. */
export interface StageRun {
  kmeans_cpu_ms: number;
  kmeans_wall_ms: number;
  compare_cpu_ms: number;
  compare_wall_ms: number;
  /** the comparison's own wall ms per part (timings.json `segment_stages.compare_*`) */
  compare_parts_ms: Record<string, number>;
}

export interface MethodsBench {
  command: string;
  customers: number | null;
  runs: number;
  stage: StageRun[];
  rows: MethodsRow[];
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

/** n synthetic customers, 3 standardised features: five groups of different size and spread. */
function synthetic(n: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const centres = [
    [0, 0, 0],
    [2, 1, 0.5],
    [-1, 2, 1],
    [1, -1.5, 2],
    [3, 3, -1],
  ];
  const spread = [0.5, 0.8, 0.4, 1.0, 0.6];
  const weights = [0.35, 0.25, 0.2, 0.12, 0.08];
  const data = new Float64Array(n * 3);
  const gauss = () => {
    const u = 1 - rng.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  };
  for (let i = 0; i < n; i++) {
    let u = rng.next();
    let g = 0;
    while (g < 4 && u > weights[g]) u -= weights[g++];
    for (let c = 0; c < 3; c++) data[i * 3 + c] = centres[g][c] + spread[g] * gauss();
  }
  return { data, rows: n, cols: 3 };
}

/** Runs the sections (see the module comment); `log` hears of each figure as it comes. */
export async function benchMethods(o: MethodsOptions, log: (line: string) => void = () => {}): Promise<MethodsBench> {
  const sections = new Set(o.sections);
  const runs = Math.max(1, o.runs);
  const rows: MethodsRow[] = [];
  const stage: StageRun[] = [];
  const command = `npx tsx bench/methods.ts --only ${o.sections.join(",")} --runs ${runs}${sections.has("large") ? ` --sizes ${o.sizes.join(",")}` : ""}`;

  function timed<T>(what: string, n: number, run: () => T, note: (r: T) => string = () => ""): T {
    const cpu = process.cpuUsage();
    const wall = performance.now();
    const r = run();
    const used = process.cpuUsage(cpu);
    const row = { what, n, cpu_s: cpuMs(used) / 1000, wall_s: (performance.now() - wall) / 1000, note: note(r) };
    rows.push(row);
    log(`${what} n=${n}: ${row.cpu_s.toFixed(2)} s CPU, ${row.wall_s.toFixed(2)} s wall ${row.note}`);
    return r;
  }
  /** `timed` for a computation that yields between its steps (the method comparison: loaders/interrupt.ts). */
  async function timedAsync<T>(what: string, n: number, run: () => Promise<T>, note: (r: T) => string): Promise<T> {
    const cpu = process.cpuUsage();
    const wall = performance.now();
    const r = await run();
    const used = process.cpuUsage(cpu);
    const row = { what, n, cpu_s: cpuMs(used) / 1000, wall_s: (performance.now() - wall) / 1000, note: note(r) };
    rows.push(row);
    log(`${what} n=${n}: ${row.cpu_s.toFixed(2)} s CPU, ${row.wall_s.toFixed(2)} s wall ${row.note}`);
    return r;
  }

  const onRetail = sections.has("stage") || sections.has("retail") || sections.has("gmm-seeds");
  const customers = onRetail ? loadReferenceRfm() : null;
  if (!customers && onRetail)
    log("Online Retail sections skipped: ../shared/reference/online_retail_rfm.csv.gz is absent");

  // stage: the pipeline's segmentation, stage by stage
  for (let run = 0; customers && sections.has("stage") && run < runs; run++) {
    const marks = new Map<string, { cpu: number; wall: number }>();
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const result = await segmentCustomers(customers, DEFAULT_CONFIG.rfm, DEFAULT_CONFIG.clustering, (name) =>
      marks.set(name, { cpu: cpuMs(process.cpuUsage(cpu0)), wall: performance.now() - wall0 }),
    );
    const at = (name: string) => {
      const m = marks.get(name);
      if (!m) throw new Error(`bench: the segmentation reported no "${name}" stage`);
      return m;
    };
    // the K-Means stage: after the RFM segments, to the chosen k (search, metrics, profiles, choice, stability)
    const [rfm, chooseK, pca, compare] = ["rfm", "choose_k", "pca", "compare"].map(at);
    const parts = Object.fromEntries(
      Object.entries(result.timings)
        .filter(([key]) => key.startsWith("compare_") && !key.endsWith("_threads"))
        .map(([key, ms]) => [key.slice("compare_".length), ms]),
    );
    const r: StageRun = {
      kmeans_cpu_ms: chooseK.cpu - rfm.cpu,
      kmeans_wall_ms: chooseK.wall - rfm.wall,
      compare_cpu_ms: compare.cpu - pca.cpu,
      compare_wall_ms: compare.wall - pca.wall,
      compare_parts_ms: parts,
    };
    stage.push(r);
    log(
      `stage run ${run + 1}/${runs}: K-Means stage ${(r.kmeans_cpu_ms / 1000).toFixed(2)} s CPU (${(r.kmeans_wall_ms / 1000).toFixed(2)} s wall), comparison ${(r.compare_cpu_ms / 1000).toFixed(2)} s CPU (${(r.compare_wall_ms / 1000).toFixed(2)} s wall)`,
    );
  }

  // retail: each part alone
  const firstRetailRow = rows.length;
  for (let run = 0; customers && sections.has("retail") && run < runs; run++) {
    const clustering = DEFAULT_CONFIG.clustering;
    const X = buildFeatures(customers, clustering).matrix;
    const n = X.rows;
    const monetary = Float64Array.from(customers, (c) => c.monetary);
    const kmeans = timed("Online Retail: K-Means fits (k = 2..10, 10 restarts)", n, () => {
      const out = new Map<number, Int32Array>();
      for (let k = 2; k <= 10; k++) out.set(k, kmeansMethod(clustering).fit(X, k, clustering.seed).labels);
      return out;
    });
    const sample = silhouetteSample(n, clustering.silhouette_sample, deriveSeed(clustering.seed, 0x5113));
    // the k search scores every K-Means solution; the comparison reuses those scores (as pipeline/segment.ts)
    const kmeansScores = timed("Online Retail: the K-Means solutions' metrics (silhouette, DB, CH)", n, () => {
      const out = new Map<number, { silhouette: number; davies_bouldin: number; calinski_harabasz: number }>();
      for (const [k, labels] of kmeans)
        out.set(k, {
          silhouette: sampledSilhouette(X, labels, k, sample),
          davies_bouldin: daviesBouldin(X, labels, k),
          calinski_harabasz: calinskiHarabasz(X, labels, k),
        });
      return out;
    });
    await timedAsync(
      "Online Retail: every method compared, as the pipeline calls it",
      n,
      () =>
        compareMethods({ X, monetary, sample, kMax: 10, k: 5, kmeans, kmeansScores, kmeansNames: null }, clustering),
      (c) => `wall ms per part: ${JSON.stringify(c.timings)}`,
    );
    const labellings: Labelling[] = [];
    timed(
      `Online Retail: mixture, full + diag, k = 2..10 (${clustering.methods.gmm_restarts} restarts, the first from K-Means)`,
      n,
      () => {
        for (const covariance of ["full", "diag"] as const)
          for (let k = 2; k <= 10; k++) {
            const fit = fitGmm(X, {
              k,
              covariance,
              seed: clustering.seed,
              restarts: clustering.methods.gmm_restarts,
              start: kmeans.get(k),
            });
            labellings.push({ labels: fit.labels, k });
          }
      },
    );
    timed("Online Retail: Ward tree + cuts k = 2..10", n, () => {
      const tree = wardTree(X);
      for (let k = 2; k <= 10; k++) labellings.push({ labels: cutTree(tree, k), k });
    });
    timed(
      "Online Retail: DBSCAN (eps from the knee)",
      n,
      () => fitDbscan(X, { seed: clustering.seed }),
      (f) => `eps ${f.eps.toFixed(3)}, ${f.clusters} clusters, noise ${(f.noise_share * 100).toFixed(1)}%`,
    );
    timed("Online Retail: the comparison's 27 exact silhouettes (mixture and Ward)", n, () =>
      silhouettes(X, labellings, sample),
    );
  }
  if (runs > 1) {
    // medians per row name over the runs
    const retail = rows.splice(firstRetailRow);
    for (const what of [...new Set(retail.map((r) => r.what))]) {
      const of = retail.filter((r) => r.what === what);
      rows.push({
        what: `${what} (median of ${of.length})`,
        n: of[0].n,
        cpu_s: median(of.map((r) => r.cpu_s)),
        wall_s: median(of.map((r) => r.wall_s)),
        note: `CPU s per run: ${of.map((r) => r.cpu_s.toFixed(2)).join(", ")}${of[of.length - 1].note ? `; last: ${of[of.length - 1].note}` : ""}`,
      });
    }
  }

  // ward: ml-hclust vs the nearest-neighbour chain
  for (const n of sections.has("ward") ? [500, 1000, 2000] : []) {
    const X = synthetic(n, 7);
    const rowsOf = Array.from({ length: n }, (_, i) => Array.from(X.data.subarray(i * 3, i * 3 + 3)));
    const ours = timed("Ward: nearest-neighbour chain", n, () => cutTree(wardTree(X), 5));
    const theirs = timed("Ward: ml-hclust agnes (method ward)", n, () => agnes(rowsOf, { method: "ward" }));
    const groups = theirs.group(5);
    const labels = new Int32Array(n);
    groups.children.forEach((child, g) => {
      for (const leaf of child.indices()) labels[leaf] = g;
    });
    rows[rows.length - 1].note = `ARI vs ours at k = 5: ${adjustedRandIndex(labels, ours).toFixed(4)}`;
  }
  for (const n of sections.has("ward") ? [4338, 20_000] : []) {
    const X = synthetic(n, 8);
    timed("Ward: nearest-neighbour chain", n, () => wardTree(X));
  }

  // kdtree: the k-d tree vs brute force (DBSCAN's neighbour counts)
  if (sections.has("kdtree")) {
    const n = 20_000;
    const X = synthetic(n, 9);
    const tree = buildKdTree(X);
    const eps = chooseEps(X, defaultMinSamples(3), 1, tree);
    const r2 = eps * eps;
    const kd = timed("neighbour counts: k-d tree", n, () => {
      let total = 0;
      for (let i = 0; i < n; i++) total += forEachWithin(tree, X.data, i, r2, null);
      return total;
    });
    const brute = timed("neighbour counts: brute force", n, () => {
      let total = 0;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let c = 0; c < 3; c++) s += (X.data[i * 3 + c] - X.data[j * 3 + c]) ** 2;
          if (s <= r2) total++;
        }
      return total;
    });
    if (kd !== brute) throw new Error(`k-d tree counted ${kd} neighbours, brute force ${brute}`);
  }

  // gmm-seeds: the mixture against scikit-learn's best of 10, seed by seed
  if (customers && sections.has("gmm-seeds")) {
    const reference = (
      JSON.parse(
        gunzipSync(readFileSync(new URL("../test/fixtures/cluster/methods.json.gz", import.meta.url))).toString(),
      ) as {
        retail: { gmm: Record<"full" | "diag", Record<string, { log_likelihood: number }>> };
      }
    ).retail.gmm;
    const clustering = DEFAULT_CONFIG.clustering;
    const X = buildFeatures(customers, clustering).matrix;
    for (const seed of o.seeds ?? [42, 1, 7, 3]) {
      const kmeans = new Map<number, Int32Array>();
      for (let k = 2; k <= 10; k++) kmeans.set(k, kmeansMethod(clustering).fit(X, k, seed).labels);
      const below: string[] = [];
      timed(
        `mixture vs scikit-learn's best of 10, seed ${seed} (${clustering.methods.gmm_restarts} restarts, the first from K-Means)`,
        X.rows,
        () => {
          for (const covariance of ["full", "diag"] as const)
            for (let k = 2; k <= 10; k++) {
              const ref = reference[covariance][String(k)].log_likelihood;
              const fit = fitGmm(X, {
                k,
                covariance,
                seed,
                restarts: clustering.methods.gmm_restarts,
                start: kmeans.get(k),
              });
              if (fit.log_likelihood < ref - 1e-3 * Math.abs(ref))
                below.push(`${covariance} k = ${k}: ${fit.log_likelihood.toFixed(4)} vs ${ref.toFixed(4)}`);
            }
        },
        () =>
          `${18 - below.length} of 18 pairs within 0.1% or better${below.length ? `; below: ${below.join(", ")}` : ""}`,
      );
    }
  }

  // large: DBSCAN and the mixture at scale
  for (const n of sections.has("large") ? o.sizes : []) {
    const X = synthetic(n, 11);
    timed(
      `DBSCAN (eps from the knee, min_samples ${defaultMinSamples(3)})`,
      n,
      () => fitDbscan(X, { seed: 1 }),
      (f) =>
        `eps ${f.eps.toFixed(3)}, ${f.clusters} clusters, noise ${(f.noise_share * 100).toFixed(1)}%${f.sample ? `, sample ${f.sample.toLocaleString("en-US")}` : ""}`,
    );
    timed("Gaussian mixture (k = 5, full, 3 restarts)", n, () =>
      fitGmm(X, { k: 5, covariance: "full", seed: 1, restarts: 3 }),
    );
  }
  return { command, customers: customers?.length ?? null, runs, stage, rows };
}

/** Medians of the stage runs: the K-Means stage and the comparison, CPU and wall ms, and the comparison's parts. */
export function stageMedians(stage: readonly StageRun[]) {
  const keys = [...new Set(stage.flatMap((r) => Object.keys(r.compare_parts_ms)))];
  return {
    kmeans_cpu_ms: median(stage.map((r) => r.kmeans_cpu_ms)),
    kmeans_wall_ms: median(stage.map((r) => r.kmeans_wall_ms)),
    compare_cpu_ms: median(stage.map((r) => r.compare_cpu_ms)),
    compare_wall_ms: median(stage.map((r) => r.compare_wall_ms)),
    parts_ms: Object.fromEntries(keys.map((k) => [k, median(stage.map((r) => r.compare_parts_ms[k] ?? NaN))])),
  };
}

const s2 = (ms: number) => (ms / 1000).toFixed(2);

export function renderMethods(b: MethodsBench): string {
  const out = [`## Clustering methods (issue 22)`, "", `Command: \`${b.command}\` (in-process; CPU = user + sys).`];
  if (b.stage.length) {
    const m = stageMedians(b.stage);
    out.push(
      "",
      `The pipeline's segmentation on Online Retail's ${b.customers?.toLocaleString("en-US")} customers (reference RFM, default configuration), median of ${b.stage.length} runs:`,
      "",
      "| stage | CPU s | wall s | CPU s per run |",
      "|---|---:|---:|---|",
      `| K-Means stage: k search (fits, metrics, profiles, k = 2..10) + choice of k (bootstrap stability) | ${s2(m.kmeans_cpu_ms)} | ${s2(m.kmeans_wall_ms)} | ${b.stage.map((r) => s2(r.kmeans_cpu_ms)).join(", ")} |`,
      `| method comparison (every method, metrics, cross-tables) | ${s2(m.compare_cpu_ms)} | ${s2(m.compare_wall_ms)} | ${b.stage.map((r) => s2(r.compare_cpu_ms)).join(", ")} |`,
      ...Object.entries(m.parts_ms).map(([part, ms]) => `| comparison: ${part} (wall only) | | ${s2(ms)} | |`),
    );
  }
  if (b.rows.length)
    out.push(
      "",
      "| what | customers | CPU s | wall s | note |",
      "|---|---:|---:|---:|---|",
      ...b.rows.map(
        (r) =>
          `| ${r.what} | ${r.n.toLocaleString("en-US")} | ${r.cpu_s.toFixed(2)} | ${r.wall_s.toFixed(2)} | ${r.note} |`,
      ),
    );
  return out.join("\n");
}

/** The issue's speed target: the comparison adds at most the K-Means stage's own time (CPU and wall medians). */
export function methodsTargets(b: MethodsBench): Target[] {
  if (!b.stage.length) return [];
  const m = stageMedians(b.stage);
  return [
    {
      name: "method comparison vs the K-Means stage on Online Retail: CPU time",
      goal: "<= 1x",
      measured: `${(m.compare_cpu_ms / m.kmeans_cpu_ms).toFixed(2)}x (${s2(m.compare_cpu_ms)} s vs ${s2(m.kmeans_cpu_ms)} s, median of ${b.stage.length})`,
      met: m.compare_cpu_ms <= m.kmeans_cpu_ms,
    },
    {
      name: "method comparison vs the K-Means stage on Online Retail: wall time",
      goal: "<= 1x",
      measured: `${(m.compare_wall_ms / m.kmeans_wall_ms).toFixed(2)}x (${s2(m.compare_wall_ms)} s vs ${s2(m.kmeans_wall_ms)} s)`,
      met: m.compare_wall_ms <= m.kmeans_wall_ms,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: "100000,1000000" },
      "skip-large": { type: "boolean" },
      only: { type: "string", default: "stage,retail,ward,kdtree,large" },
      runs: { type: "string", default: "1" },
      seeds: { type: "string", default: "42,1,7,3" },
    },
  });
  const sections = (values.only as string).split(",").filter((s) => !(values["skip-large"] && s === "large"));
  const unknown = sections.filter((s) => !(METHOD_SECTIONS as readonly string[]).includes(s));
  if (unknown.length) {
    process.stderr.write(`bench/methods.ts: unknown section ${unknown.join(", ")} (${METHOD_SECTIONS.join(", ")})\n`);
    process.exit(2);
  }
  const result = await benchMethods(
    {
      sections,
      runs: Number(values.runs),
      sizes: (values.sizes as string).split(",").map(Number),
      seeds: (values.seeds as string).split(",").map(Number),
    },
    (line) => void process.stderr.write(`${line}\n`),
  );
  const targets = methodsTargets(result);
  process.stdout.write(
    `${renderMethods(result)}\n${targets.map((t) => `\n${t.name}: ${t.measured} (goal ${t.goal}: ${t.met ? "met" : "missed"})`).join("")}\n`,
  );
}
