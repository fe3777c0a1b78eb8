import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { csvField } from "../../loaders/output/csv.ts";
import { customersCsv, writeOutputs } from "../../loaders/output/files.ts";
import { parsePipelineArgs } from "../../loaders/cli/args.ts";
import { pipelineCommand, pipelineEnv } from "../support/pipeline.ts";

const FIXTURES = join(PROJECT_ROOT, "test", "fixtures", "ingest");
const TMP = mkdtempSync(join(tmpdir(), "segment-pipeline-cli-"));
after(() => rmSync(TMP, { recursive: true, force: true }));
/** an empty config file, so a segment.config.json in the project does not change the results */
const CONFIG = join(TMP, "config.json");
writeFileSync(CONFIG, "{}\n");

function pipeline(...args: string[]) {
  const result = spawnSync(...pipelineCommand(args), { cwd: PROJECT_ROOT, env: pipelineEnv(TMP), encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("npm run pipeline", () => {
  it("nets returns by default and keeps gross revenue with --gross (test/fixtures/net/returns.csv)", () => {
    const data = join(PROJECT_ROOT, "test", "fixtures", "net", "returns.csv");
    const expected = JSON.parse(
      readFileSync(join(PROJECT_ROOT, "test", "fixtures", "net", "returns_expected.json"), "utf8"),
    );
    const net = pipeline("--data", data, "--out", join(TMP, "net"), "--config", CONFIG);
    assert.equal(net.status, 0, net.stderr);
    assert.match(
      net.stdout,
      /revenue \(net\): gross 1849\.36, returned 1798\.96, net 50\.40; 2 return lines unmatched; 1 customer set aside \(fully_returned\)/,
    );
    const summary = JSON.parse(readFileSync(join(TMP, "net", "summary.json"), "utf8"));
    assert.equal(summary.revenue_basis, "net");
    assert.ok(Math.abs(summary.revenue - expected.net_revenue) < 1e-9);
    assert.deepEqual(summary.set_aside, { fully_returned: { customers: 1, lines: 1, net_revenue: 0 } });
    assert.equal(summary.returns.unmatched_lines, expected.unmatched_return_lines);
    assert.ok(!readFileSync(join(TMP, "net", "customers.csv"), "utf8").includes("\n1002,"), "1002 is set aside");
    const gross = pipeline("--data", data, "--out", join(TMP, "gross"), "--config", CONFIG, "--gross");
    assert.equal(gross.status, 0, gross.stderr);
    const g = JSON.parse(readFileSync(join(TMP, "gross", "summary.json"), "utf8"));
    assert.equal(g.revenue_basis, "gross");
    assert.ok(Math.abs(g.revenue - expected.gross_revenue) < 1e-9);
    assert.equal(g.customers, 5);
  });

  it("prints usage with --help", () => {
    const run = pipeline("--help");
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^usage: npm run pipeline -- --data FILE --out DIR/);
    assert.match(run.stdout, /--keep-non-product/);
    assert.match(run.stdout, /--segments-only/);
    assert.match(run.stdout, /--quiet/);
  });

  it("writes customers.csv, summary.json, timings.json and model.json", () => {
    const out = join(TMP, "out");
    const run = pipeline("--data", join(FIXTURES, "reasons.csv"), "--out", out, "--config", CONFIG);
    assert.equal(run.status, 0, run.stderr);
    // stderr holds only the recognised-input block
    assert.match(
      run.stderr,
      /^segment-report: input .*reasons\.csv\n {2}layout: {3}Online Retail \(recognised\); comma-separated\n {2}columns: {2}invoice <- InvoiceNo, /,
    );
    assert.match(
      run.stderr,
      /\n {2}encoding: UTF-8\n {2}customer ids: 1 customer written more than one way \(1 spelling merged by customer_id_normalise\)\n$/,
    );
    assert.match(
      run.stdout,
      /^kept 6 of 14 lines \(dropped: cancellation 3, missing_customer 1, nonpositive_quantity 1, nonpositive_price 1, non_product_code 2\); 3 customers/,
    );
    assert.deepEqual(readdirSync(out).sort(), [
      ".segment-pipeline",
      "customers.csv",
      "model.json",
      "summary.json",
      "timings.json",
    ]);
    const csv = readFileSync(join(out, "customers.csv"), "utf8").split("\n");
    assert.equal(
      csv[0],
      "customer_id,recency,frequency,monetary,first_purchase,last_purchase,tenure,avg_order_value,items_per_order,return_rate,country," +
        "r_score,f_score,m_score,rfm_cell,rfm_segment,cluster,segment,cluster_gmm,cluster_ward,cluster_dbscan,p_alive,expected_orders,expected_order_value,clv",
    );
    assert.match(
      csv[1],
      /^12583,8,1,180,2010-12-02,2010-12-02,8,180,48,0,France,[1-5],[1-5],[1-5],[1-5]{3},[^,]+,\d,[^,]+,-?\d+,-?\d+,-?\d+,,,,$/,
    );
    assert.equal(csv.length, 5); // header, 3 customers, final newline
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    assert.equal(summary.rows_in, 14);
    assert.equal(summary.rows_kept, 6);
    assert.equal(summary.dropped.non_product_code, 2);
    assert.equal(summary.customers, 3);
    assert.equal(summary.orders, 4);
    assert.equal(summary.snapshot_date, "2010-12-10");
    assert.equal(summary.period_start, "2010-12-01");
    assert.equal(summary.period_end, "2010-12-09");
    assert.equal(summary.source, join(FIXTURES, "reasons.csv"));
    assert.equal(summary.cleaning.drop_non_product_codes, true);
    for (const key of ["revenue", "duplicate_lines", "k", "kmeans", "clusters", "rfm_segments", "validation"])
      assert.ok(key in summary, key);
    assert.ok(!("timings" in summary), "wall-clock timings are kept out of summary.json (it is deterministic)");
    const timings = JSON.parse(readFileSync(join(out, "timings.json"), "utf8"));
    for (const stage of ["read", "clean", "features", "segment", "value", "value_cpu", "analyse_cpu"])
      assert.equal(typeof timings[stage], "number", stage);
  });

  it("--segments-only computes the same clusters as the full run without the later stages; --quiet leaves stderr empty", () => {
    const data = join(PROJECT_ROOT, "test", "fixtures", "net", "returns.csv");
    const full = pipeline("--data", data, "--out", join(TMP, "seg-full"), "--config", CONFIG);
    const only = pipeline(
      "--data",
      data,
      "--out",
      join(TMP, "seg-only"),
      "--config",
      CONFIG,
      "--segments-only",
      "--quiet",
    );
    assert.equal(full.status, 0, full.stderr);
    assert.equal(only.status, 0, only.stderr);
    assert.notEqual(full.stderr, "", "without --quiet the recognised-input block goes to stderr");
    assert.equal(only.stderr, "");
    const read = (dir: string) => JSON.parse(readFileSync(join(TMP, dir, "summary.json"), "utf8"));
    const [a, b] = [read("seg-full"), read("seg-only")];
    const solutions = (s: { kmeans: { k: number; inertia: number; sizes: number[]; silhouette: number }[] }) =>
      s.kmeans.map(({ k, inertia, sizes, silhouette }) => ({ k, inertia, sizes, silhouette }));
    assert.ok(a.kmeans.length >= 1);
    assert.deepEqual(solutions(b), solutions(a));
    assert.deepEqual(b.rfm_segments, a.rfm_segments);
    assert.equal(b.value.status, "not_fitted");
    assert.match(b.value.reason, /segments only/);
    assert.equal(b.migration, null);
    assert.match(b.migration_note, /segments only/);
    assert.deepEqual(b.methods, []);
    assert.equal(b.validation.stability.runs ?? 0, 0);
    const timings = JSON.parse(readFileSync(join(TMP, "seg-only", "timings.json"), "utf8"));
    for (const stage of ["read", "clean", "features", "ingest", "segment", "process"])
      assert.equal(typeof timings.cpu_ms[stage], "number", `cpu_ms.${stage}`);
  });

  it("applies the cleaning flags and --snapshot; relative paths are from the caller's folder", () => {
    mkdirSync(join(TMP, "data"), { recursive: true });
    writeFileSync(join(TMP, "data", "r.csv"), readFileSync(join(FIXTURES, "reasons.csv")));
    const run = pipeline(
      "--data",
      "data/r.csv",
      "--out",
      "flags",
      "--config",
      "config.json",
      "--keep-non-product",
      "--drop-duplicates",
      "--snapshot",
      "2011-01-01",
    );
    assert.equal(run.status, 0, run.stderr);
    const summary = JSON.parse(readFileSync(join(TMP, "flags", "summary.json"), "utf8"));
    assert.equal(summary.cleaning.drop_non_product_codes, false);
    assert.equal(summary.cleaning.drop_duplicates, true);
    assert.equal(summary.dropped.non_product_code, 0);
    assert.equal(summary.dropped.duplicate, 1);
    assert.equal(summary.rows_kept, 7);
    assert.equal(summary.snapshot_date, "2011-01-01");
  });

  it("fails on bad input with one line on stderr, exit 1 and no output", () => {
    const out = join(TMP, "bad");
    const file = join(FIXTURES, "bad_number.csv");
    const run = pipeline("--data", file, "--out", out, "--config", CONFIG);
    assert.equal(run.status, 1);
    assert.equal(run.stdout, "");
    assert.equal(
      run.stderr,
      `segment-report: ${file}: line 4: Quantity "abc" is not a number (2 lines have unreadable values; this is the first)\n`,
    );
    assert.equal(existsSync(out), false);
    assert.deepEqual(
      readdirSync(TMP).filter((f) => f.includes(".tmp-")),
      [],
    );
  });

  it("leaves an existing output folder untouched on bad input", () => {
    const out = join(TMP, "existing");
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "customers.csv"), "old\n");
    const marker = { written_by: "segment-report pipeline", files: { "customers.csv": 4 } };
    writeFileSync(join(out, ".segment-pipeline"), JSON.stringify(marker));
    const run = pipeline("--data", join(FIXTURES, "missing_column.csv"), "--out", out, "--config", CONFIG);
    assert.equal(run.status, 1);
    assert.equal(run.stderr.split("\n").length, 2, run.stderr);
    assert.match(run.stderr, /missing_column\.csv: missing required column unit_price; found columns: /);
    assert.deepEqual(readdirSync(out).sort(), [".segment-pipeline", "customers.csv"]);
    assert.equal(readFileSync(join(out, "customers.csv"), "utf8"), "old\n");
  });

  it("rejects unknown options, a bad --snapshot, a missing --out and a missing file in one line", () => {
    const cases: [string[], RegExp][] = [
      [["--frobnicate"], /^segment-report: command line: Unknown option '--frobnicate'.* \(see --help\)\n$/],
      [
        ["--out", join(TMP, "x"), "--snapshot", "2011-02-30"],
        /^segment-report: command line: --snapshot should be a date YYYY-MM-DD, got "2011-02-30"\n$/,
      ],
      [
        ["--data", join(FIXTURES, "reasons.csv")],
        /^segment-report: command line: --out DIR is required \(see --help\)\n$/,
      ],
      [
        ["--data", join(TMP, "missing.csv"), "--out", join(TMP, "y"), "--config", CONFIG],
        /^segment-report: .*missing\.csv: file not found\n$/,
      ],
    ];
    for (const [args, expected] of cases) {
      const run = pipeline(...args);
      assert.equal(run.status, 1, args.join(" "));
      assert.match(run.stderr, expected);
    }
    assert.equal(existsSync(join(TMP, "x")) || existsSync(join(TMP, "y")), false);
  });
});

describe("pipeline arguments", () => {
  it("maps flags to cleaning settings", () => {
    assert.deepEqual(
      parsePipelineArgs([
        "--keep-cancellations",
        "--keep-missing-customer",
        "--keep-nonpositive-quantity",
        "--keep-nonpositive-price",
      ]).cleaning,
      {
        drop_cancellations: false,
        drop_missing_customer: false,
        drop_nonpositive_quantity: false,
        drop_nonpositive_price: false,
      },
    );
    assert.deepEqual(parsePipelineArgs([]).cleaning, {});
  });
});

describe("output files", () => {
  it("writes CSV fields plainly, quoting only when needed, formulas defused (loaders/output/csv.ts)", () => {
    assert.equal(csvField(-12.5), "-12.5", "a negative number is a number");
    assert.equal(csvField("-5"), "-5", "text that is a plain number is not a formula");
    assert.equal(csvField("-1+2"), "'-1+2");
    assert.equal(csvField("+44 20"), "'+44 20");
    assert.equal(csvField("@SUM(1+1)"), "'@SUM(1+1)");
    assert.equal(csvField("\tx"), "'\tx");
    assert.equal(csvField("\rx"), '"\'\rx"');
    assert.equal(csvField('=HYPERLINK("http://x")'), '"\'=HYPERLINK(""http://x"")"');
    assert.equal(csvField(0.1 + 0.2), "0.30000000000000004");
    assert.equal(csvField("Korea, Republic of"), '"Korea, Republic of"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField(null), "");
  });

  it("writes one row per customer under the fixed header", () => {
    const csv = customersCsv([
      {
        customer_id: "1",
        recency: 2,
        frequency: 3,
        monetary: 4.5,
        first_purchase: "2010-01-01",
        last_purchase: "2010-02-01",
        tenure: 40,
        avg_order_value: 1.5,
        items_per_order: 2,
        return_rate: 0,
        country: "EIRE",
      },
    ]);
    assert.equal(
      csv,
      "customer_id,recency,frequency,monetary,first_purchase,last_purchase,tenure,avg_order_value,items_per_order,return_rate,country\n1,2,3,4.5,2010-01-01,2010-02-01,40,1.5,2,0,EIRE\n",
    );
  });

  it("replaces files in an existing folder and keeps the others", () => {
    const dir = join(TMP, "write");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "a.txt"), "old");
    writeFileSync(join(dir, "keep.txt"), "keep");
    writeOutputs(dir, { "a.txt": "new", "b.txt": "b" });
    assert.equal(readFileSync(join(dir, "a.txt"), "utf8"), "new");
    assert.equal(readFileSync(join(dir, "keep.txt"), "utf8"), "keep");
    assert.equal(readFileSync(join(dir, "b.txt"), "utf8"), "b");
    assert.deepEqual(
      readdirSync(dir).sort(),
      [".segment-pipeline", "a.txt", "b.txt", "keep.txt"],
      "no temporary folder left",
    );
    assert.throws(() => writeOutputs(join(dir, "a.txt"), { "x.txt": "x" }), { name: "InputError" });
  });
});
