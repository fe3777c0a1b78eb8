/**
 * The method comparison (cluster/compare.ts), its guarded statement (report/method-comparison.ts) and the
 * `clustering.method` / `clustering.methods` settings.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { DEFAULT_CONFIG, loadConfig } from "../../loaders/config.ts";
import { compareMethods, type MethodComparison, type MethodEntry } from "../../loaders/cluster/compare.ts";
import { comparisonStatement } from "../../loaders/report/method-comparison.ts";
import { InputError } from "../../loaders/errors.ts";

const fixture = JSON.parse(
  gunzipSync(readFileSync(new URL("../fixtures/cluster/methods.json.gz", import.meta.url))).toString("utf8"),
) as { shapes: { blobs: { X: number[][]; truth: number[] } } };

describe("compareMethods on four separated blobs", () => {
  const rows = fixture.shapes.blobs.X;
  const X = { data: Float64Array.from(rows.flat()), rows: rows.length, cols: 3 };
  // "monetary": the first feature, so groups are numbered by it
  const monetary = Float64Array.from(rows, (r) => r[0]);
  const clustering = {
    ...DEFAULT_CONFIG.clustering,
    methods: { ...DEFAULT_CONFIG.clustering.methods, gmm_restarts: 1 },
  };
  let c: MethodComparison;
  before(async () => {
    c = await compareMethods({ X, monetary, sample: null, kMax: 6, k: 4, kmeans: null, kmeansNames: null }, clustering);
  });
  const chosen = (m: string) => c.entries.find((e) => e.method === m && e.chosen) as MethodEntry;

  it("one entry per method and solution, one chosen per method", () => {
    assert.equal(c.entries.filter((e) => e.method === "kmeans").length, 5);
    assert.equal(c.entries.filter((e) => e.method === "gmm").length, 10);
    assert.equal(c.entries.filter((e) => e.method === "ward").length, 5);
    assert.equal(c.entries.filter((e) => e.method === "dbscan").length, 1);
    for (const m of ["kmeans", "gmm", "ward", "dbscan"])
      assert.equal(c.entries.filter((e) => e.method === m && e.chosen).length, 1, m);
    for (const e of c.entries)
      assert.equal(
        e.sizes.reduce((a, b) => a + b, 0),
        rows.length,
      );
  });
  it("every method finds the four blobs and agrees with K-Means", () => {
    assert.equal(chosen("gmm").k, 4, "BIC picks 4 components");
    // beside BIC's choice: the mixture solution with the highest silhouette among k >= k_min (3), the same here
    const best = chosen("gmm").silhouette_best;
    assert.ok(best);
    const gmmEntries = c.entries.filter((e) => e.method === "gmm" && e.k >= 3);
    assert.equal(best.silhouette, Math.max(...gmmEntries.map((e) => e.silhouette)));
    assert.equal(best.k, 4);
    assert.equal(best.covariance, chosen("gmm").covariance);
    assert.equal(chosen("ward").k, 4);
    for (const m of ["gmm", "ward"]) assert.ok(chosen(m).ari_vs_kmeans > 0.95, m);
    const db = chosen("dbscan");
    assert.ok(db.ari_vs_kmeans > 0.9 && (db.noise_share as number) < 0.05);
    assert.match(
      comparisonStatement(
        c.entries.filter((e) => e.chosen),
        6,
      ),
      /All methods agree with the K-Means segments/,
    );
  });
  it("groups are numbered by median monetary, highest first", () => {
    const l = c.labels.ward as Int32Array;
    const firstOf = (g: number) =>
      rows
        .filter((_, i) => l[i] === g)
        .map((r) => r[0])
        .sort((a, b) => a - b);
    const median = (xs: number[]) => xs[Math.floor(xs.length / 2)];
    assert.ok(median(firstOf(0)) > median(firstOf(3)));
  });
  it("cross-tables count every customer; the dendrogram's leaves carry a segment", () => {
    for (const t of c.crosstabs)
      assert.equal(
        t.counts.flat().reduce((a, b) => a + b, 0),
        rows.length,
        t.method,
      );
    assert.equal(c.dendrogram.leaves.length, 8);
    assert.equal(c.dendrogram.nodes.filter((n) => !n.children.length).length, 8);
    assert.equal(c.dendrogram.nodes[0].size, rows.length);
  });
});

describe("comparisonStatement", () => {
  const entry = (method: MethodEntry["method"], silhouette: number, db: number, ari: number, k = 4): MethodEntry => ({
    method,
    k,
    silhouette,
    davies_bouldin: db,
    calinski_harabasz: 1,
    sizes: [],
    ari_vs_kmeans: ari,
    chosen: true,
  });
  it("names a best method only when both measures agree, and a different story when the ARI is low", () => {
    const split = comparisonStatement([entry("kmeans", 0.4, 0.9, 1), entry("ward", 0.3, 0.8, 0.3)], 10);
    assert.match(split, /No method fits best on both measures/);
    assert.match(split, /Telling a different story from K-Means: Ward hierarchical/);
    assert.doesNotMatch(split, /agree with the K-Means/);
    const best = comparisonStatement([entry("kmeans", 0.4, 0.9, 1), entry("gmm", 0.2, 1.5, 0.6, 10)], 10);
    assert.match(best, /K-Means separates the customers best/);
    assert.match(best, /Partly in agreement/);
    assert.match(best, /BIC is lowest at the largest k computed/);
  });
  it("shows the mixture's silhouette choice beside its BIC choice", () => {
    const gmm = (best: MethodEntry["silhouette_best"]) => ({
      ...entry("gmm", 0.03, 3.2, 0.2, 10),
      covariance: "diag" as const,
      silhouette_best: best,
    });
    const differ = comparisonStatement(
      [entry("kmeans", 0.4, 0.9, 1), gmm({ k: 3, covariance: "diag", silhouette: 0.264 })],
      10,
    );
    assert.match(
      differ,
      /The mixture's k comes from BIC: diag covariance, k = 10 \(silhouette 0\.030\); the silhouette rule \(its highest silhouette among k >= 3\) would pick diag covariance, k = 3 \(silhouette 0\.264\)/,
    );
    const same = comparisonStatement(
      [entry("kmeans", 0.4, 0.9, 1), gmm({ k: 10, covariance: "diag", silhouette: 0.03 })],
      10,
    );
    assert.match(same, /BIC and its silhouette pick the same solution: diag covariance, k = 10/);
  });
});

describe("clustering.method and clustering.methods", () => {
  const file = (json: unknown) => {
    const path = join(mkdtempSync(join(tmpdir(), "i22-")), "segment.config.json");
    writeFileSync(path, JSON.stringify(json));
    return path;
  };
  it("K-Means by default; each method accepted", () => {
    assert.equal(DEFAULT_CONFIG.clustering.method, "kmeans");
    for (const method of ["gmm", "ward", "dbscan"])
      assert.equal(loadConfig({ file: file({ clustering: { method } }), env: {} }).clustering.method, method);
  });
  it("a clear error for an unknown method or a bad setting", () => {
    assert.throws(
      () => loadConfig({ file: file({ clustering: { method: "spectral" } }), env: {} }),
      (e: Error) =>
        e instanceof InputError && /clustering\.method" should be "kmeans", "gmm", "ward" or "dbscan"/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ file: file({ clustering: { methods: { gmm_restarts: 0 } } }), env: {} }),
      (e: Error) => e instanceof InputError && /clustering\.methods\.gmm_restarts/.test(e.message),
    );
    assert.equal(
      loadConfig({ file: file({ clustering: { methods: { dbscan_eps: 0.3 } } }), env: {} }).clustering.methods
        .dbscan_eps,
      0.3,
    );
  });
});
