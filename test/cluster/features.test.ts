import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type ClusteringConfig, DEFAULT_CONFIG } from "../../loaders/config.ts";
import { InputError } from "../../loaders/errors.ts";
import { readFileSync } from "node:fs";
import {
  buildFeatures,
  chooseTransform,
  correlationMatrix,
  pearson,
  scalerParameters,
  selectByCorrelation,
  toOriginalUnits,
} from "../../loaders/cluster/features.ts";
import type { CustomerFeatures } from "../../loaders/types.ts";
import { close, expected } from "../fixtures/segment/expected.ts";
import { skewness } from "../../loaders/stats/quantile.ts";

/** scipy.stats.skew of small vectors and of marketing_campaign's features (test/fixtures/customers/make_skew.py) */
const SKEW = JSON.parse(
  readFileSync(new URL("../fixtures/customers/marketing_skew.json", import.meta.url), "utf8"),
) as {
  vectors: Record<string, { values: number[]; skew: number }>;
};

const config = (over: Partial<ClusteringConfig> = {}): ClusteringConfig => ({ ...DEFAULT_CONFIG.clustering, ...over });

function customer(i: number, over: Partial<CustomerFeatures> = {}): CustomerFeatures {
  const frequency = 1 + (i % 7);
  const monetary = 50 + ((i * 37) % 400) * frequency;
  return {
    customer_id: `C${i}`,
    recency: 1 + ((i * 13) % 300),
    frequency,
    monetary,
    first_purchase: "2024-01-01",
    last_purchase: "2024-06-01",
    tenure: 100 + ((i * 7) % 250),
    avg_order_value: monetary / frequency,
    items_per_order: 3 + (i % 5),
    return_rate: (i % 4) / 20,
    country: "UK",
    ...over,
  };
}

describe("scalers match scikit-learn", () => {
  const q = expected.quantiles;
  const cols = [q.monetary, q.frequency].map((c) => Float64Array.from(c, Math.log1p));
  it("standard: mean and population sd (StandardScaler)", () => {
    cols.forEach((col, j) => {
      const p = scalerParameters(col, "standard");
      assert.ok(close(p.center, expected.scalers.standard.center[j], 1e-12));
      assert.ok(close(p.scale, expected.scalers.standard.scale[j], 1e-12));
    });
  });
  it("robust: median and IQR of type-7 quartiles (RobustScaler)", () => {
    cols.forEach((col, j) => {
      const p = scalerParameters(col, "robust");
      assert.ok(close(p.center, expected.scalers.robust.center[j], 1e-12));
      assert.ok(close(p.scale, expected.scalers.robust.scale[j], 1e-12));
    });
  });
  it("a constant feature gets scale 1", () => {
    assert.deepEqual(scalerParameters(Float64Array.of(2, 2, 2), "standard"), { center: 2, scale: 1 });
    assert.deepEqual(scalerParameters(Float64Array.of(2, 2, 2), "robust"), { center: 2, scale: 1 });
  });
  it("Pearson r matches numpy's corrcoef", () => {
    assert.ok(close(pearson(cols[0], cols[1]), expected.scalers.corr, 1e-12));
  });
});

describe("feature selection by correlation", () => {
  const names = ["recency", "frequency", "monetary", "tenure", "avg_order_value"] as const;
  const r = [
    [1, -0.5, -0.4, 0.95, 0.1],
    [-0.5, 1, 0.93, -0.3, 0.2],
    [-0.4, 0.93, 1, -0.2, 0.92],
    [0.95, -0.3, -0.2, 1, 0.1],
    [0.1, 0.2, 0.92, 0.1, 1],
  ];
  it("never drops recency, frequency or monetary; drops a later extra feature above the threshold", () => {
    const s = selectByCorrelation([...names], r, 0.9);
    assert.deepEqual(
      s.keep.map((i) => names[i]),
      ["recency", "frequency", "monetary"],
    );
    assert.deepEqual(s.dropped, [
      { feature: "tenure", correlated_with: "recency", r: 0.95 },
      { feature: "avg_order_value", correlated_with: "monetary", r: 0.92 },
    ]);
    assert.equal(s.warnings.length, 1);
    assert.match(s.warnings[0], /frequency and monetary correlate at r = 0.930/);
  });
  it("keeps everything under a looser threshold", () => {
    assert.equal(selectByCorrelation([...names], r, 0.96).keep.length, 5);
  });
  it("base features are kept first even when configured after an extra", () => {
    const s = selectByCorrelation(
      ["tenure", "recency"],
      [
        [1, 0.95],
        [0.95, 1],
      ],
      0.9,
    );
    assert.deepEqual(s.keep, [1]);
    assert.equal(s.dropped[0].feature, "tenure");
  });
  it("correlationMatrix is symmetric with a unit diagonal", () => {
    const m = correlationMatrix([
      Float64Array.of(1, 2, 3, 4),
      Float64Array.of(2, 1, 4, 3),
      Float64Array.of(4, 3, 2, 1),
    ]);
    assert.equal(m[0][0], 1);
    assert.equal(m[0][2], -1);
    assert.equal(m[1][0], m[0][1]);
  });
});

describe("buildFeatures", () => {
  const customers = Array.from({ length: 50 }, (_, i) => customer(i));
  it("log1p + standard scaling of the RFM columns under transform log1p", () => {
    const f = buildFeatures(customers, config({ transform: "log1p" }));
    assert.deepEqual(f.used, ["recency", "frequency", "monetary"]);
    assert.equal(f.matrix.rows, 50);
    assert.equal(f.matrix.cols, 3);
    const col = (j: number) => Array.from({ length: 50 }, (_, i) => f.matrix.data[i * 3 + j]);
    for (let j = 0; j < 3; j++) {
      const mean = col(j).reduce((a, b) => a + b, 0) / 50;
      const variance = col(j).reduce((a, b) => a + (b - mean) ** 2, 0) / 50;
      assert.ok(Math.abs(mean) < 1e-12);
      assert.ok(close(variance, 1, 1e-12));
    }
    assert.ok(close(f.matrix.data[0], (Math.log1p(customers[0].recency) - f.center[0]) / f.scale[0], 1e-12));
  });
  it("warns about a constant feature over 20,000 customers, whose computed sd is rounding noise (issue 23 #10)", () => {
    const many = Array.from({ length: 20_000 }, (_, i) => customer(i % 50, { frequency: 3 }));
    const f = buildFeatures(many, config());
    assert.ok(
      f.warnings.includes("feature frequency is constant: it cannot separate customers"),
      f.warnings.join("; "),
    );
    const j = f.used.indexOf("frequency");
    assert.equal(f.scale[j], 1);
    for (let i = 0; i < 20_000; i++) assert.ok(Math.abs(f.matrix.data[i * f.used.length + j]) < 1e-9);
  });
  it("maps a scaled point back to original units", () => {
    const f = buildFeatures(customers, config({ transform: "log1p" }));
    const back = toOriginalUnits(f.matrix.data.subarray(3, 6), f);
    assert.ok(close(back.recency, customers[1].recency, 1e-9));
    assert.ok(close(back.frequency, customers[1].frequency, 1e-9));
    assert.ok(close(back.monetary, customers[1].monetary, 1e-9));
  });
  it("takes configured extra features and reports the correlation matrix of all of them", () => {
    const f = buildFeatures(
      customers,
      config({ features: ["recency", "frequency", "monetary", "items_per_order", "return_rate"], scaler: "robust" }),
    );
    assert.deepEqual(f.used, ["recency", "frequency", "monetary", "items_per_order", "return_rate"]);
    assert.equal(f.correlation.r.length, 5);
    assert.equal(f.scaler, "robust");
  });
  it("rejects non-finite values naming the feature and the customer", () => {
    const bad = [...customers.slice(0, 5), customer(5, { monetary: Number.NaN })];
    assert.throws(
      () => buildFeatures(bad, config()),
      (e: unknown) => e instanceof InputError && /"monetary" of customer C5/.test(e.message),
    );
    const inf = [...customers.slice(0, 5), customer(9, { tenure: Infinity })];
    assert.throws(() => buildFeatures(inf, config({ features: ["recency", "tenure"] })), /"tenure" of customer C9/);
  });
  it("rejects negative values under log1p, accepts them without a transform", () => {
    const bad = [...customers.slice(0, 5), customer(7, { recency: -3 })];
    assert.throws(
      () => buildFeatures(bad, config({ transform: "log1p" })),
      (e: unknown) => e instanceof InputError && /"recency" of customer C7 is negative/.test(e.message),
    );
    // "auto" never log1p's a feature with a negative value
    assert.equal(buildFeatures(bad, config()).transforms[0], "none");
    assert.doesNotThrow(() => buildFeatures(bad, config({ transform: "none" })));
  });
  it("warns about a constant feature", () => {
    const flat = customers.map((c) => ({ ...c, return_rate: 0 }));
    const f = buildFeatures(flat, config({ features: ["recency", "frequency", "monetary", "return_rate"] }));
    assert.ok(f.warnings.some((w) => /return_rate is constant/.test(w)));
  });
});

describe("log1p only on skewed features (issue 19)", () => {
  it("skewness is scipy.stats.skew (Fisher-Pearson g1)", () => {
    for (const [name, v] of Object.entries(SKEW.vectors))
      assert.ok(close(skewness(v.values), v.skew, 1e-12), `${name}: ${skewness(v.values)} vs scipy ${v.skew}`);
    assert.equal(skewness([3, 3, 3, 3]), 0);
  });
  it('"auto" log1p\'s a feature only when its raw |skewness| exceeds the threshold and log1p lowers it', () => {
    const { uniform_0_99, exponential, left } = SKEW.vectors;
    assert.equal(chooseTransform(uniform_0_99.values, "auto", 1), "none", "uniform: skew 0.00");
    assert.equal(chooseTransform(exponential.values, "auto", 1), "log1p", `skew ${exponential.skew}`);
    // left-skewed beyond 1: log1p would skew it further, so it is left alone
    assert.ok(left.skew < -1);
    assert.equal(chooseTransform(left.values, "auto", 1), "none");
    assert.equal(chooseTransform(exponential.values, "auto", 100), "none", "threshold");
    assert.equal(chooseTransform(uniform_0_99.values, "log1p", 1), "log1p");
    assert.equal(chooseTransform(exponential.values, "none", 1), "none");
  });
  it("buildFeatures records each feature's skewness before and after and transforms only the skewed ones", () => {
    const { uniform_0_99, exponential } = SKEW.vectors;
    const people = uniform_0_99.values.map((r, i) =>
      customer(i, { recency: r, monetary: exponential.values[i] + 1, frequency: 1 + (i % 5) }),
    );
    const f = buildFeatures(people, config());
    assert.deepEqual(
      f.skew.map((s) => [s.feature, s.transform]),
      [
        ["recency", "none"],
        ["frequency", "none"],
        ["monetary", "log1p"],
      ],
    );
    assert.deepEqual(f.transforms, ["none", "none", "log1p"]);
    assert.ok(close(f.skew[0].before, uniform_0_99.skew, 1e-12) && f.skew[0].after === f.skew[0].before);
    assert.ok(Math.abs(f.skew[2].after) < Math.abs(f.skew[2].before));
    // the matrix holds recency as it is and monetary log1p'd, each scaled
    assert.ok(close(f.matrix.data[3 * 7], (people[7].recency - f.center[0]) / f.scale[0], 1e-12));
    assert.ok(close(f.matrix.data[3 * 7 + 2], (Math.log1p(people[7].monetary) - f.center[2]) / f.scale[2], 1e-12));
    // a fixed list (a saved model's) replaces the rule
    assert.deepEqual(buildFeatures(people, config(), ["log1p", "log1p", "none"]).transforms, [
      "log1p",
      "log1p",
      "none",
    ]);
  });
});
