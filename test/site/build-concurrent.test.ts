/**
 * Two builds at once in one checkout (issue 12, item 2): each publishes its own data set. Build A (data X) and
 * build B (data Y) are started a second apart, in both orders; the second waits for the first (it says so) and
 * each build's folder holds its own figures.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { buildCommand, buildEnv, type BuildOptions } from "../support/build.ts";
import { generateSmall, readHeadline, readSiteData } from "../support/report.ts";

interface Run {
  status: number | null;
  stderr: string;
}

function start(options: BuildOptions, out: string): Promise<Run> {
  const [command, args] = buildCommand(["--out", out]);
  const child = spawn(command, args, {
    cwd: PROJECT_ROOT,
    env: buildEnv(options),
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on("close", (status) => resolve({ status, stderr })));
}

test("two builds started a second apart each publish their own data, in both orders", async () => {
  const work = join(PROJECT_ROOT, "test-output", "concurrent");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const config = join(work, "segment.config.json");
  writeFileSync(config, JSON.stringify({ clustering: { k_max: 5, bootstrap_runs: 3 } }));
  // each data set's headline from a build on its own
  const solo = async (name: "X" | "Y", data: string) => {
    const out = join(work, `solo-${name}`);
    const run = await start({ name, data, config }, out);
    assert.equal(run.status, 0, run.stderr);
    return { data, headline: readHeadline(out), segments: readSiteData(out, "segments") };
  };
  const builds = { X: await solo("X", generateSmall(3).data), Y: await solo("Y", generateSmall(4).data) };
  assert.notDeepEqual(builds.X.headline, builds.Y.headline, "the two data sets are told apart by their headlines");

  for (const [first, second] of [
    ["X", "Y"],
    ["Y", "X"],
  ] as const) {
    const outFirst = join(work, `${first}-then-${second}`, first);
    const outSecond = join(work, `${first}-then-${second}`, second);
    const a = start({ name: first, data: builds[first].data, config }, outFirst);
    await sleep(1000);
    const b = start({ name: second, data: builds[second].data, config }, outSecond);
    const [ra, rb] = await Promise.all([a, b]);
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
