/**
 * Issue 23 #1 and #13: `npm run pipeline -- --out DIR` replaces only what it wrote. A user's own customers.csv or
 * summary.json, a folder of that name, the current folder, the root and the project are refused in one line before
 * any work; a folder that cannot be written is refused before the analysis, not after it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";
const PIPELINE_MARKER = ".segment-pipeline";
import { canDropPrivileges, unprivileged } from "../support/unprivileged.ts";
import { pipelineCommand, pipelineEnv } from "../support/pipeline.ts";

const TMP = mkdtempSync(join(tmpdir(), "segment-out-folder-"));
chmodSync(TMP, 0o755);
after(() => rmSync(TMP, { recursive: true, force: true }));
const CONFIG = join(TMP, "config.json");
writeFileSync(CONFIG, JSON.stringify({ clustering: { k_min: 2, k_max: 2, bootstrap_runs: 2 } }) + "\n");
const DATA = join(PROJECT_ROOT, "test", "fixtures", "ingest", "reasons.csv");

function pipeline(out: string, options: { cwd?: string; unprivileged?: boolean } = {}) {
  const node = pipelineCommand(["--config", CONFIG, "--data", DATA, "--out", out]);
  const [command, args] = options.unprivileged ? unprivileged(...node) : node;
  const run = spawnSync(command, args, { cwd: PROJECT_ROOT, env: pipelineEnv(options.cwd ?? TMP), encoding: "utf8" });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function assertRefused(run: ReturnType<typeof pipeline>, pattern: RegExp): void {
  assert.equal(run.status, 1, run.stderr);
  assert.equal(run.stderr.split("\n").length, 2, `one line, before any reading: ${run.stderr}`);
  assert.match(run.stderr, pattern);
}

describe("pipeline --out replaces only its own previous output (issue 23 #1)", () => {
  it("refuses a user's customers.csv and summary.json, and leaves them as they were", () => {
    const out = join(TMP, "users");
    mkdirSync(out);
    writeFileSync(join(out, "customers.csv"), "my own list\n");
    writeFileSync(join(out, "summary.json"), '{"mine": true}\n');
    assertRefused(pipeline(out), /--out .*users: customers\.csv there was not written by segment-report/);
    assert.equal(readFileSync(join(out, "customers.csv"), "utf8"), "my own list\n");
    assert.equal(readFileSync(join(out, "summary.json"), "utf8"), '{"mine": true}\n');
    assert.deepEqual(readdirSync(out).sort(), ["customers.csv", "summary.json"]);
  });

  it("refuses a folder named customers.csv and keeps what it holds", () => {
    const out = join(TMP, "folder-named");
    mkdirSync(join(out, "customers.csv"), { recursive: true });
    writeFileSync(join(out, "customers.csv", "precious.txt"), "keep\n");
    assertRefused(pipeline(out), /customers\.csv there is a folder/);
    assert.equal(readFileSync(join(out, "customers.csv", "precious.txt"), "utf8"), "keep\n");
  });

  it("replaces its own previous output, but not a file changed since", () => {
    const out = join(TMP, "own");
    const first = pipeline(out);
    assert.equal(first.status, 0, first.stderr);
    const marker = JSON.parse(readFileSync(join(out, PIPELINE_MARKER), "utf8"));
    assert.deepEqual(Object.keys(marker.files).sort(), ["customers.csv", "model.json", "summary.json", "timings.json"]);
    const second = pipeline(out);
    assert.equal(second.status, 0, second.stderr);
    writeFileSync(join(out, "summary.json"), "edited by hand\n");
    assertRefused(pipeline(out), /summary\.json there was not written by segment-report \(or was changed since\)/);
    assert.equal(readFileSync(join(out, "summary.json"), "utf8"), "edited by hand\n");
  });

  it("refuses the current folder, the root and a folder holding the project", () => {
    const cwd = join(TMP, "here");
    mkdirSync(cwd);
    assertRefused(pipeline(".", { cwd }), /--out .*here: is the current folder/);
    assert.deepEqual(readdirSync(cwd), []);
    assertRefused(pipeline("/"), /--out \/: is the root of the file system/);
    assertRefused(pipeline(join(PROJECT_ROOT, "..")), /holds the project itself/);
    assert.ok(!existsSync(join(PROJECT_ROOT, "..", "customers.csv")));
  });
});

describe("pipeline --out that cannot be written: one line before the analysis (issue 23 #13)", () => {
  it("--out /proc/self", () => {
    assertRefused(pipeline("/proc/self"), /\/proc\/self: cannot write the output folder/);
  });

  it("a read-only folder", { skip: canDropPrivileges() ? false : "setpriv unavailable" }, () => {
    const out = join(TMP, "read-only");
    mkdirSync(out);
    chmodSync(out, 0o555);
    assertRefused(
      pipeline(join(out, "new"), { unprivileged: true }),
      /cannot write the output folder \(permission denied\)/,
    );
    assert.deepEqual(readdirSync(out), []);
  });
});
