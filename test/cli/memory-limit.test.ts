/**
 * DuckDB's memory limit (SEGMENT_DUCKDB_MEMORY, README "Exit statuses"): a run that needs more memory than the
 * limit allows stops with exit status 1 and one line naming the limit and the setting, not an internal error with
 * DuckDB's advice and a stack trace; nothing is written.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { memoryLimitMessage } from "../../loaders/errors.ts";

test("a run beyond DuckDB's memory limit: exit 1, one line naming the limit and SEGMENT_DUCKDB_MEMORY, nothing written", () => {
  const dir = mkdtempSync(join(tmpdir(), "segment-memory-"));
  try {
    const out = join(dir, "out");
    const result = spawnSync(
      process.execPath,
      ["loaders/cli/launch.mjs", "pipeline", "--data", "test/fixtures/ingest/iso_dates.csv", "--out", out],
      { cwd: PROJECT_ROOT, env: { ...process.env, SEGMENT_DUCKDB_MEMORY: "2MB" }, encoding: "utf8" },
    );
    assert.equal(result.status, 1, result.stderr);
    const lines = result.stderr.trim().split("\n");
    assert.equal(lines.length, 1, result.stderr);
    assert.match(
      lines[0],
      /^segment-report: DuckDB ran out of its memory limit of 2MB \(could not allocate .*\); set SEGMENT_DUCKDB_MEMORY to more/,
    );
    assert.doesNotMatch(result.stderr, /internal error|Possible solutions|\n\s+at /);
    assert.equal(existsSync(out), false, "no output folder");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("memoryLimitMessage: only DuckDB's out-of-memory error", () => {
  assert.equal(memoryLimitMessage(new Error("Binder Error: column x not found")), null);
  assert.equal(memoryLimitMessage(new Error("Out of Memory")), null);
  assert.match(
    memoryLimitMessage(
      new Error("Out of Memory Error: could not allocate block (1.8 GiB/1.8 GiB used)\n\nPossible"),
      "2GB",
    ) ?? "",
    /^DuckDB ran out of its memory limit of 2GB \(could not allocate block \(1\.8 GiB\/1\.8 GiB used\)\); set SEGMENT_DUCKDB_MEMORY/,
  );
});
