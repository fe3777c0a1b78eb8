import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { betaI, chiSquareSf, fSf, gammaQ } from "../../loaders/stats/distributions.ts";
import { kmeansMethod } from "../../loaders/cluster/methods/index.ts";
import { adjustedRandIndex, bootstrapStability } from "../../loaders/cluster/stability.ts";
import { chiSquareTest, countryChiSquare, kruskalWallis, oneWayAnova } from "../../loaders/stats/tests.ts";
import { close, closeRelative, expected, points } from "../fixtures/segment/expected.ts";

describe("distribution tails match scipy", () => {
  it("chi-square upper tail", () => {
    for (const c of expected.sf.chi2)
      assert.ok(
        closeRelative(chiSquareSf(c.x, c.dof), c.sf, 1e-9),
        `chi2.sf(${c.x}, ${c.dof}) = ${chiSquareSf(c.x, c.dof)} vs ${c.sf}`,
      );
  });
  it("F upper tail", () => {
    for (const c of expected.sf.f)
      assert.ok(
        closeRelative(fSf(c.f, c.d1, c.d2), c.sf, 1e-9),
        `f.sf(${c.f}, ${c.d1}, ${c.d2}) = ${fSf(c.f, c.d1, c.d2)} vs ${c.sf}`,
      );
  });
  it("regularized incomplete beta and upper gamma", () => {
    for (const c of expected.sf.betainc)
      assert.ok(
        closeRelative(betaI(c.x, c.a, c.b), c.v, 1e-9) || close(betaI(c.x, c.a, c.b), c.v, 1e-12),
        `betainc ${JSON.stringify(c)}: ${betaI(c.x, c.a, c.b)}`,
      );
    for (const c of expected.sf.gammaincc)
      assert.ok(closeRelative(gammaQ(c.a, c.x), c.v, 1e-9), `gammaincc ${JSON.stringify(c)}: ${gammaQ(c.a, c.x)}`);
  });
});

describe("ANOVA and Kruskal-Wallis match scipy (f_oneway, kruskal)", () => {
  const labels = Int32Array.from(expected.metrics.truth.labels);
  for (const t of expected.tests)
    it(`feature ${t.feature}`, () => {
      const a = oneWayAnova(t.values, labels, 3);
      const kw = kruskalWallis(t.values, labels, 3);
      assert.ok(close(a.F, t.F, 1e-9), `F ${a.F} vs ${t.F}`);
      assert.ok(closeRelative(a.p, t.p, 1e-7), `p ${a.p} vs ${t.p}`);
      assert.ok(close(kw.H, t.H, 1e-9), `H ${kw.H} vs ${t.H}`);
      assert.ok(closeRelative(kw.p, t.p_kw, 1e-7), `p_kw ${kw.p} vs ${t.p_kw}`);
      assert.equal(a.df_between, 2);
      assert.equal(a.df_within, labels.length - 3);
    });
});

describe("chi-square of independence", () => {
  it("matches scipy's chi2_contingency without continuity correction", () => {
    const r = chiSquareTest(expected.chi2.table);
    assert.ok(close(r.chi2, expected.chi2.chi2, 1e-9));
    assert.ok(closeRelative(r.p, expected.chi2.p, 1e-9));
    assert.equal(r.dof, expected.chi2.dof);
    assert.ok(r.cramers_v > 0 && r.cramers_v < 1);
  });

  it("merges rare countries into Other so every kept column can expect 5 per cluster", () => {
    // clusters of 60 and 40 customers: a country needs 5 * 100 / 40 = 12.5 customers to stay
    const labels = [...new Array(60).fill(0), ...new Array(40).fill(1)];
    const countries = labels.map((_, i) =>
      i % 10 < 7 ? "United Kingdom" : i % 10 < 9 ? "Germany" : i < 50 ? "France" : "Spain",
    );
    const r = countryChiSquare(labels, 2, countries);
    assert.ok(r);
    assert.deepEqual(r.countries, ["United Kingdom", "Germany", "Other"]);
    assert.deepEqual(r.merged.sort(), ["France", "Spain"]);
    assert.equal(
      r.table.flat().reduce((a, b) => a + b, 0),
      100,
    );
    assert.equal(r.dof, 2);
    assert.match(r.note, /merged into "Other"/);
  });

  it("is null when only one country group remains", () => {
    assert.equal(countryChiSquare([0, 0, 1, 1], 2, ["UK", "UK", "UK", "UK"]), null);
  });
});

describe("adjusted Rand index matches sklearn.metrics.adjusted_rand_score", () => {
  for (const c of expected.ari)
    it(c.name, () => {
      assert.ok(close(adjustedRandIndex(c.a, c.b), c.ari, 1e-12), `${adjustedRandIndex(c.a, c.b)} vs ${c.ari}`);
    });
  it("accepts string labels and is symmetric", () => {
    assert.equal(adjustedRandIndex(["a", "a", "b", "b"], [7, 7, 3, 3]), 1);
    const c = expected.ari[0];
    assert.ok(close(adjustedRandIndex(c.b, c.a), c.ari, 1e-12));
  });
  it("rejects labellings of different lengths", () => {
    assert.throws(() => adjustedRandIndex([0, 1], [0]), RangeError);
  });
});

describe("bootstrap stability", () => {
  const X = points();
  const labels = Int32Array.from(expected.metrics.truth.labels);
  const options = { k: 3, seed: 42, method: kmeansMethod({ restarts: 3, max_iterations: 1000, tolerance: 1e-6 }) };
  it("is high for well separated clusters, seeded and reproducible", async () => {
    const a = await bootstrapStability(X, labels, { ...options, runs: 8 });
    const b = await bootstrapStability(X, labels, { ...options, runs: 8 });
    assert.deepEqual(a, b);
    assert.equal(a.runs, 8);
    assert.equal(a.aris.length, 8);
    assert.equal(a.sample_size, 150);
    assert.ok(a.mean_ari > 0.9, `mean ARI ${a.mean_ari}`);
    assert.ok(a.sd_ari >= 0 && a.sd_ari < 0.1);
  });
  it("caps the resample size", async () => {
    assert.equal((await bootstrapStability(X, labels, { ...options, runs: 2, sampleSize: 50 })).sample_size, 50);
  });
  it("reports no runs as NaN mean and sd", async () => {
    const none = await bootstrapStability(X, labels, { ...options, runs: 0 });
    assert.equal(none.runs, 0);
    assert.ok(Number.isNaN(none.mean_ari) && Number.isNaN(none.sd_ari));
  });
});
