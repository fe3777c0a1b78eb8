/**
 * Issue 23 #6 and #14: a named pipe (FIFO), a device and a loop of symbolic links as the data path are refused in
 * one line at once (a FIFO used to hang the pipeline and the build with no message).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";

const TMP = mkdtempSync(join(tmpdir(), "segment-special-"));
after(() => rmSync(TMP, { recursive: true, force: true }));
const CONFIG = join(TMP, "config.json");
writeFileSync(CONFIG, "{}\n");

function pipeline(data: string) {
  return spawnSync(
    process.execPath,
    [
      join(PROJECT_ROOT, "loaders/cli/launch.mjs"),
      "pipeline",
      "--data",
      data,
      "--out",
      join(TMP, "out"),
      "--config",
      CONFIG,
    ],
    { cwd: PROJECT_ROOT, encoding: "utf8", timeout: 60_000, env: { ...process.env, INIT_CWD: TMP } },
  );
}

describe("data paths that are not regular files (issue 23 #6, #14)", () => {
  it("a named pipe: one line, no hang", () => {
    const fifo = join(TMP, "pipe.csv");
    assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
    const run = pipeline(fifo);
    assert.equal(run.signal, null, "did not hang");
    assert.equal(run.status, 1, run.stderr);
    assert.equal(run.stderr, `segment-report: ${fifo}: is not a regular file (a named pipe), expected a data file\n`);
  });

  it("/dev/zero and a loop of symbolic links: one line each", () => {
    const zero = pipeline("/dev/zero");
    assert.equal(zero.signal, null, "did not hang");
    assert.equal(zero.stderr, "segment-report: /dev/zero: is not a regular file (a device), expected a data file\n");
    const loop = join(TMP, "loop.csv");
    symlinkSync(loop, loop);
    const looped = pipeline(loop);
    assert.equal(looped.stderr, `segment-report: ${loop}: is a loop of symbolic links, expected a data file\n`);
  });
});
