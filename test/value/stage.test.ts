/**
 * The value stage (loaders/value/index.ts) in the pipeline: the CDNOW paper check read through the order-log column
 * mapping, the demo data and Online Retail with a holdout, and the cases the data cannot support, each said in one
 * line (never a NaN).
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadConfig, PROJECT_ROOT } from "../../loaders/config.ts";
import { ensureDemoData } from "../../loaders/demo/index.ts";
import { analyse, runPipeline } from "../../loaders/pipeline/index.ts";
import { analyseValue, MIN_PERIOD_DAYS, MIN_REPEAT_CUSTOMERS, type ValueSummary } from "../../loaders/value/index.ts";
import { purchasesFromRows } from "../../loaders/value/prepare.ts";
import { valueSettings } from "../../loaders/value/settings.ts";
import { NO_SHARED, ONLINE_RETAIL, SHARED } from "../support/build.ts";
import { requires } from "../support/skip.ts";

const WORK = join(PROJECT_ROOT, "test-output", "value-stage");
mkdirSync(WORK, { recursive: true });
after(() => rmSync(WORK, { recursive: true, force: true }));

/** No NaN or infinity anywhere in the summary (JSON would write them as null). */
function assertFinite(value: unknown, path = "value"): void {
  if (typeof value === "number") assert.ok(Number.isFinite(value), `${path} = ${value}`);
  else if (Array.isArray(value)) value.forEach((v, i) => assertFinite(v, `${path}[${i}]`));
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) assertFinite(v, `${path}.${k}`);
}

/**
 * What the value stage reads and no more: the segments at the fixed k (the only k fitted), without the method
 * comparison or the migration (their own tests check them; the value figures are the same bits without them).
 */
const VALUE_ONLY = (k: number) => ({
  clustering: { bootstrap_runs: 0, k, k_max: k, methods: { compare: false } },
  migration: { when: "never" as const },
});

function config(
  name: string,
  settings: { clustering: { k: number } & Record<string, unknown> } & Record<string, unknown>,
) {
  const file = join(WORK, `${name}.config.json`);
  writeFileSync(file, JSON.stringify(settings));
  return loadConfig({ file, env: {}, overrides: VALUE_ONLY(settings.clustering.k) });
}

const PAPER = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const PAPER_GG = { p: 6.25, q: 3.74, v: 15.44 };

describe(
  "value stage on CDNOW (order-log mapping, calibration to 1997-09-30, weeks)",
  { skip: requires(NO_SHARED) },
  () => {
    it("fits the published parameters within 1%, checks the holdout, fills customers.csv", async () => {
      const c = config("cdnow", {
        data: join(SHARED, "data", "cdnow_sample.csv.gz"),
        columns: {
          customer_id: "customer_id",
          invoice_date: "date",
          quantity: "number_of_cds",
          amount: "dollar_value",
        },
        clustering: { bootstrap_runs: 0, k: 3 },
        value: { calibration_end: "1997-09-30" },
      });
      const out = join(WORK, "cdnow-out");
      const { summary } = await runPipeline(c, out);
      const v = summary.value;
      assert.equal(v.status, "fitted", v.reason ?? "");
      // the pipeline sets aside the 8 lines of $0 (nonpositive_amount): 8 customers fewer than the paper's 2,357
      assert.equal(v.calibration!.customers, 2357 - 8);
      for (const [k, want] of Object.entries(PAPER)) {
        const got = v.bgnbd![k as keyof typeof PAPER];
        assert.ok(Math.abs(got - want) <= 0.01 * want, `${k} ${got} vs ${want}`);
      }
      assert.ok(Math.abs(v.bgnbd!.log_likelihood + 9582.4) <= 0.01 * 9582.4);
      assert.equal(v.gamma_gamma!.customers, 946);
      for (const [k, want] of Object.entries(PAPER_GG)) {
        const got = v.gamma_gamma![k as keyof typeof PAPER_GG];
        assert.ok(Math.abs(got - want) <= 0.01 * want, `${k} ${got} vs ${want}`);
      }
      const h = v.holdout!;
      assert.equal(h.holdout_days, 273); // 1997-10-01 .. 1998-06-30: 39 weeks
      assert.equal(h.customers, 2349);
      assert.equal(h.weekly.length, 39);
      assert.equal(h.weekly.at(-1)!.actual, h.actual_transactions);
      assert.ok(Math.abs(h.weekly.at(-1)!.predicted - h.predicted_transactions) < 1e-6);
      assert.equal(
        h.groups.reduce((s, g) => s + g.customers, 0),
        h.customers,
      );
      assert.ok(h.total_error_pct !== null && Math.abs(h.total_error_pct) < 15, `holdout error ${h.total_error_pct}%`);
      assertFinite(v);
      const csv = readFileSync(join(out, "customers.csv"), "utf8").trim().split("\n");
      const header = csv[0].split(",");
      assert.deepEqual(header.slice(-4), ["p_alive", "expected_orders", "expected_order_value", "clv"]);
      for (const line of csv.slice(1)) {
        const cells = line.split(",").slice(-4).map(Number);
        assert.ok(cells.every(Number.isFinite) && cells[0] >= 0 && cells[0] <= 1, line);
      }
    });
  },
);

describe("value stage on the demo data and Online Retail", () => {
  it("demo: converges, holdout computed, segment intervals bracket the estimates", async () => {
    const data = await ensureDemoData();
    const c = config("demo", {
      data,
      clustering: { bootstrap_runs: 0, k: 4 },
      value: { calibration_end: "2024-09-01" },
    });
    const a = await analyse(c, () => {});
    try {
      const v = a.value.summary;
      assert.equal(v.status, "fitted", v.reason ?? "");
      assert.ok(v.bgnbd!.converged && v.gamma_gamma!.converged);
      assert.ok(v.holdout && v.holdout.customers > 0 && v.holdout.weekly.length > 0);
      for (const s of v.segments!) {
        const [lo, hi] = s.expected_revenue_interval!;
        assert.ok(
          lo <= s.expected_revenue && s.expected_revenue <= hi,
          `${s.segment}: ${lo} ${s.expected_revenue} ${hi}`,
        );
      }
      assert.equal(
        v.segments!.reduce((t, s) => t + s.customers, 0),
        a.ingest.customers.length,
      );
      assertFinite(v);
    } finally {
      await a.close();
    }
  });

  it("Online Retail: converges, holdout computed", { skip: requires(NO_SHARED) }, async () => {
    const c = config("retail", {
      data: ONLINE_RETAIL,
      clustering: { bootstrap_runs: 0, k: 4 },
      value: { calibration_end: "2011-09-09" },
    });
    const a = await analyse(c, () => {});
    try {
      const v = a.value.summary;
      assert.equal(v.status, "fitted", v.reason ?? "");
      assert.ok(v.bgnbd!.converged && v.gamma_gamma!.converged);
      assert.ok(v.holdout && v.holdout.customers > 3000 && v.holdout.total_error_pct !== null);
      assertFinite(v);
    } finally {
      await a.close();
    }
  });
});

describe("data the models cannot fit: one line, no figure", () => {
  const settings = valueSettings.parse({});
  /** customers buying every `gap` days from day 0 for `days` days; `repeaters` of them more than once */
  function synthetic(customers: number, repeaters: number, days: number) {
    const rows: { customer_id: string; day: number; value: number }[] = [];
    const ids: string[] = [];
    for (let c = 0; c < customers; c++) {
      const id = String(c + 1);
      ids.push(id);
      const first = c % Math.max(1, Math.floor(days / 2));
      rows.push({ customer_id: id, day: first, value: 10 + (c % 7) });
      if (c < repeaters)
        for (let d = first + 3 + (c % 11); d < days; d += 5 + (c % 13))
          rows.push({ customer_id: id, day: d, value: 5 + (c % 5) + d / 100 });
    }
    return purchasesFromRows(ids, rows);
  }
  const input = (purchases: ReturnType<typeof synthetic>, endDay: number) => ({
    purchases,
    revenue: purchases.ids.map(() => 10),
    segment: purchases.ids.map(() => "All"),
    segments: ["All"],
    period_start: "1970-01-01",
    observation_end: new Date(endDay * 86_400_000).toISOString().slice(0, 10),
    seed: 1,
  });
  const oneLine = (v: ValueSummary, pattern: RegExp) => {
    assert.equal(v.status, "not_fitted");
    assert.match(v.reason!, pattern);
    assert.ok(!v.reason!.includes("\n") && !/NaN/.test(v.reason!));
    assert.ok(v.needs && v.needs.length > 0);
    assertFinite(v);
  };

  it("too short a period", () => {
    const v = analyseValue(input(synthetic(200, 100, 30), 29), settings).summary;
    oneLine(v, new RegExp(`period is 30 days .* at least ${MIN_PERIOD_DAYS}`));
  });
  it("too few repeat customers", () => {
    const v = analyseValue(input(synthetic(200, 5, 200), 199), settings).summary;
    oneLine(v, new RegExp(`only 5 of 200 customers bought on more than one day .* at least ${MIN_REPEAT_CUSTOMERS}`));
  });
  it("a fit that does not converge", () => {
    const v = analyseValue(input(synthetic(300, 150, 200), 199), settings, { maxEvaluations: 40 }).summary;
    oneLine(v, /^the BG\/NBD fit did not converge: the optimiser did not converge within \d+ evaluations/);
    assert.equal(v.bgnbd!.converged, false);
  });
  it("the same data converges with the default budget", () => {
    const r = analyseValue(input(synthetic(300, 150, 200), 199), settings);
    assert.equal(r.summary.status, "fitted", r.summary.reason ?? "");
    assert.equal(r.customers!.p_alive.length, 300);
  });
  it("a calibration end that leaves no holdout", () => {
    const v = analyseValue(input(synthetic(300, 150, 200), 199), {
      ...settings,
      calibration_end: "1970-07-19",
    }).summary;
    oneLine(v, /calibration_end 1970-07-19 leaves no holdout period \(the data ends on 1970-07-19\)/);
  });
  it("a customer-level table (marketing_campaign)", { skip: requires(NO_SHARED) }, async () => {
    const c = loadConfig({
      file: join(PROJECT_ROOT, "test", "fixtures", "customers", "marketing.config.json"),
      env: {},
      overrides: VALUE_ONLY(3),
    });
    const a = await analyse(c, () => {});
    try {
      oneLine(a.value.summary, /^a customer-level table has no purchase history/);
      assert.equal(a.value.customers, null);
    } finally {
      await a.close();
    }
  });
});
