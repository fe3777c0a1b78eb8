import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  clusterSizes,
  fitKMeans,
  kmeansPlusPlus,
  lloyd,
  permuteClusters,
} from "../../loaders/cluster/methods/kmeans.ts";
import { fromColumns, type Matrix } from "../../loaders/cluster/matrix.ts";
import { deriveSeed, Rng } from "../../loaders/stats/random.ts";
import { expected, points } from "../fixtures/segment/expected.ts";

const options = { restarts: 10, seed: 42, maxIterations: 1000, tolerance: 1e-6 };

function randomMatrix(n: number, d: number, seed: number): Matrix {
  const rng = new Rng(seed);
  return fromColumns(
    Array.from({ length: d }, (_, c) =>
      Float64Array.from({ length: n }, () => rng.next() * (c + 1) + (rng.next() < 0.3 ? 2 : 0)),
    ),
  );
}

/** Textbook Lloyd (every distance, every iteration) until no label changes: the reference for Hamerly's version. */
function naiveLloyd(X: Matrix, init: Float64Array, k: number): { labels: Int32Array; inertia: number } {
  const { data, rows: n, cols: d } = X;
  const C = Float64Array.from(init);
  const labels = new Int32Array(n).fill(-1);
  for (;;) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let c = 0; c < d; c++) s += (data[i * d + c] - C[j * d + c]) ** 2;
        if (s < bestD) [best, bestD] = [j, s];
      }
      if (labels[i] !== best) changed++;
      labels[i] = best;
    }
    if (!changed) break;
    const sums = new Float64Array(k * d);
    const counts = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      counts[labels[i]]++;
      for (let c = 0; c < d; c++) sums[labels[i] * d + c] += data[i * d + c];
    }
    for (let j = 0; j < k; j++) for (let c = 0; c < d; c++) C[j * d + c] = sums[j * d + c] / counts[j];
  }
  let inertia = 0;
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) inertia += (data[i * d + c] - C[labels[i] * d + c]) ** 2;
  return { labels, inertia };
}

describe("seeded random numbers", () => {
  it("are reproducible and seed-dependent", () => {
    const a = new Rng(1);
    const b = new Rng(1);
    const xs = Array.from({ length: 5 }, () => a.next());
    assert.deepEqual(
      xs,
      Array.from({ length: 5 }, () => b.next()),
    );
    assert.notDeepEqual(
      xs,
      Array.from({ length: 5 }, () => new Rng(2).next()),
    );
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    assert.equal(deriveSeed(42, 3, 1), deriveSeed(42, 3, 1));
    assert.notEqual(deriveSeed(42, 3, 1), deriveSeed(42, 3, 2));
  });
});

describe("k-means", () => {
  it("Hamerly's bounds give exactly the assignments of textbook Lloyd from the same start", () => {
    for (const [n, d, k, seed] of [
      [500, 3, 5, 1],
      [400, 2, 8, 2],
      [300, 5, 3, 3],
    ]) {
      const X = randomMatrix(n, d, seed);
      const init = kmeansPlusPlus(X, k, new Rng(seed));
      const fast = lloyd(X, init, k, 10000, 0);
      const slow = naiveLloyd(X, init, k);
      assert.ok(fast.converged);
      assert.deepEqual(fast.labels, slow.labels);
      assert.ok(Math.abs(fast.inertia - slow.inertia) <= 1e-9 * slow.inertia);
    }
  });

  it("same data and seed give identical labels; the best restart is kept", () => {
    const X = points();
    const a = fitKMeans(X, { ...options, k: 4 });
    const b = fitKMeans(X, { ...options, k: 4 });
    assert.deepEqual(a.labels, b.labels);
    assert.deepEqual(a.centroids, b.centroids);
    assert.equal(a.runs.length, 10);
    assert.ok(a.runs.every((r) => r.inertia >= a.runs[a.best_restart].inertia));
    assert.ok(a.inertia <= a.runs[a.best_restart].inertia + 1e-12);
    assert.equal(new Set(a.runs.map((r) => r.seed)).size, 10);
  });

  it("reaches scikit-learn's inertia on the fixture (k = 4, n_init = 10)", () => {
    const fit = fitKMeans(points(), { ...options, k: 4 });
    assert.ok(
      fit.inertia <= expected.metrics.kmeans4.inertia * (1 + 1e-9),
      `${fit.inertia} vs ${expected.metrics.kmeans4.inertia}`,
    );
    assert.ok(fit.converged);
    assert.equal(fit.non_converged, 0);
  });

  it("reports restarts that hit max_iterations", () => {
    const fit = fitKMeans(randomMatrix(400, 3, 9), { ...options, k: 6, maxIterations: 1 });
    assert.ok(fit.non_converged > 0);
    assert.ok(fit.runs.some((r) => !r.converged));
  });

  it("re-seeds an empty cluster with the farthest point", () => {
    const X = fromColumns([Float64Array.of(0, 0.1, 0.2, 10, 10.1, 20)]);
    const result = lloyd(X, Float64Array.of(0, 10, 1000), 3, 100, 0);
    assert.deepEqual(
      clusterSizes(result.labels, 3).every((s) => s > 0),
      true,
    );
    assert.ok(result.converged);
    assert.ok(result.inertia < 1);
  });

  it("copes with duplicate points (fewer distinct points than the data size)", () => {
    const X = fromColumns([
      Float64Array.from({ length: 60 }, (_, i) => i % 3),
      Float64Array.from({ length: 60 }, (_, i) => (i % 3) * 2),
    ]);
    const fit = fitKMeans(X, { ...options, k: 3 });
    assert.deepEqual(clusterSizes(fit.labels, 3), [20, 20, 20]);
    assert.equal(fit.inertia, 0);
  });

  it("renumbers clusters without touching the fit", () => {
    const fit = fitKMeans(points(), { ...options, k: 3 });
    const moved = permuteClusters(fit, [2, 0, 1], 3);
    for (let i = 0; i < fit.labels.length; i++) assert.equal([2, 0, 1][moved.labels[i]], fit.labels[i]);
    assert.deepEqual(Array.from(moved.centroids.subarray(0, 3)), Array.from(fit.centroids.subarray(6, 9)));
    assert.equal(moved.inertia, fit.inertia);
  });

  it("screens restarts on a seeded sample for large data, then refines the winner on all points", () => {
    const X = randomMatrix(3000, 3, 11);
    const full = fitKMeans(X, { ...options, k: 5 });
    const screened = fitKMeans(X, { ...options, k: 5, screenSample: 600 });
    assert.equal(full.screen_sample, null);
    assert.equal(screened.screen_sample, 600);
    assert.equal(screened.labels.length, 3000);
    assert.ok(screened.converged && screened.polish_iterations > 0);
    assert.ok(screened.inertia <= full.inertia * 1.01, `${screened.inertia} vs ${full.inertia}`);
    assert.deepEqual(fitKMeans(X, { ...options, k: 5, screenSample: 600 }).labels, screened.labels);
  });

  it("rejects k larger than the number of points", () => {
    assert.throws(() => fitKMeans(randomMatrix(3, 2, 1), { ...options, k: 4 }), RangeError);
  });
});
