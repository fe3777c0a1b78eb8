/**
 * Scoring with a saved model: the round trip (scoring the training data gives back every segment, RFM segment and
 * value figure, on the demo data and on Online Retail), drift on data whose spend was multiplied on purpose, and the command
 * line's refusals (one line, nothing written).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadConfig, PROJECT_ROOT, type Config } from "../../loaders/config.ts";
import { ensureDemoData } from "../../loaders/demo/index.ts";
import { measureDrift } from "../../loaders/model/drift.ts";
import { readModel } from "../../loaders/model/load.ts";
import { DEFAULT_DRIFT } from "../../loaders/model/settings.ts";
import { scoreCustomers } from "../../loaders/model/score.ts";
import { METHOD_COLUMNS } from "../../loaders/output/files.ts";
import { runPipeline } from "../../loaders/pipeline/index.ts";
import { VALUE_COLUMNS } from "../../loaders/pipeline/value.ts";
import { loadScoringConfig, runScore } from "../../loaders/pipeline/score.ts";
import { NO_SHARED, ONLINE_RETAIL } from "../support/build.ts";
import { memo } from "../support/memo.ts";
import { requires } from "../support/skip.ts";

const WORK = join(PROJECT_ROOT, "test-output", "model-score");
const FIXTURE = join(PROJECT_ROOT, "test", "fixtures", "time", "cohorts.csv");
mkdirSync(WORK, { recursive: true });
after(() => rmSync(WORK, { recursive: true, force: true }));

const quiet = () => {};
const fast = (data: string, compare = true): Config =>
  loadConfig({
    file: null,
    data,
    env: {},
    overrides: { clustering: { bootstrap_runs: 2, methods: { compare } }, migration: { when: "never" } },
  });

/** customers.csv without the clustering-method comparison's label columns (not part of the saved model). */
function withoutMethodColumns(csv: string): string {
  const lines = csv.trimEnd().split("\n");
  const header = lines[0].split(",");
  const keep = header.map((h, j) => ((METHOD_COLUMNS as readonly string[]).includes(h) ? -1 : j)).filter((j) => j >= 0);
  // ids and segment names of these data hold no comma or quote: a plain split is the CSV's cells
  return lines.map((line) => keep.map((j) => line.split(",")[j]).join(",")).join("\n") + "\n";
}

/** The pipeline's fit of `data` under `fast`, written to WORK/<name>/fit. */
async function fitOf(name: string, data: string, compare = true) {
  const fit = await runPipeline(fast(data, compare), join(WORK, name, "fit"), { log: quiet });
  return { fit, dir: join(WORK, name, "fit") };
}

/**
 * The demo data's fit, run once for the file: the round trip and the drift test both read it (only the run writes
 * its folder), and each still passes alone.
 */
const demoFit = memo(async () => fitOf("demo", await ensureDemoData()));

async function roundTrip(name: string, data: string, given?: Awaited<ReturnType<typeof fitOf>>) {
  const out = join(WORK, name);
  const { fit } = given ?? (await fitOf(name, data));
  const modelFile = join(out, "fit", "model.json");
  const model = readModel(modelFile);
  const { summary } = await runScore(model, modelFile, loadScoringConfig(model, { data }), join(out, "scored"));
  const fitted = fit.segmentation.customers;
  const scoredRows = readFileSync(join(out, "scored", "customers.csv"), "utf8");
  const fitRows = readFileSync(join(out, "fit", "customers.csv"), "utf8");
  return { fit, model, summary, fitted, scoredRows, fitRows };
}

describe("round trip: scoring the training data reproduces every label", () => {
  it("demo data: every segment and RFM segment, and no drift warning", async () => {
    const data = await ensureDemoData();
    const { fit, model, summary, scoredRows, fitRows } = await roundTrip("demo", data, await demoFit());
    assert.equal(fit.summary.model.scoring_mismatches.segment, 0);
    // customers.csv of the score is the pipeline's, row for row (features, RFM scores, cell, segment, cluster, name,
    // and the value columns from model.json's value parameters), without the method comparison's label columns
    assert.ok(fitRows.split("\n")[0].includes(METHOD_COLUMNS.join(",")), "the pipeline compared methods");
    assert.ok(model.value !== null, "the value models were fitted");
    const header = scoredRows.split("\n")[0].split(",");
    assert.deepEqual(header.slice(-VALUE_COLUMNS.length), [...VALUE_COLUMNS]);
    assert.ok(!METHOD_COLUMNS.some((c) => header.includes(c)));
    // the value cells are filled (not empty) for every customer
    const clv = header.indexOf("clv");
    const rows = scoredRows.trimEnd().split("\n").slice(1);
    assert.ok(rows.every((r) => r.split(",")[clv] !== "" && Number.isFinite(Number(r.split(",")[clv]))));
    assert.equal(scoredRows, withoutMethodColumns(fitRows));
    assert.equal(summary.customers, fit.summary.customers);
    assert.deepEqual(
      summary.segments.map((s) => s.customers),
      fit.summary.clusters.map((c) => c.size),
    );
    assert.deepEqual(
      summary.rfm_segments.filter((s) => s.customers > 0).map((s) => [s.segment, s.customers]),
      fit.summary.rfm_segments.filter((s) => s.customers > 0).map((s) => [s.segment, s.customers]),
    );
    // on the training data: about 1% beyond the 99th percentile, no mean shift, no size change
    assert.ok(summary.drift.outside_share <= 0.011, String(summary.drift.outside_share));
    for (const f of summary.drift.features) assert.ok(Math.abs(f.shift_sd) < 1e-9, f.feature);
    for (const s of summary.drift.segments) assert.ok(Math.abs(s.change) < 1e-12, s.segment);
    assert.equal(summary.drift.warning, null);
    assert.equal(summary.model.model_id, model.model_id);
    // summary.json's value section: the saved parameters on the same histories give the pipeline's per-segment
    // figures (computed there by the value stage's own loop, with its intervals)
    const fitted = fit.summary.value;
    assert.equal(fitted.status, "fitted");
    assert.ok(summary.value, "the score's summary has a value section");
    assert.equal(summary.value.fitted_through, fitted.fitted_through);
    assert.equal(summary.value.segments.length, fitted.segments!.length);
    summary.value.segments.forEach((s, j) => {
      const f = fitted.segments![j];
      assert.equal(s.segment, f.segment);
      assert.equal(s.customers, f.customers);
      assert.equal(s.with_figures, f.customers);
      for (const key of [
        "expected_orders",
        "expected_revenue",
        "mean_expected_revenue",
        "clv",
        "p_alive_median",
      ] as const)
        assert.ok(
          Math.abs(s[key] - f[key]) <= 1e-9 * Math.max(1, Math.abs(f[key])),
          `${s.segment} ${key}: ${s[key]} vs ${f[key]}`,
        );
      assert.equal(s.likely_inactive, f.likely_inactive);
    });
    assert.ok(Math.abs(summary.value.totals.expected_revenue - fitted.totals!.expected_revenue) < 1e-6);
    assert.ok(summary.value.segments.some((s) => s.expected_revenue > 0));
  });

  it("Online Retail: every segment and RFM segment", { skip: requires(NO_SHARED) }, async () => {
    // without the method comparison (the demo's round trip checks its columns are left out)
    const retailFit = await fitOf("retail", ONLINE_RETAIL, false);
    const { fit, scoredRows, fitRows, summary } = await roundTrip("retail", ONLINE_RETAIL, retailFit);
    assert.equal(summary.customers, fit.summary.customers);
    assert.equal(scoredRows, withoutMethodColumns(fitRows));
  });
});

describe("drift", () => {
  it("spend multiplied by 3 passes the thresholds and gives the warning; the same customers do not", async () => {
    // the round trip's fit of the same data and settings (demoFit): computed here when this test runs alone
    const { fit, dir } = await demoFit();
    const model = readModel(join(dir, "model.json"));
    const customers = fit.ingest.customers;
    const same = measureDrift(model, scoreCustomers(model, customers), DEFAULT_DRIFT);
    assert.equal(same.warning, null);
    const richer = customers.map((c) => ({ ...c, monetary: c.monetary * 3, avg_order_value: c.avg_order_value * 3 }));
    const drift = measureDrift(model, scoreCustomers(model, richer), DEFAULT_DRIFT);
    const monetary = drift.features.find((f) => f.feature === "monetary")!;
    // log1p(3x) - log1p(x) is about ln 3 for most customers: the shift in SDs is ln 3 / sd(log1p monetary)
    const sd = model.drift_baseline.feature_sd[model.features.names.indexOf("monetary")];
    assert.ok(Math.abs(monetary.shift_sd - Math.log(3) / sd) < 0.05, `${monetary.shift_sd} vs ${Math.log(3) / sd}`);
    assert.ok(monetary.shift_sd > DEFAULT_DRIFT.mean_shift_sd);
    assert.match(drift.warning ?? "", /^drift: .*monetary's mean moved [\d.]+ training SDs.*refit the model/);
    assert.ok(!drift.warning!.includes("\n"));
  });
});

/** Runs `npm run score` (the CLI module) with arguments. */
function score(...args: string[]) {
  const result = spawnSync(process.execPath, [join(PROJECT_ROOT, "loaders", "cli", "launch.mjs"), "score", ...args], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    env: { ...process.env, INIT_CWD: PROJECT_ROOT },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("npm run score", () => {
  const dir = join(WORK, "cli");
  const fitDir = join(dir, "fit");
  const modelFile = join(fitDir, "model.json");

  it("scores a file with prices multiplied: a one-line drift warning on stderr, the files written", async () => {
    await runPipeline(fast(FIXTURE), fitDir, { log: quiet });
    const lines = readFileSync(FIXTURE, "utf8").trimEnd().split("\n");
    const priced = lines.map((line, i) => {
      if (i === 0) return line;
      const cells = line.split(",");
      cells[5] = String(Number(cells[5]) * 5);
      return cells.join(",");
    });
    const shifted = join(dir, "priced.csv");
    writeFileSync(shifted, priced.join("\n") + "\n");
    const result = score("--model", modelFile, "--data", shifted, "--out", join(dir, "scored"));
    assert.equal(result.status, 0, result.stderr);
    const warnings = result.stderr.split("\n").filter((l) => l.includes("warning: drift"));
    assert.equal(warnings.length, 1, result.stderr);
    assert.match(warnings[0], /monetary's mean moved .* refit the model/);
    const summary = JSON.parse(readFileSync(join(dir, "scored", "summary.json"), "utf8"));
    assert.ok(summary.drift.features.find((f: { feature: string }) => f.feature === "monetary").shift_sd > 0.5);
    assert.ok(existsSync(join(dir, "scored", "customers.csv")));
  });

  it("refuses another schema version, a file that is not a model and data lacking a column, writing nothing", () => {
    const wrongVersion = join(dir, "v2.json");
    writeFileSync(wrongVersion, JSON.stringify({ ...JSON.parse(readFileSync(modelFile, "utf8")), version: 2 }));
    // without the invoice column each line would be one order: frequency would not mean what the model learnt
    const noInvoice = join(dir, "no_invoice.csv");
    writeFileSync(
      noInvoice,
      readFileSync(FIXTURE, "utf8")
        .trimEnd()
        .split("\n")
        .map((line) => line.split(",").slice(1).join(","))
        .join("\n") + "\n",
    );
    const cases: [string[], RegExp][] = [
      [
        ["--model", wrongVersion, "--data", FIXTURE],
        /a model of schema version 2; this version of segment-report reads version 3/,
      ],
      [["--model", join(fitDir, "summary.json"), "--data", FIXTURE], /not a segment-report model/],
      [
        ["--model", modelFile, "--data", noInvoice],
        /no_invoice\.csv: no invoice column, which the model's features were computed from/,
      ],
      [["--model", modelFile], /--data is required/],
      [["--model", modelFile, "--data", FIXTURE, "--k", "3"], /command line: Unknown option '--k'/],
    ];
    for (const [args, message] of cases) {
      const out = join(dir, "refused");
      const result = score(...args, "--out", out);
      assert.equal(result.status, 1, `${args.join(" ")}: ${result.stderr}`);
      const lines = result.stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0], message);
      assert.ok(!existsSync(out), `${out} was created`);
    }
  });
});
