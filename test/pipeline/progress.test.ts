import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openDatabase } from "../../loaders/db/database.ts";
import { withQueryProgress } from "../../loaders/db/progress.ts";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { progressPrinter, SLOW_STAGE_MS, StageTimer } from "../../loaders/pipeline/progress.ts";
import { generateSmall } from "../support/report.ts";

test("progress lines appear once a run passes two seconds, or always with SEGMENT_PROGRESS=1", () => {
  const lines: string[] = [];
  const quiet = progressPrinter("segment", {}, (line) => lines.push(line));
  quiet("features", 150);
  assert.equal(lines.length, 0);
  quiet("k-means k = 7 (10 restarts) and metrics", 2500);
  assert.deepEqual(lines, ["[segment] k-means k = 7 (10 restarts) and metrics done after 2.5 s\n"]);
  const verbose = progressPrinter("segment", { SEGMENT_PROGRESS: "1" }, (line) => lines.push(line));
  verbose("rfm", 40);
  assert.equal(lines.at(-1), "[segment] rfm done after 0.0 s\n");
});

test("SEGMENT_PROGRESS=0 (the CLI's --quiet) silences stage and progress lines", async () => {
  const lines: string[] = [];
  const silent = progressPrinter("segment", { SEGMENT_PROGRESS: "0" }, (line) => lines.push(line));
  silent("kmeans k = 10 and metrics (9 of 9 k)", 60_000);
  const timer = new StageTimer("ingest", { SEGMENT_PROGRESS: "0" }, (line) => lines.push(line));
  await timer.time("read", () => new Promise((resolve) => setTimeout(resolve, SLOW_STAGE_MS + 50)));
  assert.deepEqual(lines, []);
  assert.ok(timer.timings.read >= SLOW_STAGE_MS, "the stage is still timed");
  assert.equal(typeof timer.cpu.read, "number", "and its CPU time recorded");
});

test("a long file read reports DuckDB's progress as it goes; nothing with SEGMENT_PROGRESS=0", async () => {
  const { instance, conn } = await openDatabase();
  const dir = mkdtempSync(join(tmpdir(), "progress-"));
  try {
    const file = join(dir, "big.csv");
    await conn.run(`COPY (SELECT i AS a, i * 2 AS b, 'x' || i AS c FROM range(3000000) t(i)) TO '${file}' (HEADER)`);
    const read = () => conn.run(`CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv('${file}')`);
    const lines: string[] = [];
    await withQueryProgress(conn, "ingest", "reading big.csv", read, {}, (line) => lines.push(line), 100);
    const quiet: string[] = [];
    await withQueryProgress(
      conn,
      "ingest",
      "reading big.csv",
      read,
      { SEGMENT_PROGRESS: "0" },
      (l) => quiet.push(l),
      100,
    );
    assert.deepEqual(quiet, []);
    assert.ok(lines.length >= 1, "at least one progress line");
    assert.match(lines[0], /^\[ingest\] reading big\.csv: \d+% after \d+\.\d s\n$/);
  } finally {
    conn.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("work of several steps names the step it is on, with or without DuckDB's share", async () => {
  const lines: string[] = [];
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const result = await withQueryProgress(
    null,
    "ingest",
    "cleaning 10 lines",
    async (step) => {
      step("duplicates");
      await pause(30);
      step("matching returns");
      await pause(250);
      return 7;
    },
    {},
    (line) => lines.push(line),
    100,
  );
  assert.equal(result, 7);
  assert.ok(lines.length >= 1, "at least one progress line");
  for (const line of lines) assert.match(line, /^\[ingest\] cleaning 10 lines, matching returns: after \d+\.\d s\n$/);
  const quiet: string[] = [];
  await withQueryProgress(
    null,
    "ingest",
    "x",
    async (step) => (step("y"), pause(250)),
    { SEGMENT_PROGRESS: "0" },
    (l) => quiet.push(l),
    100,
  );
  assert.deepEqual(quiet, []);
});

test("the method comparison, the value models, cohorts and migration name each part as it is done", () => {
  const { data } = generateSmall(7);
  const out = mkdtempSync(join(tmpdir(), "progress-run-"));
  try {
    const result = spawnSync(process.execPath, ["loaders/cli/launch.mjs", "pipeline", "--data", data, "--out", out], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      env: { ...process.env, SEGMENT_PROGRESS: "1" },
    });
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stderr.split("\n");
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    const k = summary.kmeans.length + 1;
    const expected = [
      "[segment] compare: K-Means done after ",
      "[segment] compare: Gaussian mixture (full) k = 2, 1 of ",
      `[segment] compare: Gaussian mixture (diag) k = ${k}, ${2 * (k - 1)} of ${2 * (k - 1)} done after `,
      "[segment] compare: Ward done after ",
      "[segment] compare: silhouettes done after ",
      "[value] read done after ",
      "[value] fit done after ",
      "[value] predict done after ",
      "[time] cohorts done after ",
      `[time] the customers at ${summary.migration.from_date} (the migration's earlier cut) done after `,
      "[time] migration done after ",
    ];
    const at = expected.map((start) => lines.findIndex((line) => line.startsWith(start)));
    assert.deepEqual(
      expected.filter((_, i) => at[i] < 0),
      [],
      `missing progress lines in:\n${result.stderr}`,
    );
    assert.deepEqual(
      [...at].sort((a, b) => a - b),
      at,
      "in the order the parts run",
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
