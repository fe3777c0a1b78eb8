/**
 * npm test's lanes keep the sites the tests build in one folder (SEGMENT_TEST_BUILDS, test/support/build.ts): a site
 * two lanes need is built once. A process in this checkout asks for a site and, while it builds it, one in a lane's
 * copy of the checkout asks for the same: the second waits and takes the first one's site. A lock left by a process
 * that is gone does not stop them.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { PROJECT_ROOT } from "../../loaders/config.ts";
// @ts-expect-error: a plain ES module without types
import * as harness from "../support/run.mjs";

const { copyCheckout } = harness;

/** What a process asking for the site tells: its folder, and whether it ran the build (the build's output). */
interface Asked {
  dir: string;
  built: boolean;
}

/**
 * Asks for the site "shared" (small data of seed 5, generated in the checkout's own test-output, and a quick
 * configuration) through buildReport, in `checkout`, with the sites kept in `builds`.
 */
function ask(checkout: string, builds: string, config: string): { pid: number; done: Promise<Asked> } {
  const script = [
    `import { buildReport } from "./test/support/build.ts";`,
    `import { generateSmall } from "./test/support/report.ts";`,
    `const result = await buildReport({ name: "shared", data: generateSmall(5).data, config: ${JSON.stringify(config)} });`,
    `process.stdout.write(JSON.stringify({ dir: result.dir, built: result.stdout !== "" }));`,
  ].join("\n");
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: checkout,
    env: { ...process.env, SEGMENT_TEST_BUILDS: builds },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const done = new Promise<Asked>((resolve, reject) =>
    child.on("close", (status) =>
      status === 0
        ? resolve(JSON.parse(stdout) as Asked)
        : reject(new Error(`${checkout}: exit ${status}\n${stderr.slice(-3000)}`)),
    ),
  );
  return { pid: child.pid!, done };
}

/** Waits until process `pid` holds the lock of the site "shared" in `builds` (polled), or has ended. */
async function holdsLock(builds: string, pid: number, done: Promise<Asked>): Promise<void> {
  let over = false;
  void done.then(
    () => (over = true),
    () => (over = true),
  );
  while (!over) {
    try {
      if ((JSON.parse(readFileSync(join(builds, ".shared.lock"), "utf8")) as { pid: number }).pid === pid) return;
    } catch {
      // not taken yet
    }
    await sleep(20);
  }
}

describe("sites shared between npm test's lanes", () => {
  const work = mkdtempSync(join(tmpdir(), "segment-shared-builds-"));
  after(() => rmSync(work, { recursive: true, force: true }));
  const builds = join(work, "builds");
  const config = join(work, "segment.config.json");
  writeFileSync(config, JSON.stringify({ clustering: { k_max: 4, bootstrap_runs: 0, methods: { compare: false } } }));

  it(
    "a site asked for in this checkout and then in a lane's copy while the first builds it: built once, both get it",
    {
      timeout: 600_000,
    },
    async () => {
      const copy = copyCheckout(join(work, "site-2"));
      // a lock of a process that is gone (a test killed while it built): taken over, not waited for
      const gone = spawn(process.execPath, ["-e", "0"]);
      await new Promise((done) => gone.on("close", done));
      mkdirSync(builds, { recursive: true });
      writeFileSync(
        join(builds, ".shared.lock"),
        JSON.stringify({ pid: gone.pid, start: null, token: "0".repeat(16) }),
      );

      const first = ask(PROJECT_ROOT, builds, config);
      await holdsLock(builds, first.pid, first.done);
      const second = ask(copy, builds, config);
      const [here, there] = await Promise.all([first.done, second.done]);
      assert.equal(here.dir, join(builds, "shared"));
      assert.equal(here.built, true, "the first process built the site");
      assert.deepEqual(there, { dir: here.dir, built: false }, "the copy's process waited and took the same site");
      assert.match(readFileSync(join(here.dir, "index.html"), "utf8"), /<html/i, "the site is there");
    },
  );
});
