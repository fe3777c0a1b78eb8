import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { type ClusteringConfig, DEFAULT_CONFIG } from "../../loaders/config.ts";
import { InputError } from "../../loaders/errors.ts";
import {
  adjustedRandIndex,
  segmentCustomers,
  summaryJson,
  type SegmentationResult,
} from "../../loaders/pipeline/segment.ts";
import { Rng } from "../../loaders/stats/random.ts";
import type { CustomerFeatures } from "../../loaders/types.ts";

const clustering = (over: Partial<ClusteringConfig> = {}): ClusteringConfig => ({
  ...DEFAULT_CONFIG.clustering,
  k_max: 6,
  restarts: 4,
  bootstrap_runs: 5,
  ...over,
});

/** 4 planted personas (champions, new, at-risk, lost) with log-normal noise; returns customers and persona ids. */
function personas(n: number, seed = 3): { customers: CustomerFeatures[]; planted: number[] } {
  const rng = new Rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const centers = [
    { recency: 5, frequency: 20, monetary: 8000 },
    { recency: 10, frequency: 1, monetary: 150 },
    { recency: 150, frequency: 8, monetary: 2500 },
    { recency: 300, frequency: 1, monetary: 60 },
  ];
  const countries = ["United Kingdom", "United Kingdom", "United Kingdom", "Germany", "France", "EIRE", "Spain"];
  const planted: number[] = [];
  const customers = Array.from({ length: n }, (_, i) => {
    const p = i % 4;
    planted.push(p);
    const c = centers[p];
    const recency = Math.max(1, Math.round(c.recency * Math.exp(0.25 * normal())));
    const frequency = Math.max(1, Math.round(c.frequency * Math.exp(0.25 * normal())));
    const monetary = Math.round(c.monetary * Math.exp(0.25 * normal()) * 100) / 100;
    return {
      customer_id: `P${i}`,
      recency,
      frequency,
      monetary,
      first_purchase: "2024-01-01",
      last_purchase: "2024-12-01",
      tenure: recency + 30,
      avg_order_value: monetary / frequency,
      items_per_order: 5 + (i % 9),
      return_rate: (i % 5) / 50,
      country: countries[(i * 7 + p) % countries.length],
    };
  });
  return { customers, planted };
}

describe("segmentCustomers", () => {
  const { customers, planted } = personas(400);
  let result: SegmentationResult;
  before(async () => {
    result = await segmentCustomers(customers, DEFAULT_CONFIG.rfm, clustering());
  });

  it("recovers planted personas", async () => {
    const four = result.kmeans.find((s) => s.k === 4);
    assert.ok(four);
    assert.ok(adjustedRandIndex(four.labels, planted) > 0.95, `ARI ${adjustedRandIndex(four.labels, planted)}`);
    assert.equal(result.k, 4, result.k_reason);
  });

  it("per-customer output follows the input order", async () => {
    assert.equal(result.customers.length, customers.length);
    result.customers.forEach((c, i) => {
      assert.equal(c.customer_id, customers[i].customer_id);
      assert.equal(c.cluster, result.kmeans.find((s) => s.k === result.k)?.labels[i]);
      assert.equal(c.segment, result.clusters[c.cluster].name);
      assert.equal(c.rfm_cell, `${c.r_score}${c.f_score}${c.m_score}`);
      assert.ok(c.rfm_segment);
    });
  });

  it("keeps every k with metrics, unique names and profiles; cluster 0 has the highest median spend", async () => {
    assert.deepEqual(
      result.kmeans.map((s) => s.k),
      [2, 3, 4, 5, 6],
    );
    for (const s of result.kmeans) {
      assert.equal(s.labels.length, customers.length);
      assert.equal(
        s.sizes.reduce((a, b) => a + b, 0),
        customers.length,
      );
      assert.equal(new Set(s.names).size, s.k);
      assert.equal(s.profiles.length, s.k);
      assert.ok(s.converged);
      assert.ok(s.silhouette > 0 && s.davies_bouldin > 0 && s.calinski_harabasz > 0);
      for (let j = 1; j < s.k; j++) assert.ok(s.profiles[j - 1].median_monetary >= s.profiles[j].median_monetary);
      assert.equal(
        s.crosstab.counts.flat().reduce((a, b) => a + b, 0),
        customers.length,
      );
    }
    assert.ok(result.k_reason.startsWith(`k = ${result.k}`));
    assert.equal(
      result.rfm_segments.reduce((a, r) => a + r.customers, 0),
      customers.length,
    );
  });

  it("reports validation, PCA and features", async () => {
    assert.deepEqual(
      result.validation.anova.map((a) => a.feature),
      ["recency", "frequency", "monetary"],
    );
    assert.ok(result.validation.anova.every((a) => a.F > 0 && a.p < 1e-10 && a.H > 0));
    assert.equal(result.validation.stability.runs, 5);
    assert.ok(result.validation.stability.mean_ari > 0.9);
    assert.ok(result.validation.country_chi2);
    assert.equal(result.pca.points.length, 2 * customers.length);
    assert.equal(result.pca.explained_variance.length, 3);
    assert.deepEqual(result.features.used, ["recency", "frequency", "monetary"]);
    assert.equal(result.settings.silhouette_customers, customers.length);
  });

  it("is deterministic for the same input and seed", async () => {
    const again = await segmentCustomers(customers, DEFAULT_CONFIG.rfm, clustering());
    assert.deepEqual(
      again.kmeans.map((s) => s.labels),
      result.kmeans.map((s) => s.labels),
    );
    const strip = (r: typeof result) => JSON.stringify({ ...summaryJson(r), timings: null });
    assert.equal(strip(again), strip(result));
  });

  it("summaryJson drops the per-customer arrays and is JSON-able", async () => {
    const summary = summaryJson(result);
    assert.equal("customers" in summary, false);
    assert.equal("points" in summary.pca, false);
    assert.ok(summary.kmeans.every((s) => !("labels" in s)));
    const text = JSON.stringify(summary);
    assert.ok(text.length < 200_000);
    assert.equal(JSON.parse(text).k, result.k);
  });

  it("uses a configured k and says what auto would have picked", async () => {
    const fixed = await segmentCustomers(customers, DEFAULT_CONFIG.rfm, clustering({ k: 3, bootstrap_runs: 0 }));
    assert.equal(fixed.k, 3);
    assert.equal(fixed.k_rule, "config");
    assert.equal(fixed.auto_k, 4);
    assert.equal(new Set(fixed.customers.map((c) => c.cluster)).size, 3);
    assert.ok(Number.isNaN(fixed.validation.stability.mean_ari));
  });

  it("samples the silhouette above silhouette_sample customers", async () => {
    const sampled = await segmentCustomers(
      customers,
      DEFAULT_CONFIG.rfm,
      clustering({ silhouette_sample: 100, bootstrap_runs: 0, k_max: 4 }),
    );
    assert.equal(sampled.settings.silhouette_customers, 100);
  });
});

describe("segmentCustomers edge cases", () => {
  it("needs at least 3 customers", async () => {
    const { customers } = personas(2);
    await assert.rejects(() => segmentCustomers(customers, DEFAULT_CONFIG.rfm, clustering()), InputError);
  });

  it("lowers k_max to the number of distinct customers, with a warning", async () => {
    const { customers } = personas(40);
    const few = customers.map((c, i) => ({ ...customers[i % 3], customer_id: c.customer_id }));
    const r = await segmentCustomers(few, DEFAULT_CONFIG.rfm, clustering({ bootstrap_runs: 2 }));
    assert.equal(r.settings.k_max, 3);
    assert.deepEqual(
      r.kmeans.map((s) => s.k),
      [2, 3],
    );
    assert.ok(r.warnings.some((w) => /k_max lowered from 6 to 3/.test(w)));
  });

  it("rejects a configured k the data cannot support", async () => {
    const { customers } = personas(40);
    const few = customers.map((c, i) => ({ ...customers[i % 3], customer_id: c.customer_id }));
    await assert.rejects(() => segmentCustomers(few, DEFAULT_CONFIG.rfm, clustering({ k: 5 })), /clustering.k = 5/);
  });
});

describe("segmentCustomers convergence reporting", () => {
  it("warns when k-means runs stop at max_iterations", async () => {
    const { customers } = personas(200);
    const r = await segmentCustomers(
      customers,
      DEFAULT_CONFIG.rfm,
      clustering({ max_iterations: 1, bootstrap_runs: 0, k_max: 5 }),
    );
    const stopped = r.kmeans.filter((s) => s.non_converged_restarts > 0);
    assert.ok(stopped.length > 0);
    for (const s of stopped)
      assert.ok(r.warnings.some((w) => w.startsWith(`k = ${s.k}: `) && /max_iterations = 1/.test(w)));
  });
});
