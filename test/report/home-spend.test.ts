/**
 * Spend per head at home and abroad (loaders/report/home-spend.ts) on customers made up for it: the home country
 * is the largest when it holds half of the customers or more; medians worked by hand; the comparison within a
 * segment only where both sides have MIN_GROUP_CUSTOMERS customers; the interval is the bootstrap's
 * (loaders/stats/intervals.ts, checked against its own reference there), so here it must bracket the ratio and
 * separate a clear difference from none.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { homeSpend } from "../../loaders/report/home-spend.ts";
import { MIN_GROUP_CUSTOMERS } from "../../loaders/report/limits.ts";

/** n customers of `country` in segment `label`, spending first, first + step, ... */
function customers(country: string, label: number, n: number, first: number, step: number) {
  return Array.from({ length: n }, (_, i) => ({ country, label, monetary: first + i * step }));
}

function run(rows: { country: string; label: number; monetary: number }[], names = ["Top", "Rest"]) {
  return homeSpend(
    rows.map((r) => r.country),
    rows.map((r) => r.monetary),
    rows.map((r) => r.label),
    names,
  );
}

describe("spend per head at home and abroad", () => {
  it("medians by hand; within a segment only where both sides are large enough", () => {
    assert.equal(MIN_GROUP_CUSTOMERS, 50, "the sizes below are chosen around 50");
    const rows = [
      // segment 0: 100 at home spending 1..100 (median 50.5), 60 abroad spending 2, 4, ..., 120 (median 61)
      ...customers("United Kingdom", 0, 100, 1, 1),
      ...customers("France", 0, 40, 2, 2),
      ...customers("Germany", 0, 20, 82, 2),
      // segment 1: 80 at home spending 10 each, 10 abroad (too few for a comparison within it)
      ...customers("United Kingdom", 1, 80, 10, 0),
      ...customers("France", 1, 10, 10, 0),
    ];
    const result = run(rows)!;
    assert.equal(result.home, "United Kingdom");
    assert.equal(result.home_customers, 180);
    assert.equal(result.abroad_customers, 70);
    // home, 180 values sorted: 1..9 (positions 1-9), 81 tens (10-90: one from 1..100, 80 from segment 1), then
    // 11 at 91: the median is (10 + 11) / 2
    assert.equal(result.home_median, 10.5);
    // abroad, 70 values sorted: 2, 4, 6, 8, then 11 tens (positions 5-15), then 12, 14, ...: position 35 holds
    // 12 + 2 x 19 = 50 and position 36 holds 52: the median is 51
    assert.equal(result.abroad_median, 51);
    assert.equal(result.overall.ratio, 51 / 10.5);
    assert.ok(result.overall.low <= result.overall.ratio && result.overall.ratio <= result.overall.high);
    assert.ok(result.overall.low > 1, "a clear difference: the interval excludes 1");
    // only segment 0 has 50 or more customers on both sides; its medians are 50.5 and 61
    assert.equal(result.within.length, 1);
    const top = result.within[0];
    assert.deepEqual(
      { segment: top.segment, home: top.home_customers, abroad: top.abroad_customers, ratio: top.ratio },
      { segment: "Top", home: 100, abroad: 60, ratio: 61 / 50.5 },
    );
    assert.ok(top.low <= top.ratio && top.ratio <= top.high);
  });

  it("the same spend on both sides: an interval around 1", () => {
    const rows = [...customers("United Kingdom", 0, 120, 5, 1), ...customers("Spain", 0, 120, 5, 1)];
    const result = run(rows, ["All"])!;
    assert.equal(result.overall.ratio, 1);
    assert.ok(result.overall.low < 1 && result.overall.high > 1);
  });

  it("no comparison without a home country holding half of the customers, or with too few abroad", () => {
    const split = [
      ...customers("France", 0, 60, 1, 1),
      ...customers("Spain", 0, 50, 1, 1),
      ...customers("Italy", 0, 50, 1, 1),
    ];
    assert.equal(run(split, ["All"]), null, "the largest country holds 60 of 160");
    const few = [
      ...customers("United Kingdom", 0, 200, 1, 1),
      ...customers("France", 0, MIN_GROUP_CUSTOMERS - 1, 1, 1),
    ];
    assert.equal(run(few, ["All"]), null, "49 abroad");
  });
});
