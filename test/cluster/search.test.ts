/**
 * The search over k (loaders/cluster/search.ts), with a stand-in method whose labels are written here: every k
 * from 2 to kMax is fitted, clusters are renumbered by median monetary (0 the most valuable) with their
 * centroids, the noise group of a method that finds its own k goes last under NOISE_NAME, non-converged runs are
 * warned about, and sizes, silhouette and the RFM crosstab follow the renumbered labels. Expected values are
 * worked out by hand (the silhouette by a direct loop over the 1-D points).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_CONFIG } from "../../loaders/config.ts";
import type { FeatureSet } from "../../loaders/cluster/features.ts";
import type { ClusterMethod } from "../../loaders/cluster/method.ts";
import type { KMeansFit } from "../../loaders/cluster/methods/kmeans.ts";
import { fitEveryK, NOISE_NAME, type SearchInput } from "../../loaders/cluster/search.ts";

// nine customers in three spend groups, lowest first; the one feature is monetary itself (scaled = original)
const MONETARY = [10, 20, 30, 100, 110, 120, 1000, 1100, 1200];
const RECENCY = [300, 250, 200, 60, 50, 40, 5, 4, 3];
const FREQUENCY = [1, 1, 1, 3, 3, 4, 20, 25, 30];
const RFM = ["Lost", "Lost", "Lost", "Loyal", "Loyal", "Lost", "Champions", "Champions", "Loyal"];
const n = MONETARY.length;

function input(): SearchInput {
  const asc = (v: number[]) => Float64Array.from([...v].sort((a, b) => a - b));
  const features = {
    used: ["monetary"],
    center: [0],
    scale: [1],
    transform: "none",
    transforms: ["none"],
  } as unknown as FeatureSet;
  return {
    X: { data: Float64Array.from(MONETARY), rows: n, cols: 1 },
    features,
    columns: {
      recency: RECENCY,
      frequency: FREQUENCY,
      monetary: MONETARY,
      avg_order_value: MONETARY.map((m, i) => m / FREQUENCY[i]),
      items_per_order: MONETARY.map(() => 2),
      return_rate: MONETARY.map(() => 0),
    },
    traitColumns: { recency: RECENCY, frequency: FREQUENCY, monetary: MONETARY, tenure: RECENCY.map((r) => r + 400) },
    base: { recency: asc(RECENCY), frequency: asc(FREQUENCY), monetary: asc(MONETARY) },
    rfmSegments: RFM,
    rfmOrder: ["Champions", "Loyal", "Lost"],
  };
}

/** A fit from labels numbered lowest spend first (the search must renumber them). */
function fitOf(labels: number[], k: number, extra: Partial<KMeansFit> = {}): KMeansFit {
  const centroids = new Float64Array(k);
  const sizes = new Array<number>(k).fill(0);
  labels.forEach((j, i) => ((centroids[j] += MONETARY[i]), sizes[j]++));
  for (let j = 0; j < k; j++) centroids[j] /= sizes[j];
  const inertia = labels.reduce((s, j, i) => s + (MONETARY[i] - centroids[j]) ** 2, 0);
  return {
    labels: Int32Array.from(labels),
    centroids,
    inertia,
    iterations: 3,
    converged: true,
    k,
    best_restart: 0,
    polish_iterations: 0,
    screen_sample: null,
    runs: [],
    non_converged: 0,
    ...extra,
  };
}

const BY_K: Record<number, number[]> = {
  2: [0, 0, 0, 0, 0, 0, 1, 1, 1],
  3: [0, 0, 0, 1, 1, 1, 2, 2, 2],
};

const stub: ClusterMethod<KMeansFit> = {
  name: "stub",
  fit: (_X, k) => fitOf(BY_K[k], k, k === 3 ? { non_converged: 1 } : {}),
};

/** Mean silhouette of 1-D points, directly from its definition. */
function silhouette(x: number[], labels: number[]): number {
  const ks = [...new Set(labels)];
  let total = 0;
  for (let i = 0; i < x.length; i++) {
    const mean = (j: number) => {
      const others = x.filter((_, m) => m !== i && labels[m] === j);
      return others.reduce((s, v) => s + Math.abs(v - x[i]), 0) / others.length;
    };
    const a = mean(labels[i]);
    const b = Math.min(...ks.filter((j) => j !== labels[i]).map(mean));
    total += (b - a) / Math.max(a, b);
  }
  return total / x.length;
}

describe("fitEveryK", () => {
  it("fits every k from 2 to kMax, most valuable cluster first, with its centroid, size and metrics", async () => {
    const heard: number[] = [];
    const result = await fitEveryK(input(), DEFAULT_CONFIG.clustering, stub, 3, null, (k) => heard.push(k));
    assert.deepEqual(heard, [2, 3]);
    assert.deepEqual(
      result.solutions.map((s) => s.k),
      [2, 3],
    );
    const [two, three] = result.solutions;
    // k = 2: the three big spenders become cluster 0
    assert.deepEqual([...two.labels], [1, 1, 1, 1, 1, 1, 0, 0, 0]);
    assert.deepEqual(two.sizes, [3, 6]);
    assert.deepEqual([...three.labels], [2, 2, 2, 1, 1, 1, 0, 0, 0]);
    assert.deepEqual(three.sizes, [3, 3, 3]);
    // centroids follow their clusters: (1000+1100+1200)/3 = 1100, (100+110+120)/3 = 110, 20
    assert.deepEqual(
      three.profiles.map((p) => p.centroid.monetary),
      [1100, 110, 20],
    );
    // inertia: squared distances to the group means: 10^2 + 0 + 10^2, the same, 100^2 + 0 + 100^2
    assert.equal(three.inertia, 200 + 200 + 20_000);
    assert.ok(Math.abs(three.silhouette - silhouette(MONETARY, [...three.labels])) < 1e-12);
    assert.ok(Math.abs(two.silhouette - silhouette(MONETARY, [...two.labels])) < 1e-12);
    // the names are the profiles' names, one per cluster
    assert.equal(three.names.length, 3);
    three.profiles.forEach((p, j) => assert.equal(p.name, three.names[j]));
    // crosstab rows follow the renumbered clusters: cluster 0 = customers 7-9 (Champions, Champions, Loyal)
    assert.deepEqual(three.crosstab.counts, [
      [2, 1, 0],
      [0, 2, 1],
      [0, 0, 3],
    ]);
  });

  it("warns of k-means runs that did not converge", async () => {
    const { warnings } = await fitEveryK(input(), DEFAULT_CONFIG.clustering, { ...stub, name: "kmeans" }, 3, null);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^k = 3: 1 k-means run\(s\) .* without converging; the kept solution converged$/);
  });

  it("names the method that did not converge (issue 22: the mixture's warning said k-means)", async () => {
    const gmm: ClusterMethod<KMeansFit> = { ...stub, name: "gmm" };
    const { warnings } = await fitEveryK(input(), DEFAULT_CONFIG.clustering, gmm, 3, null);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^k = 3: the Gaussian mixture's EM \(best of 3 restarts\) still raised/);
    assert.doesNotMatch(warnings[0], /k-means/);
  });

  it("fits a method that finds its own k once, and puts its noise group last under NOISE_NAME", async () => {
    const own: ClusterMethod<KMeansFit> = {
      name: "own",
      ownK: true,
      // the middle spenders are noise (label 1)
      fit: (_X, k) => (assert.equal(k, 0), fitOf(BY_K[3], 3, { noise_label: 1 })),
    };
    const { solutions } = await fitEveryK(input(), DEFAULT_CONFIG.clustering, own, 6, null);
    assert.equal(solutions.length, 1);
    const [s] = solutions;
    assert.deepEqual([...s.labels], [1, 1, 1, 2, 2, 2, 0, 0, 0]);
    assert.equal(s.names[2], NOISE_NAME);
    assert.notEqual(s.names[0], NOISE_NAME);
    assert.deepEqual(
      s.profiles.map((p) => p.centroid.monetary),
      [1100, 20, 110],
    );
  });
});
