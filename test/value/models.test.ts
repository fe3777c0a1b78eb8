/**
 * The value models (loaders/value/) against independent references: scipy's special functions, the closed forms
 * and fits computed by test/fixtures/value/make_expected.py (scipy + pandas) on the CDNOW sample, and the published
 * CDNOW figures (Fader, Hardie & Lee 2005; the Gamma-Gamma note), each within 1%.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { bgnbdExpected, bgnbdLogLikelihood, bgnbdPAlive, fitBgnbd } from "../../loaders/value/bgnbd.ts";
import { expectedAverageSpend, fitGammaGamma, frequencySpendCorrelation } from "../../loaders/value/gamma-gamma.ts";
import { cholesky, inverseSpd, numericalHessian } from "../../loaders/value/hessian.ts";
import { fitMbgnbd, mbgnbdExpected, mbgnbdPAlive } from "../../loaders/value/mbgnbd.ts";
import { nelderMead } from "../../loaders/value/optimise.ts";
import { customerValue } from "../../loaders/value/predict.ts";
import { dayNumber, purchasesFromRows, summarise } from "../../loaders/value/prepare.ts";
import { hyp2f1, lnBeta, lnGamma } from "../../loaders/value/special.ts";
import { analyseValue } from "../../loaders/value/index.ts";
import { valueSettings } from "../../loaders/value/settings.ts";
import { NO_SHARED, SHARED } from "../support/build.ts";
import { requires } from "../support/skip.ts";

const EXPECTED = JSON.parse(readFileSync(join(PROJECT_ROOT, "test", "fixtures", "value", "expected.json"), "utf8")) as {
  customers_in_calibration: number;
  repeat_customers: number;
  customers: Record<string, Record<string, number>>;
  fits: Record<string, Record<string, number>> & { frequency_spend_correlation: number };
  special: { gammaln: number[][]; betaln: number[][]; hyp2f1: number[][] };
};
const BG = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const GG = { p: 6.25, q: 3.74, v: 15.44 };

const close = (got: number, want: number, rel: number, what: string) =>
  assert.ok(Math.abs(got - want) <= rel * Math.max(1, Math.abs(want)), `${what}: ${got} vs ${want} (rel ${rel})`);

/** The CDNOW log read directly (every line, the $0 ones included, as in the published data), one entry per day. */
function cdnowCalibration() {
  const lines = gunzipSync(readFileSync(join(SHARED, "data", "cdnow_sample.csv.gz")))
    .toString()
    .trim()
    .split("\n");
  const byDay = new Map<string, number>();
  for (const line of lines.slice(1)) {
    const [, id, d, , v] = line.split(",");
    const key = `${id}|${dayNumber(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`)}`;
    byDay.set(key, (byDay.get(key) ?? 0) + Number(v));
  }
  const rows = [...byDay]
    .map(([key, value]) => ({ customer_id: key.split("|")[0], day: Number(key.split("|")[1]), value }))
    .sort((p, q) => (p.customer_id < q.customer_id ? -1 : p.customer_id > q.customer_id ? 1 : p.day - q.day));
  const ids = [...new Set(rows.map((r) => r.customer_id))];
  const purchases = purchasesFromRows(ids, rows);
  return { ids, purchases, summary: summarise(purchases, dayNumber("1997-09-30"), "week") };
}

describe("special functions", () => {
  it("lnGamma, lnBeta and hyp2f1 equal scipy's gammaln, betaln and hyp2f1", () => {
    for (const [z, want] of EXPECTED.special.gammaln) close(lnGamma(z), want, 1e-12, `gammaln(${z})`);
    for (const [a, b, want] of EXPECTED.special.betaln) close(lnBeta(a, b), want, 1e-12, `betaln(${a}, ${b})`);
    for (const [a, b, c, z, want] of EXPECTED.special.hyp2f1)
      close(hyp2f1(a, b, c, z), want, 1e-12, `hyp2f1(${a}, ${b}, ${c}, ${z})`);
  });
});

describe("optimiser and Hessian", () => {
  const rosenbrock = ([x, y]: number[]) => 100 * (y - x * x) ** 2 + (1 - x) ** 2;
  it("Nelder-Mead finds the Rosenbrock minimum and says it converged", () => {
    const r = nelderMead(rosenbrock, [-1.2, 1]);
    assert.ok(r.converged);
    assert.ok(Math.abs(r.x[0] - 1) < 1e-6 && Math.abs(r.x[1] - 1) < 1e-6, `${r.x}`);
  });
  it("Nelder-Mead out of evaluations says it did not converge", () => {
    const r = nelderMead(rosenbrock, [-1.2, 1], { maxEvaluations: 30 });
    assert.equal(r.converged, false);
  });
  it("the numerical Hessian and the inverse of a quadratic form are exact", () => {
    const A = [
      [4, 1, 0.5],
      [1, 3, 0.2],
      [0.5, 0.2, 2],
    ];
    const f = (x: number[]) => 0.5 * x.reduce((s, xi, i) => s + xi * x.reduce((t, xj, j) => t + A[i][j] * xj, 0), 0);
    const H = numericalHessian(f, [0.3, -0.2, 1]);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) assert.ok(Math.abs(H[i][j] - A[i][j]) < 1e-5);
    const inv = inverseSpd(A)!;
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const p = A[i].reduce((s, a, k) => s + a * inv[k][j], 0);
        assert.ok(Math.abs(p - (i === j ? 1 : 0)) < 1e-12);
      }
    assert.equal(
      cholesky([
        [1, 2],
        [2, 1],
      ]),
      null,
    );
  });
});

describe("closed forms on CDNOW customers (scipy fixture, published parameters)", () => {
  it("P(alive), conditional expected purchases, expected spend and CLV", () => {
    for (const [id, want] of Object.entries(EXPECTED.customers)) {
      const { x, t_x, T, mean_repeat_value: m } = want;
      close(bgnbdPAlive(BG, x, t_x, T), want.p_alive, 1e-10, `${id} p_alive`);
      close(bgnbdExpected(BG, x, t_x, T, 39), want.expected_39, 1e-9, `${id} expected`);
      close(mbgnbdPAlive(BG, x, t_x, T), want.mbg_p_alive, 1e-10, `${id} mbg p_alive`);
      close(mbgnbdExpected(BG, x, t_x, T, 39), want.mbg_expected_39, 1e-9, `${id} mbg expected`);
      close(expectedAverageSpend(GG, x, m), want.expected_spend, 1e-12, `${id} spend`);
      const settings = { time_unit: "week" as const, horizon_days: 365, annual_discount_rate: 0.1 };
      close(customerValue("bgnbd", BG, GG, { x, t_x, T, m }, settings).clv, want.clv_365, 1e-9, `${id} clv`);
    }
  });
});

describe("CDNOW sample: the paper check", { skip: requires(NO_SHARED) }, () => {
  const { ids, purchases, summary } = cdnowCalibration();
  const h = { x: summary.x, t_x: summary.t_x, T: summary.T };
  it("preparation: x, t_x, T and the mean repeat value equal pandas'", () => {
    assert.equal(summary.customers, EXPECTED.customers_in_calibration);
    for (const [id, want] of Object.entries(EXPECTED.customers)) {
      const i = ids.indexOf(id);
      assert.deepEqual(
        [summary.x[i], summary.t_x[i], summary.T[i]].map((v) => +v.toFixed(9)),
        [want.x, want.t_x, want.T].map((v) => +v.toFixed(9)),
        id,
      );
      close(summary.mean_repeat_value[i], want.mean_repeat_value, 1e-12, `${id} m`);
    }
  });
  it("BG/NBD: r 0.243, alpha 4.414, a 0.793, b 2.426, LL -9,582.4 (paper, 1%); scipy's optimum (1e-4); SEs", () => {
    const fit = fitBgnbd(h);
    assert.ok(fit.converged, fit.problem ?? "");
    for (const [k, v] of Object.entries(BG)) close(fit.params[k as keyof typeof BG], v, 0.01, k);
    close(fit.log_likelihood, -9582.4, 0.01, "LL");
    for (const k of ["r", "alpha", "a", "b"] as const) close(fit.params[k], EXPECTED.fits.bgnbd[k], 1e-4, k);
    close(fit.log_likelihood, EXPECTED.fits.bgnbd.log_likelihood, 1e-8, "LL vs scipy");
    close(bgnbdLogLikelihood(BG, h), -9582.4, 1e-4, "LL at the published parameters");
    // lifetimes' documentation prints these standard errors for the same fit: 0.01, 0.38, 0.19, 0.71
    assert.deepEqual(
      (["r", "alpha", "a", "b"] as const).map((k) => +fit.se![k].toFixed(2)),
      [0.01, 0.38, 0.19, 0.71],
    );
  });
  it("the stage with model mbgnbd: its own key, one-off buyers below P(alive) 1 (BG/NBD: exactly 1)", () => {
    const input = {
      purchases,
      revenue: ids.map(() => 1),
      segment: ids.map(() => "All"),
      segments: ["All"],
      period_start: "1997-01-01",
      observation_end: "1998-06-30",
      seed: 1,
    };
    const settings = valueSettings.parse({ calibration_end: "1997-09-30" });
    const mbg = analyseValue(input, { ...settings, model: "mbgnbd" });
    assert.equal(mbg.summary.status, "fitted", mbg.summary.reason ?? "");
    assert.ok(mbg.summary.mbgnbd?.converged && !mbg.summary.bgnbd);
    for (const k of ["r", "alpha", "a", "b"] as const) close(mbg.summary.mbgnbd![k], EXPECTED.fits.mbgnbd[k], 1e-4, k);
    const h = mbg.histories!;
    const oneOff = [...h.x.keys()].filter((i) => h.included[i] && h.x[i] === 0);
    assert.ok(oneOff.length > 0 && oneOff.every((i) => mbg.customers!.p_alive[i] < 1));
    const bg = analyseValue(input, settings);
    assert.ok(
      oneOff.every((i) => bg.customers!.p_alive[i] === 1),
      "BG/NBD: one-off buyers alive by assumption",
    );
  });
  it("MBG/NBD equals scipy's optimum", () => {
    const fit = fitMbgnbd(h);
    assert.ok(fit.converged, fit.problem ?? "");
    for (const k of ["r", "alpha", "a", "b"] as const) close(fit.params[k], EXPECTED.fits.mbgnbd[k], 1e-4, k);
  });
  it("Gamma-Gamma on the 946 repeat customers: p 6.25, q 3.74, v 15.44 (1%); scipy's optimum", () => {
    const rep = [...summary.x.keys()].filter((i) => summary.x[i] > 0);
    assert.equal(rep.length, EXPECTED.repeat_customers);
    const data = { x: rep.map((i) => summary.x[i]), m: rep.map((i) => summary.mean_repeat_value[i]) };
    const fit = fitGammaGamma(data);
    assert.ok(fit.converged, fit.problem ?? "");
    for (const [k, v] of Object.entries(GG)) close(fit.params[k as keyof typeof GG], v, 0.01, k);
    for (const k of ["p", "q", "v"] as const) close(fit.params[k], EXPECTED.fits.gamma_gamma[k], 1e-4, k);
    close(frequencySpendCorrelation(data), EXPECTED.fits.frequency_spend_correlation, 1e-10, "correlation");
  });
});
