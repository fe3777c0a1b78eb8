/**
 * What keeps the method comparison fast and DBSCAN usable on many customers (issue 22): the silhouettes of many
 * labellings in one pass equal the one-at-a-time silhouette; the k-d tree's nearest-within and capped counts
 * equal a brute-force scan; DBSCAN merges small clusters into one group and, above DBSCAN_SAMPLE customers, runs
 * on a seeded sample and joins the rest to the nearest core customer within eps.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildKdTree, countWithin, nearestWithin } from "../../loaders/cluster/kdtree.ts";
import type { Matrix } from "../../loaders/cluster/matrix.ts";
import { sampledSilhouette } from "../../loaders/cluster/metrics.ts";
import { dbscan, DBSCAN_SAMPLE, fitDbscan, MAX_DBSCAN_CLUSTERS } from "../../loaders/cluster/methods/dbscan.ts";
import { silhouettes } from "../../loaders/cluster/silhouettes.ts";
import { adjustedRandIndex } from "../../loaders/cluster/stability.ts";
import { Rng } from "../../loaders/stats/random.ts";

/** Gaussian blobs in 3-D: `sizes[g]` points around `centres[g]` with sd `sd`; truth = blob index. */
function blobs(sizes: number[], centres: number[][], sd: number, seed: number): { X: Matrix; truth: Int32Array } {
  const rng = new Rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const n = sizes.reduce((a, b) => a + b, 0);
  const data = new Float64Array(n * 3);
  const truth = new Int32Array(n);
  let i = 0;
  sizes.forEach((size, g) => {
    for (let m = 0; m < size; m++, i++) {
      truth[i] = g;
      for (let c = 0; c < 3; c++) data[i * 3 + c] = centres[g][c] + sd * gauss();
    }
  });
  return { X: { data, rows: n, cols: 3 }, truth };
}

describe("silhouettes in one pass", () => {
  const { X, truth } = blobs(
    [40, 60, 30, 5],
    [
      [0, 0, 0],
      [3, 0, 0],
      [0, 3, 0],
      [9, 9, 9],
    ],
    1,
    1,
  );
  const rng = new Rng(2);
  const labellings = [
    { labels: truth, k: 4 },
    { labels: Int32Array.from(truth, () => rng.int(3)), k: 3 },
    // a singleton cluster (silhouette 0 for its member) and an empty label
    { labels: Int32Array.from(truth, (_, i) => (i === 0 ? 2 : i % 2)), k: 4 },
    // one cluster present: undefined (NaN)
    { labels: new Int32Array(X.rows), k: 2 },
  ];
  it("equal the silhouette of each labelling, on all rows and on a sample", () => {
    const sample = Int32Array.from({ length: 70 }, (_, i) => (i * 37) % X.rows);
    for (const rows of [null, sample]) {
      const together = silhouettes(X, labellings, rows);
      labellings.forEach((l, i) => {
        const alone = sampledSilhouette(X, l.labels, l.k, rows);
        if (Number.isNaN(alone)) assert.ok(Number.isNaN(together[i]));
        else assert.ok(Math.abs(together[i] - alone) < 1e-12, `labelling ${i}: ${together[i]} vs ${alone}`);
      });
    }
  });
});

describe("k-d tree queries against a brute-force scan", () => {
  const { X } = blobs(
    [300, 200],
    [
      [0, 0, 0],
      [2, 1, 0],
    ],
    1,
    3,
  );
  const { X: Q } = blobs([200], [[1, 0, 0]], 1.5, 4);
  const tree = buildKdTree(X);
  const dist2 = (i: number, j: number) => {
    let s = 0;
    for (let c = 0; c < 3; c++) s += (Q.data[i * 3 + c] - X.data[j * 3 + c]) ** 2;
    return s;
  };
  it("nearestWithin: the nearest row within the radius (lowest row on ties), -1 when none", () => {
    for (const r of [0.05, 0.3, 1]) {
      for (let i = 0; i < Q.rows; i++) {
        let best = -1;
        let bestD = r * r;
        for (let j = 0; j < X.rows; j++) {
          const s = dist2(i, j);
          if (s < bestD || (s === bestD && best < 0)) [best, bestD] = [j, s];
        }
        assert.equal(nearestWithin(tree, Q.data, i, r * r), best);
      }
    }
  });
  it("countWithin: the count within the radius, capped at the limit", () => {
    for (let i = 0; i < Q.rows; i++) {
      let count = 0;
      for (let j = 0; j < X.rows; j++) if (dist2(i, j) <= 0.25) count++;
      assert.equal(countWithin(tree, Q.data, i, 0.25, 1e9), count);
      assert.equal(countWithin(tree, Q.data, i, 0.25, 5), Math.min(count, 5));
    }
  });
});

describe("DBSCAN's small clusters", () => {
  it("clusters under 1% of the customers are merged into one group before the noise", () => {
    // three big blobs, three tiny dense ones far away (8 points each: under 1% of 924)
    const far = [
      [30, 0, 0],
      [0, 30, 0],
      [0, 0, 30],
    ];
    const { X, truth } = blobs([300, 300, 300, 8, 8, 8], [[0, 0, 0], [6, 0, 0], [0, 6, 0], ...far], 0.3, 5);
    const fit = fitDbscan(X, { seed: 1, eps: 0.8, minSamples: 5 });
    assert.equal(fit.found, 6);
    assert.equal(fit.small_clusters, 3);
    assert.equal(fit.small_label, 3);
    assert.equal(fit.clusters, 4);
    for (let i = 0; i < X.rows; i++) if (truth[i] >= 3 && fit.raw[i] >= 0) assert.equal(fit.labels[i], 3);
    // the big blobs keep their own groups
    const big = Int32Array.from({ length: 900 }, (_, i) => i);
    assert.ok(
      adjustedRandIndex(
        Int32Array.from(big, (i) => fit.labels[i]),
        truth.subarray(0, 900),
      ) >= 0.99,
    );
    // raw keeps every cluster found (scikit-learn's labels)
    assert.deepEqual(fit.raw, dbscan(X, 0.8, 5).labels);
  });
  it(`at most ${MAX_DBSCAN_CLUSTERS} clusters keep their own group (the largest)`, () => {
    const sizes = Array.from({ length: 11 }, (_, g) => 100 + 10 * g);
    const centres = sizes.map((_, g) => [8 * g, 0, 0]);
    const { X } = blobs(sizes, centres, 0.3, 6);
    const fit = fitDbscan(X, { seed: 1, eps: 0.8, minSamples: 5 });
    assert.equal(fit.found, 11);
    assert.equal(fit.clusters, MAX_DBSCAN_CLUSTERS + 1);
    assert.equal(fit.small_clusters, 3);
    // the three smallest blobs (the first three) are the merged ones
    for (let i = 0; i < 330; i++) if (fit.raw[i] >= 0) assert.equal(fit.labels[i], fit.small_label);
  });
});

describe(`DBSCAN above ${DBSCAN_SAMPLE.toLocaleString("en")} customers`, () => {
  it("runs on a seeded sample and joins the rest to the nearest core customer within eps", () => {
    const n = DBSCAN_SAMPLE + 10_000;
    const quarter = n / 4;
    const { X, truth } = blobs(
      [quarter, quarter, quarter, quarter],
      [
        [0, 0, 0],
        [5, 0, 0],
        [0, 5, 0],
        [0, 0, 5],
      ],
      0.4,
      7,
    );
    const fit = fitDbscan(X, { seed: 3, eps: 0.4, minSamples: 10 });
    assert.equal(fit.sample, DBSCAN_SAMPLE);
    assert.equal(fit.labels.length, n);
    assert.ok(adjustedRandIndex(fit.raw, truth) >= 0.99, `ARI ${adjustedRandIndex(fit.raw, truth)}`);
    assert.ok(fit.noise_share < 0.01, `noise ${fit.noise_share}`);
    // deterministic for a seed
    assert.deepEqual(fitDbscan(X, { seed: 3, eps: 0.4, minSamples: 10 }).labels, fit.labels);
  });
});
