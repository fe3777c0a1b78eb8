/**
 * Our k-means against ml-kmeans, the library the project started from: from the same initial centroids both
 * reach the same partition, and with the same number of restarts our typical inertia is as low as ml-kmeans'.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { kmeans as mlKmeans } from "ml-kmeans";
import { fitKMeans, lloyd } from "../../loaders/cluster/methods/kmeans.ts";
import { fromColumns, type Matrix } from "../../loaders/cluster/matrix.ts";
import { Rng } from "../../loaders/stats/random.ts";

/** Three blobs with some overlap and a skewed fourth, 600 points in 3-D. */
function blobs(seed: number): Matrix {
  const rng = new Rng(seed);
  const centres = [
    [0, 0, 0],
    [3, 1, 0],
    [0, 3, 2],
    [4, 4, 4],
  ];
  const cols = [new Float64Array(600), new Float64Array(600), new Float64Array(600)];
  for (let i = 0; i < 600; i++) {
    const c = centres[i % 4];
    for (let d = 0; d < 3; d++) {
      const gauss = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
      cols[d][i] = c[d] + gauss * (i % 4 === 3 ? 1.6 : 0.8);
    }
  }
  return fromColumns(cols);
}

const rows = (X: Matrix) =>
  Array.from({ length: X.rows }, (_, i) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)));

function inertiaOf(X: Matrix, labels: ArrayLike<number>, k: number): number {
  const d = X.cols;
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  for (let i = 0; i < X.rows; i++) {
    counts[labels[i]]++;
    for (let c = 0; c < d; c++) sums[labels[i] * d + c] += X.data[i * d + c];
  }
  let total = 0;
  for (let i = 0; i < X.rows; i++)
    for (let c = 0; c < d; c++) total += (X.data[i * d + c] - sums[labels[i] * d + c] / counts[labels[i]]) ** 2;
  return total;
}

test("from the same initial centroids, our Lloyd iterations and ml-kmeans reach the same partition", () => {
  const X = blobs(3);
  for (const k of [2, 3, 4, 6]) {
    const init = rows(X)
      .filter((_, i) => i % 97 === 5)
      .slice(0, k);
    const theirs = mlKmeans(rows(X), k, { initialization: init, maxIterations: 10_000, tolerance: 1e-12 });
    const ours = lloyd(X, Float64Array.from(init.flat()), k, 10_000, 0);
    assert.ok(theirs.converged, `ml-kmeans converged at k = ${k}`);
    assert.deepEqual(Array.from(ours.labels), theirs.clusters, `labels at k = ${k}`);
  }
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

test("with the same 10 restarts, our median inertia over seed families is within 0.5% of ml-kmeans'", () => {
  const X = blobs(11);
  for (const k of [3, 4, 5, 8]) {
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let family = 0; family < 5; family++) {
      ours.push(fitKMeans(X, { k, restarts: 10, seed: 1000 + family, maxIterations: 1000, tolerance: 1e-6 }).inertia);
      let best = Infinity;
      for (let seed = family * 10 + 1; seed <= family * 10 + 10; seed++) {
        const run = mlKmeans(rows(X), k, { initialization: "kmeans++", seed, maxIterations: 1000 });
        best = Math.min(best, inertiaOf(X, run.clusters, k));
      }
      theirs.push(best);
    }
    assert.ok(
      median(ours) <= median(theirs) * 1.005,
      `k = ${k}: ours ${ours.map((x) => x.toFixed(1))} vs ml-kmeans ${theirs.map((x) => x.toFixed(1))}`,
    );
  }
});
