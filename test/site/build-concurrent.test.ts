/**
 * Two builds at once in one checkout (issue 12, item 2): each publishes its own data set. Build A (data X) and
 * build B (data Y) is started once A holds the build lock (polled), in both orders; the second waits for the first (it
 * says so) and each build's folder holds its own figures: those of its data's report data computed on their own.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { loadConfig, PROJECT_ROOT } from "../../loaders/config.ts";
import { CACHE_ROOT } from "../../loaders/site/artifacts.ts";
import { buildCommand, buildEnv, type BuildOptions } from "../support/build.ts";
import { generateSmall, headlineOf, readHeadline, readSiteData } from "../support/report.ts";
import { reportData } from "../support/report-data.ts";

interface Run {
  status: number | null;
  stderr: string;
}

function start(options: BuildOptions, out: string): { pid: number; done: Promise<Run> } {
  const [command, args] = buildCommand(["--out", out]);
  const child = spawn(command, args, {
    cwd: PROJECT_ROOT,
    env: buildEnv(options),
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const done = new Promise<Run>((resolve) => child.on("close", (status) => resolve({ status, stderr })));
  return { pid: child.pid!, done };
}

/** The parent process id of `pid` (Linux /proc), or null when it is gone. */
function parentOf(pid: number): number | null {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after its closing parenthesis
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return null;
  }
}

/**
 * Waits until the build started as `pid` (the tsx launcher, or the node process it starts) holds the checkout's
 * build lock: polled, not timed, so a slow machine cannot let the second build win the race.
 */
async function holdsLock(pid: number, finished: Promise<Run>): Promise<void> {
  const lock = join(CACHE_ROOT, "build.lock");
  let over = false;
  void finished.then(() => (over = true));
  for (;;) {
    let owner = NaN;
    try {
      // the lock is a JSON record {pid, start, token} (loaders/site/lock.ts)
      owner = Number((JSON.parse(readFileSync(lock, "utf8")) as { pid?: unknown }).pid);
    } catch {
      // not taken yet
    }
    if (owner === pid || (Number.isInteger(owner) && parentOf(owner) === pid)) return;
    if (over) throw new Error(`build ${pid} finished without being seen holding ${lock}`);
    await sleep(20);
  }
}

test("two builds, the second started while the first holds the lock, each publish their own data, in both orders", async () => {
  const work = join(PROJECT_ROOT, "test-output", "concurrent");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const config = join(work, "segment.config.json");
  writeFileSync(config, JSON.stringify({ clustering: { k_max: 5, bootstrap_runs: 3 } }));
  // each data set's report data computed on its own (what its site publishes: test/support/report-data.ts)
  const solo = async (data: string) => {
    const files = await reportData(loadConfig({ file: config, data, env: {} }));
    return { data, headline: headlineOf(files["meta.json"]), segments: files["segments.json"] };
  };
  const builds = { X: await solo(generateSmall(3).data), Y: await solo(generateSmall(4).data) };
  assert.notDeepEqual(builds.X.headline, builds.Y.headline, "the two data sets are told apart by their headlines");

  for (const [first, second] of [
    ["X", "Y"],
    ["Y", "X"],
  ] as const) {
    const outFirst = join(work, `${first}-then-${second}`, first);
    const outSecond = join(work, `${first}-then-${second}`, second);
    const a = start({ name: first, data: builds[first].data, config }, outFirst);
    await holdsLock(a.pid, a.done);
    const b = start({ name: second, data: builds[second].data, config }, outSecond);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    assert.equal(ra.status, 0, `${first}: ${ra.stderr}`);
    assert.equal(rb.status, 0, `${second}: ${rb.stderr}`);
    for (const [name, out] of [
      [first, outFirst],
      [second, outSecond],
    ] as const) {
      const what = `${first} then ${second}: ${name}'s site holds ${name}'s data`;
      assert.deepEqual(readHeadline(out), builds[name].headline, what);
      assert.deepEqual(readSiteData(out, "segments"), builds[name].segments, what);
    }
    assert.match(rb.stderr, /another build is running in this checkout \(process \d+\); waiting for it to finish/);
  }
});
