/**
 * The pipeline's output folder (issue 12): defused CSV, all-or-nothing replacement, one-line errors for
 * unreadable inputs and unwritable outputs (run as an unprivileged user, since root ignores permissions), never
 * overwriting an input, and totals that agree with the customer table when lines without a customer are kept.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { PIPELINE_MARKER, writeOutputs } from "../../loaders/output/files.ts";
import { customerSegmentsCsv } from "../../loaders/report/page-data.ts";
import type { SegmentationResult } from "../../loaders/pipeline/segment.ts";
import { canDropPrivileges, unprivileged, unprivilegedUid } from "../support/unprivileged.ts";
import { pipelineCommand, pipelineEnv } from "../support/pipeline.ts";

const HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";
const TMP = mkdtempSync(join(tmpdir(), "segment-pipeline-output-"));
chmodSync(TMP, 0o755); // the unprivileged runs must reach it
after(() => rmSync(TMP, { recursive: true, force: true }));
const CONFIG = join(TMP, "config.json");
writeFileSync(CONFIG, JSON.stringify({ clustering: { k_min: 2, k_max: 2, bootstrap_runs: 2 } }) + "\n");
const NO_SETPRIV = canDropPrivileges() ? false : "cannot run as an unprivileged user here (setpriv)";

/** Six customers on two days each; `country(i)` and `id(i)` name customer i. */
function transactions(country: (i: number) => string, id: (i: number) => string = (i) => String(17850 + i)): string {
  const rows = [HEADER];
  for (let i = 0; i < 6; i++) {
    const c = country(i).includes(",") || country(i).includes('"') ? `"${country(i).replace(/"/g, '""')}"` : country(i);
    rows.push(`5365${i}0,85123A,HEART,${i + 1},2010-12-0${i + 1} 08:26:00,2.55,${id(i)},${c}`);
    rows.push(`5366${i}0,71053,LANTERN,2,2010-12-1${i} 09:00:00,3.39,${id(i)},${c}`);
  }
  return rows.join("\n") + "\n";
}

const PLAIN = join(TMP, "plain.csv");
writeFileSync(
  PLAIN,
  transactions(() => "United Kingdom"),
);

function pipeline(args: string[], options: { unprivileged?: boolean } = {}) {
  const node = pipelineCommand(["--config", CONFIG, ...args]);
  const [command, argv] = options.unprivileged ? unprivileged(...node) : node;
  const result = spawnSync(command, argv, { cwd: PROJECT_ROOT, env: pipelineEnv(TMP), encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** stderr without the block that says what input was recognised (printed after a successful read, before any later error) */
function withoutRecognised(stderr: string): string {
  return stderr.replace(/^segment-report: input .*\n(?: {2}.*\n)*/m, "");
}

function assertOneLine(run: { status: number | null; stderr: string }, status: number, pattern: RegExp): void {
  assert.equal(run.status, status, run.stderr);
  assert.equal(withoutRecognised(run.stderr).split("\n").length, 2, `one line: ${run.stderr}`);
  assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
  assert.match(run.stderr, pattern);
}

/** A folder holding an old output set: customers.csv, model.json, summary.json, timings.json with the text "old ...". */
function oldSet(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const files: Record<string, number> = {};
  for (const name of ["customers.csv", "model.json", "summary.json", "timings.json"]) {
    writeFileSync(join(dir, name), `old ${name}\n`);
    files[name] = `old ${name}\n`.length;
  }
  writeFileSync(join(dir, PIPELINE_MARKER), JSON.stringify({ written_by: "segment-report pipeline", files }));
}

function assertOldSet(dir: string): void {
  for (const name of ["customers.csv", "model.json", "summary.json", "timings.json"])
    assert.equal(readFileSync(join(dir, name), "utf8"), `old ${name}\n`, `${name} kept`);
  assert.deepEqual(
    readdirSync(dir).sort(),
    [PIPELINE_MARKER, "customers.csv", "model.json", "summary.json", "timings.json"],
    "no temporary folder left",
  );
}

describe("customers.csv defuses spreadsheet formulas (item 4)", () => {
  it("prefixes text starting with = + - @ tab or CR with a quote, keeps negative numbers", () => {
    const hostile = ['=HYPERLINK("http://x")', "=1+2", "@SUM(1+1)", "+44 lane", "-1+2", "United Kingdom"];
    const data = join(TMP, "hostile.csv");
    writeFileSync(
      data,
      transactions(
        (i) => hostile[i],
        (i) => (i === 0 ? "@SUM(1+1)" : String(17850 + i)),
      ),
    );
    const out = join(TMP, "hostile-out");
    const run = pipeline(["--data", data, "--out", out]);
    assert.equal(run.status, 0, run.stderr);
    const lines = readFileSync(join(out, "customers.csv"), "utf8").trim().split("\n").slice(1);
    const countries = new Set(lines.map((l) => l.split(",")[10]));
    for (const bad of ['"\'=HYPERLINK(""http://x"")"', "'=1+2", "'@SUM(1+1)", "'+44 lane", "'-1+2"])
      assert.ok(countries.has(bad), `country written as ${bad}: ${[...countries].join(" | ")}`);
    assert.ok(countries.has("United Kingdom"));
    assert.ok(
      lines.some((l) => l.startsWith("'@SUM(1+1),")),
      "customer id defused",
    );
    for (const line of lines)
      for (const field of line.split(","))
        assert.doesNotMatch(field, /^"?[=+@\t\r]/, `no field starts a formula: ${line}`);
  });
});

describe("the site's customer_segments.csv defuses formulas too (item 4)", () => {
  it("writes ids and names with the same writer", () => {
    const customers = [
      {
        customer_id: "=1+2",
        segment: "@Champions",
        cluster: 0,
        rfm_segment: "-Lost",
        rfm_cell: "555",
        r_score: 5,
        f_score: 5,
        m_score: 5,
      },
      {
        customer_id: "17850",
        segment: "Valuable, loyal",
        cluster: -1,
        rfm_segment: "Lost",
        rfm_cell: "111",
        r_score: 1,
        f_score: 1,
        m_score: 1,
      },
    ];
    const csv = customerSegmentsCsv({ customers } as unknown as SegmentationResult);
    assert.equal(
      csv,
      "customer_id,segment,cluster,rfm_segment,rfm_cell,r_score,f_score,m_score\n" +
        "'=1+2,'@Champions,0,'-Lost,555,5,5,5\n" +
        '17850,"Valuable, loyal",-1,Lost,111,1,1,1\n',
    );
  });
});

describe("the output set is replaced whole (item 8)", () => {
  it("a failure while writing leaves the old set and no temporary folder", () => {
    const out = join(TMP, "fail-writing");
    oldSet(out);
    function* failing(): Generator<string> {
      yield "customer_id\n";
      throw new Error("injected failure");
    }
    assert.throws(
      () => writeOutputs(out, { "summary.json": "new\n", "customers.csv": failing(), "timings.json": "new\n" }),
      /injected/,
    );
    assertOldSet(out);
  });

  it("a failure part way through the swap puts the old files back", { skip: NO_SETPRIV }, () => {
    // In a sticky folder only a file's owner may replace it: timings.json (root's) cannot be replaced by the
    // unprivileged run, after customers.csv and summary.json (its own) could.
    const uid = unprivilegedUid();
    const parent = join(TMP, "swap-parent"); // writable by the run, so only the swap can fail
    mkdirSync(parent);
    chownSync(parent, uid, uid);
    const out = join(parent, "fail-swap");
    oldSet(out);
    chmodSync(out, 0o1777); // root's, world-writable, sticky
    chownSync(join(out, "customers.csv"), uid, uid);
    chownSync(join(out, "summary.json"), uid, uid);
    const run = pipeline(["--data", PLAIN, "--out", out], { unprivileged: true });
    assertOneLine(run, 1, /fail-swap: cannot write the output folder \(permission denied\)/);
    assertOldSet(out);
  });

  it("a successful run replaces the four files and leaves other files alone", () => {
    const out = join(TMP, "replace");
    oldSet(out);
    writeFileSync(join(out, "notes.txt"), "mine\n");
    const run = pipeline(["--data", PLAIN, "--out", out]);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(readdirSync(out).sort(), [
      PIPELINE_MARKER,
      "customers.csv",
      "model.json",
      "notes.txt",
      "summary.json",
      "timings.json",
    ]);
    assert.match(readFileSync(join(out, "customers.csv"), "utf8"), /^customer_id,/);
    assert.equal(readFileSync(join(out, "notes.txt"), "utf8"), "mine\n");
  });
});

describe("unreadable inputs and unwritable outputs are one line (item 7)", () => {
  it("an input the user cannot read", { skip: NO_SETPRIV }, () => {
    const data = join(TMP, "secret.csv");
    copyFileSync(PLAIN, data);
    chmodSync(data, 0o000);
    const run = pipeline(["--data", data, "--out", join(TMP, "secret-out")], { unprivileged: true });
    assertOneLine(run, 1, /secret\.csv: cannot be read \(permission denied\)/);
    assert.equal(existsSync(join(TMP, "secret-out")), false);
  });

  it("an output folder the user cannot write", { skip: NO_SETPRIV }, () => {
    const out = join(TMP, "readonly-out");
    mkdirSync(out);
    const run = pipeline(["--data", PLAIN, "--out", out], { unprivileged: true });
    assertOneLine(run, 1, /readonly-out: cannot write the output folder \(permission denied\)/);
    assert.deepEqual(readdirSync(out), []);
  });

  it("a writable output folder inside a folder the user cannot write", { skip: NO_SETPRIV }, () => {
    const parent = join(TMP, "locked-parent");
    const out = join(parent, "out");
    mkdirSync(out, { recursive: true });
    const uid = unprivilegedUid();
    chownSync(out, uid, uid);
    const run = pipeline(["--data", PLAIN, "--out", out], { unprivileged: true });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(readdirSync(out).sort(), [
      PIPELINE_MARKER,
      "customers.csv",
      "model.json",
      "summary.json",
      "timings.json",
    ]);
    assert.deepEqual(readdirSync(parent), ["out"]);
  });

  it("a folder without data files given as the data", () => {
    const empty = join(TMP, "no-data-folder");
    mkdirSync(empty, { recursive: true });
    writeFileSync(join(empty, "notes.md"), "not data\n");
    const run = pipeline(["--data", empty, "--out", join(TMP, "dir-out")]);
    assertOneLine(run, 1, /no-data-folder: a folder without data files/);
  });

  it("an internal error is a stack trace with exit status 2 (errors.ts)", () => {
    const script = `import { runCli } from ${JSON.stringify(join(PROJECT_ROOT, "loaders", "errors.ts"))};
      await runCli(async () => { throw new TypeError("boom"); });`;
    const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
    });
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /^segment-report: internal error .*TypeError: boom\n\s+at /s);
  });
});

describe("an output never overwrites an input (item 12)", () => {
  it("refuses --out DIR when DIR/customers.csv is the input, also through a link", () => {
    const out = join(TMP, "in-place");
    mkdirSync(out, { recursive: true });
    const data = join(out, "customers.csv");
    copyFileSync(PLAIN, data);
    const before = readFileSync(data, "utf8");
    let run = pipeline(["--data", data, "--out", out]);
    assertOneLine(run, 1, /in-place\/customers\.csv: the output would overwrite the input .*; choose another --out/);
    assert.equal(readFileSync(data, "utf8"), before);

    const linked = join(TMP, "linked-out");
    mkdirSync(linked, { recursive: true });
    symlinkSync(data, join(linked, "summary.json"));
    run = pipeline(["--data", data, "--out", linked]);
    assertOneLine(run, 1, /summary\.json: the output would overwrite the input/);
    assert.equal(readFileSync(data, "utf8"), before);
  });
});

describe("--keep-missing-customer: totals agree with the customer table (item 11)", () => {
  it("summary revenue is the customers' monetary sum; lines without a customer are counted apart", () => {
    const data = join(TMP, "guests.csv");
    const guests = [
      "536900,22423,CAKESTAND,2,2010-12-05 10:00:00,12.75,,United Kingdom",
      "536900,71053,LANTERN,1,2010-12-05 10:00:00,3.39,,United Kingdom",
      "536901,71053,LANTERN,3,2010-12-06 10:00:00,3.39,,France",
    ];
    writeFileSync(data, transactions(() => "United Kingdom") + guests.join("\n") + "\n");
    const out = join(TMP, "guests-out");
    const run = pipeline(["--data", data, "--out", out, "--keep-missing-customer"]);
    assert.equal(run.status, 0, run.stderr);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    const rows = readFileSync(join(out, "customers.csv"), "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(","));
    const monetary = rows.reduce((sum, r) => sum + Number(r[3]), 0);
    const frequency = rows.reduce((sum, r) => sum + Number(r[2]), 0);
    assert.equal(summary.rows_in, 15);
    assert.equal(summary.rows_kept, 15);
    assert.equal(summary.customers, 6);
    assert.ok(
      Math.abs(summary.revenue - monetary) < 1e-9,
      `summary revenue ${summary.revenue} = customers' ${monetary}`,
    );
    assert.equal(summary.orders, frequency);
    const guest = summary.kept_without_customer;
    assert.deepEqual([guest.lines, guest.orders], [3, 2]);
    assert.ok(Math.abs(guest.revenue - (2 * 12.75 + 4 * 3.39)) < 1e-9, `kept without a customer: ${guest.revenue}`);
    assert.ok(
      Math.abs(summary.revenue + guest.revenue - (monetary + 39.06)) < 1e-9,
      "together they are the kept lines' revenue",
    );
    assert.match(run.stdout, /kept lines without a customer: 3 \(revenue 39\.06\), in no customer or segment figure/);
  });

  it("without the flag nothing is kept without a customer", () => {
    const out = join(TMP, "no-guests-out");
    const run = pipeline(["--data", PLAIN, "--out", out]);
    assert.equal(run.status, 0, run.stderr);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    assert.deepEqual(summary.kept_without_customer, { lines: 0, orders: 0, revenue: 0 });
  });
});
