/**
 * The value stage's parts, each on its own: the churn watch (loaders/value/churn.ts), the Krinsky-Robb draws and
 * their interval (interval.ts), the shared fitter and the grouping of histories (fit.ts), the calibration/holdout
 * check (holdout.ts) and the per-customer scoring loop (score.ts). Expected values are hand-worked on small cases
 * (the arithmetic is written beside each), a closed-form maximum-likelihood estimate (the normal distribution's mean
 * and standard deviation, and their standard errors s/sqrt(n) and s/sqrt(2n)), numpy's percentile (type 7) and
 * the scipy fixture of test/fixtures/value/make_expected.py (CDNOW customers under the published parameters).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { bgnbdExpected } from "../../loaders/value/bgnbd.ts";
import { churnWatch } from "../../loaders/value/churn.ts";
import { fitModel, groupHistories } from "../../loaders/value/fit.ts";
import { holdoutCheck } from "../../loaders/value/holdout.ts";
import { drawParameters, interval95 } from "../../loaders/value/interval.ts";
import { purchasesFromRows, summarise, type CustomerSummary } from "../../loaders/value/prepare.ts";
import { predictValues } from "../../loaders/value/score.ts";
import type { ValueModel } from "../../loaders/value/saved.ts";
import { Rng } from "../../loaders/stats/random.ts";

const close = (got: number, want: number, rel: number, what: string) =>
  assert.ok(Math.abs(got - want) <= rel * Math.max(1, Math.abs(want)), `${what}: ${got} vs ${want} (rel ${rel})`);

describe("churnWatch", () => {
  // revenues 10..90: numpy.percentile(range(10, 100, 10), 75) = 70 (h = 8 x 0.75 = 6, the 7th value), so g (70,
  // on the threshold), h and i are of high value. h's P(alive) is exactly 0.5: not below it, not on the watch.
  const ids = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
  const revenue = [10, 20, 30, 40, 50, 60, 70, 80, 90];
  const p_alive = [0.1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.2, 0.5, 0.25];
  const expected_revenue = [1, 1, 1, 1, 1, 1, 10, 8, 30];
  const segment = ["A", "A", "A", "A", "A", "A", "B", "A", "A"];
  const { summary, rows } = churnWatch({ ids, segment, revenue, p_alive, expected_revenue });

  it("takes the top quarter by revenue (threshold included) whose P(alive) is below one half", () => {
    assert.equal(summary.high_value_threshold, 70);
    assert.equal(summary.high_value_customers, 3);
    assert.equal(summary.customers, 2);
    assert.equal(summary.share, 2 / 3);
    assert.equal(summary.revenue, 160);
    assert.equal(summary.revenue_share, 160 / 450);
  });

  it("values what is at stake as E[revenue] (1 - p) / p and ranks by it", () => {
    // i: 30 x 0.75 / 0.25 = 90; g: 10 x 0.8 / 0.2 = 40
    assert.deepEqual(
      rows.map((r) => [r.customer_id, r.segment, r.revenue, r.p_alive]),
      [
        ["i", "A", 90, 0.25],
        ["g", "B", 70, 0.2],
      ],
    );
    close(rows[0].value_at_stake, 90, 1e-12, "i at stake");
    close(rows[1].value_at_stake, 40, 1e-12, "g at stake");
    close(summary.expected_revenue_at_stake, 130, 1e-12, "total at stake");
    // one customer each: ties by segment name
    assert.deepEqual(
      summary.segments.map((s) => [s.segment, s.customers, s.revenue]),
      [
        ["A", 1, 90],
        ["B", 1, 70],
      ],
    );
  });

  it("says nothing for no customers", () => {
    const empty = churnWatch({ ids: [], segment: [], revenue: [], p_alive: [], expected_revenue: [] });
    assert.deepEqual([empty.summary.customers, empty.summary.share, empty.summary.revenue_share], [0, 0, 0]);
  });
});

describe("interval95 and drawParameters", () => {
  it("bounds the draws by their 2.5% and 97.5% type-7 quantiles (numpy.percentile)", () => {
    // numpy.percentile([1, 2, 3, 4, 5], [2.5, 97.5]) = [1.1, 4.9]
    const [lo, hi] = interval95([3, 1, 5, 2, 4]);
    close(lo, 1.1, 1e-12, "2.5%");
    close(hi, 4.9, 1e-12, "97.5%");
  });

  it("draws log-parameters with the estimate's logarithm as mean and the given covariance", () => {
    const estimate = [2, 5];
    const cov = [
      [0.04, 0.01],
      [0.01, 0.09],
    ];
    const n = 20_000;
    const draws = drawParameters(estimate, cov, n, new Rng(11));
    assert.equal(draws.length, n);
    const logs = draws.map((d) => d.map(Math.log));
    const mean = [0, 1].map((i) => logs.reduce((s, l) => s + l[i], 0) / n);
    // the sample mean is within 4 standard errors (sqrt(0.04 / n) = 0.0014) of ln(2) and ln(5)
    assert.ok(Math.abs(mean[0] - Math.log(2)) < 4 * Math.sqrt(0.04 / n), `${mean[0]}`);
    assert.ok(Math.abs(mean[1] - Math.log(5)) < 4 * Math.sqrt(0.09 / n), `${mean[1]}`);
    const c = (i: number, j: number) => logs.reduce((s, l) => s + (l[i] - mean[i]) * (l[j] - mean[j]), 0) / (n - 1);
    // sample variances within 5% (their relative standard error is sqrt(2 / n) = 1%), the covariance within 0.003
    assert.ok(Math.abs(c(0, 0) - 0.04) < 0.002 && Math.abs(c(1, 1) - 0.09) < 0.0045, `${c(0, 0)} ${c(1, 1)}`);
    assert.ok(Math.abs(c(0, 1) - 0.01) < 0.003, `cov ${c(0, 1)}`);
    // the same seed gives the same draws
    assert.deepEqual(drawParameters(estimate, cov, 3, new Rng(11)), draws.slice(0, 3));
  });

  it("draws nothing when the covariance has no Cholesky factor", () => {
    assert.deepEqual(
      drawParameters(
        [1, 1],
        [
          [1, 2],
          [2, 1],
        ],
        10,
        new Rng(1),
      ),
      [],
    );
  });
});

describe("fitModel", () => {
  // the normal distribution's negative log-likelihood in (ln mu, ln sigma), constants dropped; for
  // y = 2, 4, 4, 4, 5, 5, 7, 9: mu = 5, sigma = 2 (the population standard deviation), LL = -8 ln 2 - 4,
  // SE(mu) = sigma / sqrt(8) = 0.7071, SE(sigma) = sigma / sqrt(16) = 0.5
  const y = [2, 4, 4, 4, 5, 5, 7, 9];
  const nll = ([lm, ls]: number[]) => {
    const mu = Math.exp(lm);
    const s = Math.exp(ls);
    return y.length * Math.log(s) + y.reduce((t, v) => t + (v - mu) ** 2, 0) / (2 * s * s);
  };

  it("finds the maximum-likelihood estimate, its log-likelihood and standard errors", () => {
    const fit = fitModel(["mu", "sigma"], nll, [0, 0], y.length);
    assert.equal(fit.converged, true, fit.problem ?? "");
    assert.equal(fit.problem, null);
    close(fit.params.mu, 5, 1e-5, "mu");
    close(fit.params.sigma, 2, 1e-5, "sigma");
    close(fit.log_likelihood, -8 * Math.log(2) - 4, 1e-9, "log-likelihood");
    close(fit.se!.mu, 2 / Math.sqrt(8), 1e-3, "SE mu");
    close(fit.se!.sigma, 0.5, 1e-3, "SE sigma");
    // the log-parameters' covariance: SE(mu)^2 / mu^2 and SE(sigma)^2 / sigma^2
    close(fit.log_covariance![0][0], 0.5 / 25, 1e-3, "var ln mu");
    close(fit.log_covariance![1][1], 0.25 / 4, 1e-3, "var ln sigma");
  });

  it("says why when the likelihood is flat in a direction", () => {
    const fit = fitModel(["a", "b"], ([a]) => (a - 1) ** 2, [0, 0], 10);
    assert.equal(fit.converged, false);
    assert.equal(fit.se, null);
    assert.equal(fit.log_covariance, null);
    assert.match(fit.problem!, /flat in some direction/);
  });

  it("says why when the optimiser runs out of evaluations", () => {
    const fit = fitModel(["mu", "sigma"], nll, [0, 0], y.length, { maxEvaluations: 5 });
    assert.equal(fit.converged, false);
    assert.match(fit.problem!, /did not converge within/);
  });
});

describe("groupHistories", () => {
  it("counts identical (x, t_x, T) once with their weight, and indexes the distinct values", () => {
    const g = groupHistories({ x: [1, 0, 1, 2], t_x: [3, 0, 3, 5], T: [10, 10, 10, 12] });
    assert.deepEqual([...g.x], [1, 0, 2]);
    assert.deepEqual([...g.t_x], [3, 0, 5]);
    assert.deepEqual([...g.T], [10, 10, 12]);
    assert.deepEqual([...g.weight], [2, 1, 1]);
    assert.deepEqual(
      [g.xValues, [...g.xIndex]],
      [
        [1, 0, 2],
        [0, 1, 2],
      ],
    );
    assert.deepEqual(
      [g.TValues, [...g.TIndex]],
      [
        [10, 12],
        [0, 0, 1],
      ],
    );
    assert.deepEqual(
      [g.txValues, [...g.txIndex]],
      [
        [3, 0, 5],
        [0, 1, 2],
      ],
    );
    assert.equal(g.customers, 4);
  });
});

describe("holdoutCheck", () => {
  // days: calibration through day 100, holdout days 101-120 (weeks end on days 7, 14 and 20 of the holdout)
  const BG = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  const days: Record<string, number[]> = {
    A: [10, 50, 100, 103, 115], // x 2, t_x 90, T 90; holdout: day 3 (week 1), day 15 (week 3)
    B: [60, 107, 114], // x 0, T 40; holdout: day 7 (week 1, its last day), day 14 (week 2)
    C: [110], // first seen in the holdout: not in the check
    D: [0, 10, 20, 30, 40, 50, 60, 70, 80, 121], // x 8 ("7+"), t_x 80, T 100; day 21 is after the holdout
    E: [55], // x 0, T 45, nothing in the holdout
  };
  const ids = Object.keys(days);
  const purchases = purchasesFromRows(
    ids,
    ids.flatMap((id) => days[id].map((day) => ({ customer_id: id, day, value: 1 }))),
  );
  const calibration = summarise(purchases, 100, "day");
  const check = holdoutCheck(
    "bgnbd",
    BG,
    purchases,
    calibration,
    {
      calibrationEnd: 100,
      holdoutEnd: 120,
      calibration_end: "c",
      holdout_end: "h",
    },
    "day",
  );
  const e = (x: number, tx: number, T: number, t: number) => bgnbdExpected(BG, x, tx, T, t);
  const predicted = { A: e(2, 90, 90, 20), B: e(0, 0, 40, 20), D: e(8, 80, 100, 20), E: e(0, 0, 45, 20) };

  it("counts the holdout's transactions per customer who bought in the calibration period", () => {
    assert.equal(check.holdout_days, 20);
    assert.equal(check.customers, 4);
    assert.equal(check.customers_first_seen_in_holdout, 1);
    assert.equal(check.actual_transactions, 4);
    const total = predicted.A + predicted.B + predicted.D + predicted.E;
    close(check.predicted_transactions, total, 1e-12, "predicted");
    close(check.total_error_pct!, (100 * (total - 4)) / 4, 1e-12, "error %");
    const mae = (Math.abs(predicted.A - 2) + Math.abs(predicted.B - 2) + predicted.D + predicted.E) / 4;
    close(check.mean_absolute_error, mae, 1e-12, "MAE");
  });

  it("groups by calibration repeat transactions, 7 or more together", () => {
    assert.deepEqual(
      check.groups.map((g) => [g.repeat_transactions, g.customers, g.actual_mean]),
      [
        ["0", 2, 1],
        ["2", 1, 2],
        ["7+", 1, 0],
      ],
    );
    close(check.groups[0].predicted_mean, (predicted.B + predicted.E) / 2, 1e-12, "group 0");
    const gmae =
      (2 * Math.abs((predicted.B + predicted.E) / 2 - 1) + Math.abs(predicted.A - 2) + Math.abs(predicted.D)) / 4;
    close(check.group_mean_absolute_error, gmae, 1e-12, "group MAE");
  });

  it("accumulates actual and predicted transactions week by week, the last week short", () => {
    assert.deepEqual(
      check.weekly.map((w) => [w.day, w.actual]),
      [
        [7, 2],
        [14, 3],
        [20, 4],
      ],
    );
    const at = (t: number) => e(2, 90, 90, t) + e(0, 0, 40, t) + e(8, 80, 100, t) + e(0, 0, 45, t);
    for (const w of check.weekly) close(w.predicted, at(w.day), 1e-12, `week ending ${w.day}`);
  });
});

describe("predictValues", () => {
  const fixture = JSON.parse(readFileSync(join(PROJECT_ROOT, "test", "fixtures", "value", "expected.json"), "utf8"))
    .customers as Record<string, Record<string, number>>;
  const rows = Object.values(fixture);
  const histories: CustomerSummary = {
    included: new Uint8Array(rows.length).fill(1),
    x: Float64Array.from(rows, (r) => r.x),
    t_x: Float64Array.from(rows, (r) => r.t_x),
    T: Float64Array.from(rows, (r) => r.T),
    mean_repeat_value: Float64Array.from(rows, (r) => r.mean_repeat_value),
    customers: rows.length,
  };
  const model = (horizon_days: number): ValueModel => ({
    model: "bgnbd",
    time_unit: "week",
    horizon_days,
    annual_discount_rate: 0.1,
    fitted_through: "1997-09-30",
    observation_end: "1997-09-30",
    purchase: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
    spend: { p: 6.25, q: 3.74, v: 15.44 },
  });

  it("scores every customer as scipy does under the published parameters (make_expected.py)", () => {
    const year = predictValues(model(365), histories);
    const weeks39 = predictValues(model(39 * 7), histories);
    rows.forEach((r, i) => {
      close(year.p_alive[i], r.p_alive, 1e-10, `p_alive ${i}`);
      close(year.clv[i], r.clv_365, 1e-9, `clv ${i}`);
      close(year.expected_order_value[i], r.expected_spend, 1e-12, `spend ${i}`);
      close(weeks39.expected_orders[i], r.expected_39, 1e-9, `orders ${i}`);
      close(weeks39.expected_revenue[i], r.expected_39 * r.expected_spend, 1e-9, `revenue ${i}`);
    });
  });
});
