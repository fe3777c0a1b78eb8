import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type BaseDistributions,
  clusterPosition,
  nameClusters,
  nameFromPositions,
  NAME_GRID,
} from "../../loaders/cluster/naming.ts";
import type { ClusterPosition } from "../../loaders/cluster/profile.ts";
import { clusterOrder, crosstab, groupMedians, profileClusters } from "../../loaders/cluster/profile.ts";
import { medianInPlace, quantileSorted, sortedCopy } from "../../loaders/stats/quantile.ts";
import { Rng } from "../../loaders/stats/random.ts";

// a base of 100 customers: recency 1..100 days, frequency 1 (half), then 2..51, monetary 10..1000
const base: BaseDistributions = {
  recency: sortedCopy(Array.from({ length: 100 }, (_, i) => i + 1)),
  frequency: sortedCopy(Array.from({ length: 100 }, (_, i) => (i < 50 ? 1 : i - 48))),
  monetary: sortedCopy(Array.from({ length: 100 }, (_, i) => 10 * (i + 1))),
};

const position = (recentness: number, value: number, extra: Partial<ClusterPosition> = {}): ClusterPosition => ({
  recency_pct: 1 - recentness,
  frequency_pct: value,
  monetary_pct: value,
  recentness,
  value,
  recency_level: recentness >= 0.6 ? "recent" : recentness <= 0.4 ? "lapsed" : "middle",
  value_level: value >= 0.85 ? "top" : value >= 0.65 ? "high" : value <= 0.4 ? "low" : "middle",
  ...extra,
});

describe("cluster naming", () => {
  it("names by where the cluster's medians sit in the base, not by position", () => {
    const { names, positions } = nameClusters(
      [
        { median_recency: 95, median_frequency: 1, median_monetary: 50 }, // long ago, one order, little
        { median_recency: 5, median_frequency: 45, median_monetary: 950 }, // recent, frequent, big
        { median_recency: 8, median_frequency: 1, median_monetary: 100 }, // recent, first order
        { median_recency: 80, median_frequency: 25, median_monetary: 800 }, // valuable but gone
        { median_recency: 50, median_frequency: 2, median_monetary: 550 }, // middle
      ],
      base,
    );
    assert.deepEqual(names, ["Low-Value Lapsed", "Top-Value Active", "Recent Starters", "High-Value Lapsed", "Middle"]);
    assert.equal(positions[2].frequency_pct, 0.25); // one order: the middle of the tied block
  });

  it("has ten distinct names on the grid; only recent clusters of top value are Top-Value Active", () => {
    const all = Object.values(NAME_GRID).flatMap((row) => Object.values(row));
    assert.equal(new Set(all).size, 10);
    assert.equal(nameFromPositions([position(0.9, 0.9)])[0], "Top-Value Active");
    assert.equal(nameFromPositions([position(0.9, 0.8)])[0], "High-Value Active");
    assert.equal(nameFromPositions([position(0.5, 0.9)])[0], "High-Value Cooling");
  });

  it("disambiguates equal names by the dimension that differs most (spend first), deterministically", () => {
    const names = nameFromPositions([
      position(0.9, 0.8, { monetary_pct: 0.75, frequency_pct: 0.85 }),
      position(0.85, 0.7, { monetary_pct: 0.7, frequency_pct: 0.7 }),
      position(0.1, 0.1),
    ]);
    assert.deepEqual(names, [
      "High-Value Active (more frequent)",
      "High-Value Active (less frequent)",
      "Low-Value Lapsed",
    ]);
    // spend differs 0.10, frequency 0.13: not 0.05 more, so spend names it
    const spend = nameFromPositions([
      position(0.9, 0.8, { monetary_pct: 0.8, frequency_pct: 0.83 }),
      position(0.85, 0.7, { monetary_pct: 0.7, frequency_pct: 0.7 }),
    ]);
    assert.deepEqual(spend, ["High-Value Active (higher spend)", "High-Value Active (lower spend)"]);
    const three = nameFromPositions([
      position(0.2, 0.2, { monetary_pct: 0.3 }),
      position(0.1, 0.2, { monetary_pct: 0.1 }),
      position(0.15, 0.2, { monetary_pct: 0.2 }),
    ]);
    assert.deepEqual(three, [
      "Low-Value Lapsed (highest spend)",
      "Low-Value Lapsed (lowest spend)",
      "Low-Value Lapsed (mid spend)",
    ]);
    const four = nameFromPositions([0.1, 0.3, 0.2, 0.4].map((m) => position(0.5, 0.5, { monetary_pct: m })));
    assert.deepEqual(four, [
      "Middle (spend tier 4 of 4)",
      "Middle (spend tier 2 of 4)",
      "Middle (spend tier 3 of 4)",
      "Middle (spend tier 1 of 4)",
    ]);
    assert.equal(new Set(four).size, 4);
  });

  it("a cluster's position uses mid-rank percentiles", () => {
    const p = clusterPosition({ median_recency: 100, median_frequency: 51, median_monetary: 10 }, base);
    assert.equal(p.recency_pct, 0.995);
    assert.equal(p.frequency_pct, 0.995);
    assert.equal(p.monetary_pct, 0.005);
    assert.equal(p.recency_level, "lapsed");
  });
});

describe("profiles and order", () => {
  const labels = Int32Array.of(0, 0, 1, 1, 1, 2);
  const columns = {
    recency: [10, 20, 100, 200, 300, 5],
    frequency: [2, 4, 1, 1, 1, 9],
    monetary: [100, 300, 10, 20, 30, 5000],
    avg_order_value: [50, 75, 10, 20, 30, 555],
    items_per_order: [1, 3, 2, 2, 2, 10],
    return_rate: [0, 0.1, 0, 0, 0.3, 0],
  };
  it("medians by selection equal type-7 medians of the sorted values, ties and all", () => {
    const rng = new Rng(5);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + rng.int(40);
      const values = Float64Array.from({ length: n }, () => rng.int(trial % 2 ? 5 : 1000));
      assert.equal(medianInPlace(Float64Array.from(values)), quantileSorted(sortedCopy(values), 0.5));
    }
    assert.ok(Number.isNaN(medianInPlace(new Float64Array(0))));
  });
  it("orders clusters by median monetary, highest first", () => {
    assert.deepEqual(groupMedians(columns.monetary, labels, 3), [200, 20, 5000]);
    assert.deepEqual(clusterOrder(columns.monetary, labels, 3), [2, 0, 1]);
  });
  it("profiles sizes, shares, medians and means", () => {
    const p = profileClusters(columns, labels, 3, { original: [{}, {}, {}], scaled: [[], [], []] });
    assert.deepEqual(
      p.map((c) => c.size),
      [2, 3, 1],
    );
    assert.equal(p[1].median_recency, 200);
    assert.equal(p[0].median_frequency, 3);
    assert.equal(p[2].share_revenue, 5000 / 5460);
    assert.equal(p[1].share_customers, 0.5);
    assert.ok(Math.abs(p[1].mean_return_rate - 0.1) < 1e-15);
    assert.equal(p[0].mean_items_per_order, 2);
  });
  it("cross-tabulates clusters against RFM segments", () => {
    const t = crosstab(labels, ["A", "B", "C"], ["x", "y", "y", "y", "x", "z"], ["x", "y", "z", "w"]);
    assert.deepEqual(t.counts, [
      [1, 1, 0, 0],
      [1, 2, 0, 0],
      [0, 0, 1, 0],
    ]);
  });
});
