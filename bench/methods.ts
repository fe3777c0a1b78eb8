/**
 * `npx tsx bench/methods.ts [--sizes 100000,1000000] [--skip-large] [--only retail,ward,kdtree,large] [--runs 5]`:
 * the clustering methods' costs (issue 22). `--runs`: the Online Retail section is repeated and each figure is the
 * median of the runs (CPU and wall separately).
 *
 * 1. Online Retail's customers (the shared reference RFM, 4,338 customers, log1p + standard scaling as the
 *    pipeline): the K-Means stage of the k search (k = 2..10, 10 restarts) against the comparison of every method
 *    (cluster/compare.ts: K-Means reused, the mixture full and diag for every k, Ward's tree cut at every k, DBSCAN),
 *    per method, metrics included.
 * 2. Ward: ml-hclust's AGNES (Ward, from the distance matrix) against our nearest-neighbour chain at growing n.
 * 3. The k-d tree against a brute-force scan: DBSCAN's neighbour counts at the same eps.
 * 4. DBSCAN and the mixture (k = 5, full covariance, the pipeline's 3 restarts) at 100,000 and 1,000,000
 *    synthetic customers (3 features: five log-normal-like groups, standardised).
 * CPU time of this process (the machine is shared, so wall time is printed too). Prints a markdown table.
 */
import { parseArgs } from "node:util";
import { agnes } from "ml-hclust";
import { DEFAULT_CONFIG } from "../loaders/config.ts";
import { buildFeatures } from "../loaders/cluster/features.ts";
import { compareMethods } from "../loaders/cluster/compare.ts";
import { buildKdTree, forEachWithin } from "../loaders/cluster/kdtree.ts";
import type { Matrix } from "../loaders/cluster/matrix.ts";
import { calinskiHarabasz, daviesBouldin, sampledSilhouette, silhouetteSample } from "../loaders/cluster/metrics.ts";
import { chooseEps, defaultMinSamples, fitDbscan } from "../loaders/cluster/methods/dbscan.ts";
import { fitGmm } from "../loaders/cluster/methods/gmm.ts";
import { fitKMeans } from "../loaders/cluster/methods/kmeans.ts";
import { wardTree, cutTree } from "../loaders/cluster/methods/ward.ts";
import { adjustedRandIndex } from "../loaders/cluster/stability.ts";
import { deriveSeed, Rng } from "../loaders/stats/random.ts";
import { loadReferenceRfm } from "../test/fixtures/segment/reference-rfm.ts";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "100000,1000000" },
    "skip-large": { type: "boolean" },
    only: { type: "string", default: "retail,ward,kdtree,large" },
    runs: { type: "string", default: "1" },
  },
});
const sections = new Set((values.only as string).split(","));
const runs = Math.max(1, Number(values.runs));

interface Row {
  what: string;
  n: number;
  cpu_s: number;
  wall_s: number;
  note: string;
}
const rows: Row[] = [];

function timed<T>(what: string, n: number, run: () => T, note: (r: T) => string = () => ""): T {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const r = run();
  record(what, n, cpu, wall, note(r));
  return r;
}

/** `timed` for a computation that yields between its steps (the method comparison: loaders/interrupt.ts). */
async function timedAsync<T>(
  what: string,
  n: number,
  run: () => Promise<T>,
  note: (r: T) => string = () => "",
): Promise<T> {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const r = await run();
  record(what, n, cpu, wall, note(r));
  return r;
}

function record(what: string, n: number, cpu: NodeJS.CpuUsage, wall: number, note: string): void {
  const used = process.cpuUsage(cpu);
  const row = { what, n, cpu_s: (used.user + used.system) / 1e6, wall_s: (performance.now() - wall) / 1000, note };
  rows.push(row);
  process.stderr.write(`${what} n=${n}: ${row.cpu_s.toFixed(2)} s CPU ${row.note}\n`);
}

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

// 1. Online Retail
const customers = sections.has("retail") ? loadReferenceRfm() : null;
const firstRetailRow = rows.length;
for (let run = 0; customers && run < runs; run++) {
  const clustering = DEFAULT_CONFIG.clustering;
  const X = buildFeatures(customers, clustering).matrix;
  const n = X.rows;
  const monetary = Float64Array.from(customers, (c) => c.monetary);
  const kmeans = timed("Online Retail: K-Means stage (k = 2..10, 10 restarts)", n, () => {
    const out = new Map<number, Int32Array>();
    for (let k = 2; k <= 10; k++)
      out.set(
        k,
        fitKMeans(X, {
          k,
          seed: clustering.seed,
          restarts: clustering.restarts,
          maxIterations: clustering.max_iterations,
          tolerance: clustering.tolerance,
        }).labels,
      );
    return out;
  });
  const sample = silhouetteSample(n, clustering.silhouette_sample, deriveSeed(clustering.seed, 0x5113));
  // the k search scores every K-Means solution; the comparison reuses those scores (as pipeline/segment.ts)
  const kmeansScores = timed("Online Retail: the K-Means solutions' metrics (silhouette, DB, CH; k = 2..10)", n, () => {
    const out = new Map<number, { silhouette: number; davies_bouldin: number; calinski_harabasz: number }>();
    for (const [k, labels] of kmeans)
      out.set(k, {
        silhouette: sampledSilhouette(X, labels, k, sample),
        davies_bouldin: daviesBouldin(X, labels, k),
        calinski_harabasz: calinskiHarabasz(X, labels, k),
      });
    return out;
  });
  const comparison = await timedAsync(
    "Online Retail: every method compared (all)",
    n,
    () => compareMethods({ X, monetary, sample, kMax: 10, k: 5, kmeans, kmeansScores, kmeansNames: null }, clustering),
    (c) => JSON.stringify(c.timings),
  );
  void comparison;
  // each method alone (fits only, no metrics), CPU
  timed("Online Retail: mixture, full + diag, k = 2..10 (3 restarts, the first from K-Means)", n, () => {
    for (const covariance of ["full", "diag"] as const)
      for (let k = 2; k <= 10; k++)
        fitGmm(X, { k, covariance, seed: 42, restarts: clustering.methods.gmm_restarts, start: kmeans.get(k) });
  });
  timed("Online Retail: Ward tree + cuts k = 2..10", n, () => {
    const tree = wardTree(X);
    for (let k = 2; k <= 10; k++) cutTree(tree, k);
  });
  timed(
    "Online Retail: DBSCAN (eps from the knee)",
    n,
    () => fitDbscan(X, { seed: 42 }),
    (f) => `eps ${f.eps.toFixed(3)}, ${f.clusters} clusters, noise ${(f.noise_share * 100).toFixed(1)}%`,
  );
}
if (runs > 1) {
  // medians per row name over the runs
  const retail = rows.splice(firstRetailRow);
  const median = (v: number[]) => {
    const s = [...v].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
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

// 2. Ward: ml-hclust vs the nearest-neighbour chain
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

// 3. k-d tree vs brute force (DBSCAN's neighbour counts)
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

// 4. DBSCAN and the mixture at scale
if (!values["skip-large"] && sections.has("large"))
  for (const n of (values.sizes as string).split(",").map(Number)) {
    const X = synthetic(n, 11);
    timed(
      `DBSCAN (eps from the knee, min_samples ${defaultMinSamples(3)})`,
      n,
      () => fitDbscan(X, { seed: 1 }),
      (f) => `eps ${f.eps.toFixed(3)}, ${f.clusters} clusters, noise ${(f.noise_share * 100).toFixed(1)}%`,
    );
    timed("Gaussian mixture (k = 5, full, 3 restarts)", n, () =>
      fitGmm(X, { k: 5, covariance: "full", seed: 1, restarts: 3 }),
    );
  }

console.log("| what | customers | CPU s | wall s | note |\n|---|---:|---:|---:|---|");
for (const r of rows)
  console.log(
    `| ${r.what} | ${r.n.toLocaleString("en")} | ${Number.isNaN(r.cpu_s) ? "" : r.cpu_s.toFixed(2)} | ${r.wall_s.toFixed(2)} | ${r.note} |`,
  );
