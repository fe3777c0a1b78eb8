/**
 * Intervals of the figures a few customers drive (issue 19): the return rate of a segment and its ratio to the rest's,
 * the median order and its ratio to everyone's, by a stratified bootstrap over customers. Checked against numpy's
 * bootstrap of the same customers (test/fixtures/order-intervals/make_expected.py, 20,000 resamples): the points
 * exactly, the bounds within Monte Carlo error. Segment 0 holds one customer who returned 900 of 1,000 units: its
 * rate is 5.7x the rest's, but the interval of that ratio includes 1, so no lead is claimed.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { medianOrderIntervals, returnRateIntervals } from "../../loaders/report/order-intervals.ts";

const expected = JSON.parse(
  readFileSync(join(PROJECT_ROOT, "test", "fixtures", "order-intervals", "expected.json"), "utf8"),
);
type Customer = { segment: number; returned: number; bought: number; orders: number[] };
const customers: Customer[] = expected.customers;
const labels = customers.map((c) => c.segment);
const returned = Float64Array.from(customers, (c) => c.returned);
const bought = Float64Array.from(customers, (c) => c.bought);
const start = new Int32Array(customers.length + 1);
customers.forEach((c, i) => (start[i + 1] = start[i] + c.orders.length));
const units = Float64Array.from(customers.flatMap((c) => c.orders));

/** Within `share` of the reference interval's width (percentile bounds of two bootstraps differ by chance). */
function near(actual: number, ref: number, width: number, share: number, what: string) {
  assert.ok(Math.abs(actual - ref) <= share * width, `${what}: ${actual} against numpy's ${ref} (width ${width})`);
}

test("return rates: the points are the pooled sums, the bounds numpy's stratified bootstrap over customers", () => {
  const got = returnRateIntervals(returned, bought, labels, 3, { seed: 7, resamples: 4000 });
  got.clusters.forEach((c, j) => {
    assert.ok(Math.abs(c.value - expected.return_rate.value[j]) < 1e-12);
    assert.ok(Math.abs(c.ratio - expected.return_ratio.value[j]) < 1e-12);
    const w = expected.return_rate.high[j] - expected.return_rate.low[j];
    near(c.low, expected.return_rate.low[j], w, 0.1, `segment ${j} rate low`);
    near(c.high, expected.return_rate.high[j], w, 0.1, `segment ${j} rate high`);
    const rw = expected.return_ratio.high[j] - expected.return_ratio.low[j];
    near(c.ratio_low, expected.return_ratio.low[j], rw, 0.1, `segment ${j} ratio low`);
    near(c.ratio_high, expected.return_ratio.high[j], rw, 0.1, `segment ${j} ratio high`);
  });
  const ow = expected.overall_rate.high - expected.overall_rate.low;
  near(got.overall.low, expected.overall_rate.low, ow, 0.1, "overall low");
  near(got.overall.high, expected.overall_rate.high, ow, 0.1, "overall high");
  // one customer's 900 returned units: 5.7x the rest on the point, an interval reaching below 1
  assert.ok(got.clusters[0].ratio > 5 && got.clusters[0].ratio_low < 1, JSON.stringify(got.clusters[0]));
  // units counted as independent trials would give a narrow Wilson-like interval far above 1
  assert.ok(got.clusters[0].ratio_high / got.clusters[0].ratio_low > 10);
});

test("median orders: the points are the medians of the pooled orders, the bounds numpy's", () => {
  const got = medianOrderIntervals(units, start, labels, 3, { seed: 7, resamples: 4000 });
  got.clusters.forEach((c, j) => {
    assert.equal(c.value, expected.median_order.value[j]);
    assert.ok(Math.abs(c.ratio - expected.median_ratio.value[j]) < 1e-12);
    const w = expected.median_order.high[j] - expected.median_order.low[j];
    near(c.low, expected.median_order.low[j], w, 0.15, `segment ${j} median low`);
    near(c.high, expected.median_order.high[j], w, 0.15, `segment ${j} median high`);
    const rw = expected.median_ratio.high[j] - expected.median_ratio.low[j];
    near(c.ratio_low, expected.median_ratio.low[j], rw, 0.15, `segment ${j} ratio low`);
    near(c.ratio_high, expected.median_ratio.high[j], rw, 0.15, `segment ${j} ratio high`);
  });
  assert.equal(got.overall.value, expected.overall_median.value);
});

test("the bootstraps are seeded: same seed, same bits; another seed, other bounds", () => {
  const a = returnRateIntervals(returned, bought, labels, 3, { seed: 1 });
  assert.deepEqual(returnRateIntervals(returned, bought, labels, 3, { seed: 1 }), a);
  assert.notDeepEqual(returnRateIntervals(returned, bought, labels, 3, { seed: 2 }).clusters, a.clusters);
  const m = medianOrderIntervals(units, start, labels, 3, { seed: 1 });
  assert.deepEqual(medianOrderIntervals(units, start, labels, 3, { seed: 1 }), m);
});
