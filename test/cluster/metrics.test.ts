import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { kneedle } from "../../loaders/cluster/elbow.ts";
import { takeRows } from "../../loaders/cluster/matrix.ts";
import {
  calinskiHarabasz,
  daviesBouldin,
  inertia,
  sampledSilhouette,
  silhouette,
  silhouetteSample,
} from "../../loaders/cluster/metrics.ts";
import { fitKMeans } from "../../loaders/cluster/methods/kmeans.ts";
import { DEFAULT_CONFIG } from "../../loaders/config/schema.ts";
import { Rng } from "../../loaders/stats/random.ts";
import { close, expected, points } from "../fixtures/segment/expected.ts";

const X = points();
const TOL = 1e-9;

describe("metrics match scikit-learn (fixture from make_expected.py)", () => {
  for (const [name, m] of Object.entries(expected.metrics)) {
    const labels = Int32Array.from(m.labels);
    const k = Math.max(...m.labels) + 1;
    it(`${name}: inertia, silhouette, Davies-Bouldin, Calinski-Harabasz to 1e-9`, () => {
      assert.ok(close(inertia(X, labels, k), m.inertia, TOL), `inertia ${inertia(X, labels, k)} vs ${m.inertia}`);
      assert.ok(
        close(silhouette(X, labels, k), m.silhouette, TOL),
        `silhouette ${silhouette(X, labels, k)} vs ${m.silhouette}`,
      );
      assert.ok(
        close(daviesBouldin(X, labels, k), m.davies_bouldin, TOL),
        `DB ${daviesBouldin(X, labels, k)} vs ${m.davies_bouldin}`,
      );
      assert.ok(
        close(calinskiHarabasz(X, labels, k), m.calinski_harabasz, TOL),
        `CH ${calinskiHarabasz(X, labels, k)} vs ${m.calinski_harabasz}`,
      );
    });
  }

  it("ignores label ids without members, as sklearn's label encoding", () => {
    const m = expected.metrics.truth;
    const shifted = Int32Array.from(m.labels, (l) => (l === 2 ? 4 : l)); // labels 0, 1, 4 with 2 and 3 empty
    assert.ok(close(silhouette(X, shifted, 5), m.silhouette, TOL));
    assert.ok(close(daviesBouldin(X, shifted, 5), m.davies_bouldin, TOL));
    assert.ok(close(calinskiHarabasz(X, shifted, 5), m.calinski_harabasz, TOL));
  });

  it("silhouette is undefined (NaN) for a single cluster", () => {
    assert.ok(Number.isNaN(silhouette(X, new Int32Array(X.rows), 1)));
  });
});

describe("sampled silhouette", () => {
  it("uses every point up to the sample size and a seeded sample above it", () => {
    assert.equal(silhouetteSample(150, 150, 1), null);
    const a = silhouetteSample(150, 60, 1);
    const b = silhouetteSample(150, 60, 1);
    assert.ok(a && b);
    assert.deepEqual(a, b);
    assert.equal(new Set(a).size, 60);
    const labels = Int32Array.from(expected.metrics.truth.labels);
    const sub = Int32Array.from(a, (row) => labels[row]);
    assert.equal(sampledSilhouette(X, labels, 3, a), silhouette(takeRows(X, a), sub, 3));
    assert.equal(sampledSilhouette(X, labels, 3, null), silhouette(X, labels, 3));
  });
});

describe("sampled silhouette against the exact value", () => {
  it("the default sample (clustering.silhouette_sample, 10,000) is within 0.01 of the exact silhouette on 14,000 customers", () => {
    // skewed RFM-like customers (log1p, standardised, as the pipeline clusters them), labelled by k-means
    const n = 14_000;
    const rng = new Rng(7);
    const raw = new Float64Array(n * 3);
    for (let i = 0; i < n; i++) {
      raw[i * 3] = Math.log1p(rng.int(370));
      raw[i * 3 + 1] = Math.log1p(Math.floor(Math.exp(1.2 * rng.normal())));
      raw[i * 3 + 2] = Math.log1p(Math.exp(5.5 + 1.1 * rng.normal()));
    }
    for (let c = 0; c < 3; c++) {
      let m = 0;
      let v = 0;
      for (let i = 0; i < n; i++) m += raw[i * 3 + c] / n;
      for (let i = 0; i < n; i++) v += (raw[i * 3 + c] - m) ** 2 / n;
      for (let i = 0; i < n; i++) raw[i * 3 + c] = (raw[i * 3 + c] - m) / Math.sqrt(v);
    }
    const Y = { data: raw, rows: n, cols: 3 };
    const size = DEFAULT_CONFIG.clustering.silhouette_sample;
    assert.equal(size, 10_000);
    for (const k of [4, 8]) {
      const { labels } = fitKMeans(Y, { k, restarts: 2, seed: 42, maxIterations: 300, tolerance: 1e-4 });
      const exact = silhouette(Y, labels, k);
      for (const seed of [1, 2, 3]) {
        const sampled = sampledSilhouette(Y, labels, k, silhouetteSample(n, size, seed));
        assert.ok(Math.abs(sampled - exact) <= 0.01, `k = ${k}, seed ${seed}: sampled ${sampled} vs exact ${exact}`);
      }
    }
  });
});

describe("elbow (Kneedle)", () => {
  it("finds the knee of a convex decreasing curve", () => {
    assert.equal(kneedle([1, 2, 3, 4, 5], [100, 40, 20, 15, 12]).k, 2);
    // the reference inertias (online_retail_summary.json) bend at k = 5
    const ref = [6474.14, 4856.4, 3924.89, 3268.55, 2840.33, 2533.11, 2325.57, 2144.91, 1989.93];
    assert.equal(kneedle([2, 3, 4, 5, 6, 7, 8, 9, 10], ref).k, 5);
  });

  it("has no elbow for a straight line, fewer than three points or a flat curve", () => {
    assert.equal(kneedle([2, 3, 4, 5], [40, 30, 20, 10]).k, null);
    assert.equal(kneedle([2, 3], [40, 30]).k, null);
    assert.equal(kneedle([2, 3, 4], [5, 5, 5]).k, null);
  });
});
