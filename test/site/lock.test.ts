/**
 * The build lock (loaders/site/lock.ts): taken exclusively with the owner's process id; a lock left by a process
 * that is gone (a killed build) is taken over at once, without waiting; a live owner is waited for, said once.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { takeBuildLock } from "../../loaders/site/lock.ts";

/** The id of a process that has exited (a child run to completion: its id is no longer in use). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

describe("build lock", () => {
  it("takes a free lock, holding this process's id, and releases it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "segment-lock-"));
    const said: string[] = [];
    const release = await takeBuildLock(dir, (line) => said.push(line));
    assert.equal(readFileSync(join(dir, "build.lock"), "utf8").trim(), String(process.pid));
    release();
    assert.ok(!existsSync(join(dir, "build.lock")), "released");
    assert.deepEqual(said, [], "nothing to say when nobody else holds it");
  });

  it("takes over a stale lock (its process is gone) at once, without saying it waits", async () => {
    const dir = mkdtempSync(join(tmpdir(), "segment-lock-"));
    const gone = deadPid();
    writeFileSync(join(dir, "build.lock"), `${gone}\n`);
    const said: string[] = [];
    const started = performance.now();
    const release = await takeBuildLock(dir, (line) => said.push(line));
    assert.equal(readFileSync(join(dir, "build.lock"), "utf8").trim(), String(process.pid), "now ours");
    assert.deepEqual(said, [], `no wait for process ${gone}`);
    assert.ok(performance.now() - started < 5_000, "no polling for a dead owner");
    release();
  });

  it("a lock with no process id in it is stale too", async () => {
    const dir = mkdtempSync(join(tmpdir(), "segment-lock-"));
    writeFileSync(join(dir, "build.lock"), "not a pid\n");
    const release = await takeBuildLock(dir, () => {});
    assert.equal(readFileSync(join(dir, "build.lock"), "utf8").trim(), String(process.pid));
    release();
  });

  it("waits for a live owner, saying so once, and takes the lock when it is released", async () => {
    const dir = mkdtempSync(join(tmpdir(), "segment-lock-"));
    // another live process holds it: a child that sleeps; the lock is removed when it is done
    const owner = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    try {
      writeFileSync(join(dir, "build.lock"), `${owner.pid}\n`);
      const said: string[] = [];
      const taking = takeBuildLock(dir, (line) => said.push(line));
      let taken = false;
      void taking.then(() => (taken = true));
      await new Promise((done) => setTimeout(done, 700));
      assert.equal(taken, false, "still waiting while the owner lives");
      assert.deepEqual(said, [
        `another build is running in this checkout (process ${owner.pid}); waiting for it to finish`,
      ]);
      owner.kill();
      const release = await taking;
      assert.equal(readFileSync(join(dir, "build.lock"), "utf8").trim(), String(process.pid));
      assert.equal(said.length, 1, "said once");
      release();
    } finally {
      owner.kill();
    }
  });
});
