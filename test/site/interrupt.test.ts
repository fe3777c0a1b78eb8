/**
 * Issue 23 #4: Ctrl-C or SIGTERM during `npm run build` or `npm run pipeline` (run as package.json runs them)
 * leaves no `.segment-tmp-*` staging folder in --out, no build lock, and no UTF-8 copy of a Windows-1252 input in
 * the temporary folder, and it does so promptly: the signal lands in the k search, and the command exits within a
 * few seconds (it went on through the whole segmentation, a minute here, before the search, the bootstrap refits
 * and the method comparison let a signal through between their steps). Staging folders a killed run left are
 * removed by the next run.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { after, describe, it } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { generateSmall } from "../support/report.ts";

const TMP = mkdtempSync(join(tmpdir(), "segment-interrupt-"));
after(() => rmSync(TMP, { recursive: true, force: true }));

/** The small demo data as Windows-1252 (an accented description), so the run reads it through a UTF-8 copy. */
function windows1252(): string {
  const text = gunzipSync(readFileSync(generateSmall().data)).toString("utf8");
  const lines = text.split("\n");
  lines[1] = lines[1].replace(/,([^,]*),/, ",$1 CAFÉ CRÈME,");
  const path = join(TMP, "cp1252.csv");
  writeFileSync(path, Buffer.from(lines.join("\n"), "latin1"));
  return path;
}

/**
 * A configuration that keeps the segmentation busy for a minute or more after the first k (many restarts and
 * bootstrap refits), each step of it short: the signal lands in the middle of the work.
 */
const CONFIG = join(TMP, "slow.config.json");
writeFileSync(CONFIG, JSON.stringify({ clustering: { restarts: 200, bootstrap_runs: 1000 } }));
/** The progress line of the first k: the k search is under way. */
const IN_K_SEARCH = /\[segment\] kmeans k = 2 and metrics/;
/** How soon after the signal the command must have cleaned up and exited (a step takes well under a second). */
const PROMPT_MS = 5000;
/** A command still running this long after the signal is killed (SIGKILL), so the test fails in seconds. */
const GIVE_UP_MS = 3 * PROMPT_MS;

/**
 * Runs `npm run <script> -- args` as package.json says (through `sh -c exec`, so the signal reaches the command),
 * sends `signal` once the first k's progress line is on stderr (the input is read: the k search is under way), and
 * resolves with the exit status, the signal that ended it, stderr, and the milliseconds from the signal to the exit.
 */
function interrupt(script: string, args: string[], signal: NodeJS.Signals, temp: string) {
  const command = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")).scripts[script];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TMPDIR: temp,
    SEGMENT_CONFIG: CONFIG,
    INIT_CWD: TMP,
    PATH: `${join(PROJECT_ROOT, "node_modules", ".bin")}${delimiter}${process.env.PATH}`,
  };
  env.SEGMENT_PROGRESS = "1";
  const child = spawn("sh", ["-c", `exec ${command} "$@"`, "sh", ...args], { cwd: PROJECT_ROOT, env });
  let stderr = "";
  let sentAt = 0;
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
    if (!sentAt && IN_K_SEARCH.test(stderr)) {
      sentAt = performance.now();
      child.kill(signal);
      setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"), GIVE_UP_MS);
    }
  });
  return new Promise<{ status: number | null; signal: string | null; stderr: string; sent: boolean; ms: number }>(
    (resolve) =>
      child.once("exit", (status, by) =>
        resolve({ status, signal: by, stderr, sent: sentAt > 0, ms: performance.now() - sentAt }),
      ),
  );
}

describe("interrupts clean up (issue 23 #4)", () => {
  const data = windows1252();

  it("Ctrl-C during npm run build's k search: no staging folder, no build lock, no UTF-8 copy, within seconds", async () => {
    const temp = join(TMP, "tmp-build");
    mkdirSync(temp);
    const out = join(TMP, "site");
    const run = await interrupt("build", ["--out", out], "SIGINT", temp);
    run.stderr = run.stderr.replace(/\n\s+/g, " ");
    assert.ok(run.sent, `the input was never read: ${run.stderr}`);
    assert.ok(
      run.ms < PROMPT_MS,
      `exited ${(run.ms / 1000).toFixed(1)} s after the signal (${run.signal ?? run.status})`,
    );
    assert.equal(run.status, 130, `exit ${run.status} ${run.signal}: ${run.stderr}`);
    assert.match(run.stderr, /interrupted \(SIGINT\)/);
    assert.deepEqual(existsSync(out) ? readdirSync(out) : [], [], "nothing left in --out");
    assert.ok(!existsSync(join(PROJECT_ROOT, ".segment-cache", "build.lock")), "no build lock left");
    const left = readdirSync(temp).filter((name) => name.startsWith("segment-report"));
    assert.deepEqual(left, [], "no UTF-8 copy left in the temporary folder");
  });

  it("SIGTERM during npm run pipeline's k search: no UTF-8 copy, no output, within seconds", async () => {
    const temp = join(TMP, "tmp-pipeline");
    mkdirSync(temp);
    const out = join(TMP, "pipeline-out");
    const run = await interrupt("pipeline", ["--data", data, "--out", out], "SIGTERM", temp);
    assert.ok(run.sent, `the input was never read: ${run.stderr}`);
    assert.ok(
      run.ms < PROMPT_MS,
      `exited ${(run.ms / 1000).toFixed(1)} s after the signal (${run.signal ?? run.status})`,
    );
    assert.equal(run.status, 143, `exit ${run.status} ${run.signal}: ${run.stderr}`);
    const left = readdirSync(temp).filter((name) => name.startsWith("segment-report"));
    assert.deepEqual(left, [], "no UTF-8 copy left in the temporary folder");
    assert.ok(!existsSync(out));
  });

  it("the next run removes a staging folder a killed run left", () => {
    const out = join(TMP, "stale");
    const dead = spawnSync("true").pid; // a process that has ended
    mkdirSync(join(out, `.segment-tmp-${dead}-abc123`, "inner"), { recursive: true });
    const run = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        join(PROJECT_ROOT, "loaders/cli/pipeline.ts"),
        "--data",
        join(PROJECT_ROOT, "test/fixtures/ingest/reasons.csv"),
        "--out",
        out,
        "--config",
        join(TMP, "quick.json"),
      ],
      { cwd: PROJECT_ROOT, encoding: "utf8", env: { ...process.env, INIT_CWD: TMP } },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(
      readdirSync(out).filter((name) => name.startsWith(".segment-tmp-")),
      [],
    );
  });
});
writeFileSync(join(TMP, "quick.json"), "{}\n");
