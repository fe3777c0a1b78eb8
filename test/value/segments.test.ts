/**
 * `npm run score`'s value figures per segment (loaders/value/segments.ts) on five customers worked by hand: sums
 * over the members with figures, the mean per member with figures, the median P(alive) (the middle value, or the
 * mean of the two middle ones), and the members below one half; a member without figures counts as a member only.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ValueModel } from "../../loaders/value/types.ts";
import { valueBySegment } from "../../loaders/value/segments.ts";

const model = {
  model: "bgnbd",
  fitted_through: "2011-12-09",
  horizon_days: 365,
  annual_discount_rate: 0.1,
} as unknown as ValueModel;

const values = {
  p_alive: Float64Array.from([0.9, 0.4, 0.2, 0.8, 0.6]),
  expected_orders: Float64Array.from([2, 1, 0.5, 3, 9]),
  expected_order_value: Float64Array.from([10, 20, 30, 40, 50]),
  clv: Float64Array.from([18, 19, 14, 110, 400]),
  expected_revenue: Float64Array.from([20, 20, 15, 120, 450]),
};

/** the median is interpolated in floating point: compared to 12 decimals */
const rounded = <T extends { p_alive_median: number }>(figures: T): T => ({
  ...figures,
  p_alive_median: Number(figures.p_alive_median.toFixed(12)),
});

describe("value figures per segment", () => {
  it("sums, means and medians over the members with figures; the others count as members", () => {
    // customer 4 bought nothing before the snapshot: no figures
    const included = Uint8Array.from([1, 1, 1, 1, 0]);
    const result = valueBySegment(model, "2012-03-01", values, included, [0, 0, 1, 1, 1], ["A", "B"]);
    assert.deepEqual(
      {
        model: result.model,
        fitted_through: result.fitted_through,
        horizon_days: result.horizon_days,
        observation_end: result.observation_end,
      },
      { model: "bgnbd", fitted_through: "2011-12-09", horizon_days: 365, observation_end: "2012-03-01" },
    );
    // A = customers 0 and 1; B = customers 2, 3 and 4 (4 without figures)
    assert.deepEqual(result.segments.map(rounded), [
      {
        segment: "A",
        customers: 2,
        with_figures: 2,
        expected_orders: 3,
        expected_revenue: 40,
        mean_expected_revenue: 20,
        clv: 37,
        p_alive_median: 0.65,
        likely_inactive: 1,
      },
      {
        segment: "B",
        customers: 3,
        with_figures: 2,
        expected_orders: 3.5,
        expected_revenue: 135,
        mean_expected_revenue: 67.5,
        clv: 124,
        p_alive_median: 0.5,
        likely_inactive: 1,
      },
    ]);
    assert.deepEqual(rounded(result.totals), {
      customers: 5,
      with_figures: 4,
      expected_orders: 6.5,
      expected_revenue: 175,
      mean_expected_revenue: 43.75,
      clv: 161,
      p_alive_median: 0.6, // of 0.2, 0.4, 0.8, 0.9
      likely_inactive: 2,
    });
  });

  it("without a mask every customer has figures; an empty segment gives zeros, not NaN", () => {
    const result = valueBySegment(model, "2012-03-01", values, null, [0, 0, 0, 0, 0], ["A", "B"]);
    assert.equal(result.segments[0].with_figures, 5);
    assert.equal(result.segments[0].expected_revenue, 625);
    assert.ok(Math.abs(result.segments[0].p_alive_median - 0.6) < 1e-12);
    assert.deepEqual(result.segments[1], {
      segment: "B",
      customers: 0,
      with_figures: 0,
      expected_orders: 0,
      expected_revenue: 0,
      mean_expected_revenue: 0,
      clv: 0,
      p_alive_median: 0,
      likely_inactive: 0,
    });
  });
});
