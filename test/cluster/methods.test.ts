/**
 * The clustering methods beside K-Means (Gaussian mixture, Ward, DBSCAN): known structure recovered, the shapes where
 * each beats K-Means, determinism, and agreement with scikit-learn (test/fixtures/cluster/make_methods.py) on small
 * shapes and on Online Retail's features (read from ../shared/reference; those checks skip when it is absent).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { DEFAULT_CONFIG } from "../../loaders/config.ts";
import { buildFeatures } from "../../loaders/cluster/features.ts";
import { type Matrix } from "../../loaders/cluster/matrix.ts";
import { assignDbscan, dbscan, fitDbscan, kneeOfAscending } from "../../loaders/cluster/methods/dbscan.ts";
import { assignGmm, fitGmm, uncertainShare } from "../../loaders/cluster/methods/gmm.ts";
import { fitKMeans } from "../../loaders/cluster/methods/kmeans.ts";
import { cutTree, fitWard, topDendrogram, wardTree } from "../../loaders/cluster/methods/ward.ts";
import { adjustedRandIndex } from "../../loaders/cluster/stability.ts";
import { loadReferenceRfm } from "../fixtures/segment/reference-rfm.ts";
import { requires } from "../support/skip.ts";

interface Shape {
  X: number[][];
  truth: number[];
  ward: number[];
  dbscan?: { eps: number; min_samples: number; labels: number[] };
  gmm_full_ll?: number;
}
interface Fixture {
  shapes: Record<"blobs" | "moons" | "rings" | "unequal", Shape>;
  retail: {
    n: number;
    column_means_of_squares: number[];
    ward: Record<string, number[]>;
    dbscan: { eps: number; min_samples: number; labels: number[] }[];
    gmm: Record<"full" | "diag", Record<string, { log_likelihood: number; bic: number }>>;
  };
}

const fixture = JSON.parse(
  gunzipSync(readFileSync(new URL("../fixtures/cluster/methods.json.gz", import.meta.url))).toString("utf8"),
) as Fixture;

function matrix(rows: number[][]): Matrix {
  const cols = rows[0].length;
  return { data: Float64Array.from(rows.flat()), rows: rows.length, cols };
}

const kmeans = (X: Matrix, k: number) =>
  fitKMeans(X, { k, seed: 42, restarts: 10, maxIterations: 300, tolerance: 1e-6 }).labels;

describe("well-separated blobs (4 in 3-D)", () => {
  const { X: rows, truth } = fixture.shapes.blobs;
  const X = matrix(rows);
  it("each method recovers them (ARI >= 0.95)", () => {
    assert.ok(adjustedRandIndex(fitGmm(X, { k: 4, covariance: "full", seed: 1, restarts: 3 }).labels, truth) >= 0.95);
    assert.ok(adjustedRandIndex(fitGmm(X, { k: 4, covariance: "diag", seed: 1, restarts: 3 }).labels, truth) >= 0.95);
    assert.ok(adjustedRandIndex(fitWard(X, 4, 1).labels, truth) >= 0.95);
    const db = fitDbscan(X, { seed: 1 });
    assert.ok(db.noise_share < 0.05, `noise ${db.noise_share}`);
    assert.ok(adjustedRandIndex(db.raw, truth) >= 0.95, `dbscan ARI ${adjustedRandIndex(db.raw, truth)}`);
  });
  it("Ward agrees with scikit-learn's AgglomerativeClustering", () => {
    assert.ok(adjustedRandIndex(fitWard(X, 4, 1).labels, fixture.shapes.blobs.ward) >= 0.99);
  });
  it("is deterministic for a seed", () => {
    const a = fitGmm(X, { k: 4, covariance: "full", seed: 9, restarts: 3 });
    const b = fitGmm(X, { k: 4, covariance: "full", seed: 9, restarts: 3 });
    assert.deepEqual(a.labels, b.labels);
    assert.equal(a.log_likelihood, b.log_likelihood);
    assert.deepEqual(fitDbscan(X, { seed: 9 }).labels, fitDbscan(X, { seed: 9 }).labels);
    assert.deepEqual(fitWard(X, 3, 9, 200).labels, fitWard(X, 3, 9, 200).labels);
  });
  it("a model assigns its own points to the same groups", () => {
    const g = fitGmm(X, { k: 4, covariance: "full", seed: 1, restarts: 2 });
    assert.deepEqual(assignGmm(g, X).labels, g.labels);
    const db = fitDbscan(X, { seed: 1 });
    const coreRows = [...db.core.keys()].filter((i) => db.core[i]);
    const cores = matrix(coreRows.map((i) => rows[i]));
    const assigned = assignDbscan(
      cores,
      coreRows.map((i) => db.labels[i]),
      db.eps,
      db.noise_label ?? -1,
      X,
    );
    // core points keep their cluster; border points may go to another cluster they touch (none here)
    coreRows.forEach((i) => assert.equal(assigned[i], db.labels[i]));
  });
});

describe("nested and elongated shapes: DBSCAN beats K-Means", () => {
  for (const name of ["moons", "rings"] as const) {
    it(name, () => {
      const { X: rows, truth, dbscan: ref } = fixture.shapes[name];
      const X = matrix(rows);
      const db = fitDbscan(X, { seed: 1 });
      const dbAri = adjustedRandIndex(db.raw, truth);
      const kmAri = adjustedRandIndex(kmeans(X, 2), truth);
      assert.ok(dbAri >= 0.95 && kmAri < 0.5, `${name}: DBSCAN ARI ${dbAri}, K-Means ${kmAri}`);
      assert.ok(ref);
      const same = dbscan(X, ref.eps, ref.min_samples).labels;
      assert.ok(adjustedRandIndex(same, ref.labels) >= 0.99, "scikit-learn's DBSCAN at the same eps");
    });
  }
});

describe("unequal variances: the mixture beats K-Means", () => {
  const { X: rows, truth, gmm_full_ll } = fixture.shapes.unequal;
  const X = matrix(rows);
  it("higher ARI against the truth, and scikit-learn's log-likelihood or better", () => {
    const g = fitGmm(X, { k: 3, covariance: "full", seed: 42, restarts: 10 });
    const gAri = adjustedRandIndex(g.labels, truth);
    const kAri = adjustedRandIndex(kmeans(X, 3), truth);
    assert.ok(gAri >= 0.9 && gAri > kAri + 0.05, `mixture ARI ${gAri}, K-Means ${kAri}`);
    assert.ok(g.log_likelihood >= (gmm_full_ll as number) - 1e-3 * Math.abs(gmm_full_ll as number));
    const shares = uncertainShare(g);
    assert.equal(shares.length, 3);
    shares.forEach((s) => assert.ok(s >= 0 && s < 0.5));
  });
});

describe("Ward tree", () => {
  it("merges and cuts as scipy on a hand-checked case", () => {
    // 1-D points 0, 1, 5, 6, 20: merges {0,1} and {5,6} (height sqrt(2 * 0.5) = 1), then the two pairs, then 20
    const X = matrix([[0], [1], [5], [6], [20]]);
    const tree = wardTree(X);
    assert.deepEqual(Array.from(tree.height.slice(0, 2)), [1, 1]);
    assert.deepEqual([tree.a[0], tree.b[0], tree.a[1], tree.b[1]], [0, 1, 2, 3]);
    // {0,1} + {5,6}: sqrt(2 * 2 * 2 / 4) * 5 = 5 * sqrt(2)
    assert.ok(Math.abs(tree.height[2] - 5 * Math.SQRT2) < 1e-12);
    assert.deepEqual(Array.from(cutTree(tree, 2)), [0, 0, 0, 0, 1]);
    assert.deepEqual(Array.from(cutTree(tree, 3)), [0, 0, 1, 1, 2]);
    const top = topDendrogram(tree, 3);
    assert.equal(top.length, 5);
    assert.deepEqual(top[0].children.length, 2);
    assert.deepEqual(
      top
        .filter((n) => !n.children.length)
        .map((n) => n.size)
        .sort(),
      [1, 2, 2],
    );
  });
  it("the sampled tree (above the exact size) still recovers the blobs", () => {
    const X = matrix(fixture.shapes.blobs.X);
    const fit = fitWard(X, 4, 3, 200);
    assert.equal(fit.sample, 200);
    assert.ok(adjustedRandIndex(fit.labels, fixture.shapes.blobs.truth) >= 0.95);
  });
});

describe("DBSCAN's knee", () => {
  it("is the bend of an ascending curve", () => {
    assert.equal(kneeOfAscending(Float64Array.from([1, 1.1, 1.2, 1.3, 1.4, 5, 10])), 1.4);
    assert.equal(kneeOfAscending(Float64Array.from([1, 2, 3, 4])), null);
  });
});

const customers = loadReferenceRfm();
describe(
  "scikit-learn agreement on Online Retail's features",
  { skip: requires(customers ? false : "the reference RFM of ../shared/reference is absent") },
  () => {
    const X = customers ? buildFeatures(customers, DEFAULT_CONFIG.clustering).matrix : matrix([[0]]);
    const { retail } = fixture;
    it("uses the same features as the fixture script", () => {
      assert.equal(X.rows, retail.n);
      for (let c = 0; c < X.cols; c++) {
        let s = 0;
        for (let i = 0; i < X.rows; i++) s += X.data[i * X.cols + c] ** 2;
        assert.ok(Math.abs(s / X.rows - retail.column_means_of_squares[c]) < 1e-9);
      }
    });
    it("Ward labels: ARI >= 0.99 against AgglomerativeClustering(linkage='ward') for k = 2..10", (t) => {
      const tree = wardTree(X);
      for (let k = 2; k <= 10; k++) {
        const ari = adjustedRandIndex(cutTree(tree, k), retail.ward[String(k)]);
        t.diagnostic(`k=${k} ARI ${ari.toFixed(5)}`);
        assert.ok(ari >= 0.99, `k = ${k}: ARI ${ari}`);
      }
    });
    it("DBSCAN labels: ARI >= 0.99 against sklearn's DBSCAN at the same eps and min_samples", (t) => {
      for (const ref of retail.dbscan) {
        const ari = adjustedRandIndex(dbscan(X, ref.eps, ref.min_samples).labels, ref.labels);
        t.diagnostic(`eps=${ref.eps} min_samples=${ref.min_samples} ARI ${ari.toFixed(5)}`);
        assert.ok(ari >= 0.99, `eps ${ref.eps}: ARI ${ari}`);
      }
    });
    it("mixture: mean log-likelihood within 0.1% of GaussianMixture (n_init = 10) or better, k = 2..10", (t) => {
      for (const covariance of ["full", "diag"] as const)
        for (let k = 2; k <= 10; k++) {
          const ref = retail.gmm[covariance][String(k)].log_likelihood;
          const fit = fitGmm(X, { k, covariance, seed: 42, restarts: 10 });
          t.diagnostic(`${covariance} k=${k} ll ${fit.log_likelihood.toFixed(5)} vs sklearn ${ref.toFixed(5)}`);
          assert.ok(
            fit.log_likelihood >= ref - 1e-3 * Math.abs(ref),
            `${covariance} k = ${k}: ${fit.log_likelihood} < ${ref}`,
          );
        }
    });
  },
);
