/**
 * The value figures of groups of customers (loaders/value/groups.ts), which the segment and strategy pages use,
 * against test/fixtures/value/make_groups.py (scipy + pandas): 60 CDNOW customers in two groupings, at the published
 * parameters and at fixed parameter draws. Counts, sums, medians, the customers unlikely to be alive, the revenue at
 * stake, and the intervals over the draws (the one with q <= 1 left out).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { drawTotals, groupValues, keptDraws, type Grouping } from "../../loaders/value/groups.ts";
import type { CustomerSummary } from "../../loaders/value/prepare.ts";
import { predictValues } from "../../loaders/value/score.ts";

interface FixtureGroup {
  customers: number;
  expected_orders: number;
  expected_revenue: number;
  median_expected_revenue: number;
  median_p_alive: number;
  unlikely_alive: number;
  at_stake: number;
  revenue_draws: number[];
  expected_revenue_interval: [number, number];
  at_stake_interval: [number, number];
}
const FIXTURE = JSON.parse(readFileSync(join(PROJECT_ROOT, "test", "fixtures", "value", "groups.json"), "utf8")) as {
  horizon_weeks: number;
  customers: { id: string; x: number; t_x: number; T: number; m: number }[];
  draws: [number[], number[]][];
  groupings: Record<string, { group: number[]; k: number; groups: FixtureGroup[]; all_revenue_draws: number[] }>;
};

const close = (got: number, want: number, rel: number, what: string) =>
  assert.ok(Math.abs(got - want) <= rel * Math.max(1, Math.abs(want)), `${what}: ${got} vs ${want}`);

const c = FIXTURE.customers;
const histories: CustomerSummary = {
  included: new Uint8Array(c.length).fill(1),
  x: Float64Array.from(c, (d) => d.x),
  t_x: Float64Array.from(c, (d) => d.t_x),
  T: Float64Array.from(c, (d) => d.T),
  mean_repeat_value: Float64Array.from(c, (d) => d.m),
  customers: c.length,
};
const values = predictValues(
  {
    model: "bgnbd",
    time_unit: "week",
    horizon_days: 365,
    annual_discount_rate: 0.1,
    fitted_through: "1997-09-30",
    observation_end: "1997-09-30",
    purchase: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
    spend: { p: 6.25, q: 3.74, v: 15.44 },
  },
  histories,
);
const draws = keptDraws(
  "bgnbd",
  FIXTURE.draws.map((d) => d[0]),
  FIXTURE.draws.map((d) => d[1]),
  FIXTURE.horizon_weeks,
);

describe("value figures of groups of customers (scipy fixture)", () => {
  it("draws with q <= 1 are left out and counted", () => {
    assert.equal(draws.left_out, 1);
    assert.equal(draws.purchase.length, FIXTURE.draws.length - 1);
  });

  const names = Object.keys(FIXTURE.groupings);
  const groupings: Grouping[] = names.map((n) => FIXTURE.groupings[n]);
  const totals = drawTotals(draws, histories, groupings);

  for (const [gi, name] of names.entries()) {
    const want = FIXTURE.groupings[name];
    it(`grouping ${name}: counts, sums, medians and revenue at stake`, () => {
      const got = groupValues(values, groupings[gi], totals[gi]);
      assert.equal(got.length, want.k);
      got.forEach((g, j) => {
        const w = want.groups[j];
        assert.equal(g.customers, w.customers, `group ${j} customers`);
        assert.equal(g.unlikely_alive, w.unlikely_alive, `group ${j} unlikely alive`);
        close(g.expected_orders, w.expected_orders, 1e-9, `group ${j} expected orders`);
        close(g.expected_revenue, w.expected_revenue, 1e-9, `group ${j} expected revenue`);
        close(g.median_expected_revenue, w.median_expected_revenue, 1e-9, `group ${j} median expected revenue`);
        close(g.median_p_alive, w.median_p_alive, 1e-9, `group ${j} median P(alive)`);
        close(g.at_stake, w.at_stake, 1e-9, `group ${j} at stake`);
      });
    });
    it(`grouping ${name}: per-draw totals and 95% intervals`, () => {
      const t = totals[gi];
      assert.equal(t.revenue.length, draws.purchase.length);
      t.revenue.forEach((d, i) => {
        want.groups.forEach((w, j) => close(d[j], w.revenue_draws[i], 1e-9, `draw ${i} group ${j}`));
        close(d[want.k], want.all_revenue_draws[i], 1e-9, `draw ${i} all customers`);
      });
      const got = groupValues(values, groupings[gi], t);
      got.forEach((g, j) => {
        const w = want.groups[j];
        assert.ok(g.expected_revenue_interval && g.at_stake_interval);
        close(g.expected_revenue_interval[0], w.expected_revenue_interval[0], 1e-9, `group ${j} revenue lower`);
        close(g.expected_revenue_interval[1], w.expected_revenue_interval[1], 1e-9, `group ${j} revenue upper`);
        close(g.at_stake_interval[0], w.at_stake_interval[0], 1e-9, `group ${j} at stake lower`);
        close(g.at_stake_interval[1], w.at_stake_interval[1], 1e-9, `group ${j} at stake upper`);
      });
    });
  }

  it("without draws the figures stand and the intervals are null; an empty group is zeros", () => {
    const grouping = { group: Array.from({ length: c.length }, () => 0), k: 2 };
    const [all, empty] = groupValues(values, grouping, null);
    assert.equal(all.customers, c.length);
    assert.equal(all.expected_revenue_interval, null);
    assert.equal(all.at_stake_interval, null);
    assert.deepEqual(
      { customers: empty.customers, revenue: empty.expected_revenue, median: empty.median_p_alive },
      { customers: 0, revenue: 0, median: 0 },
    );
  });
});
