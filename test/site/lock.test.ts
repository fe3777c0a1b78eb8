/**
 * The build lock (loaders/site/lock.ts): taken exclusively, released by its owner; a lock left by a process that is
 * gone (a killed build) is taken over at once, without waiting; a live owner is waited for, said once.
 * Issue 23 #5: the build lock records more than a process id. A lock holding the id of an unrelated live process
 * (a killed build's id reused) is taken over at once instead of making every later build wait forever; a lock of a
 * live build is waited for; only the owner removes it.
 * takeLock, the lock file under the build lock and the tests' site locks: processes that find one stale lock at the
 * same moment take it one at a time (only one of them breaks it).
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, describe, it } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { breakStale, takeBuildLock, takeLock } from "../../loaders/site/lock.ts";

const TMP = mkdtempSync(join(tmpdir(), "segment-lock-"));
after(() => rmSync(TMP, { recursive: true, force: true }));

/** A live process that is not a build. */
function unrelated() {
  const child = spawn("sleep", ["60"], { stdio: "ignore" });
  after(() => child.kill());
  return child;
}

/** Resolves to "taken" or "waiting" after `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<"taken" | "waiting"> {
  return Promise.race([promise.then(() => "taken" as const), sleep(ms).then(() => "waiting" as const)]);
}

function procStart(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
}

describe("build lock (issue 23 #5)", () => {
  it("takes over a lock holding only the id of an unrelated live process", async () => {
    const dir = join(TMP, "bare");
    const other = unrelated();
    const lines: string[] = [];
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "build.lock"), `${other.pid}\n`);
    assert.equal(
      await within(
        takeBuildLock(dir, (line) => lines.push(line)),
        3000,
      ),
      "taken",
      lines.join("\n"),
    );
    const record = JSON.parse(readFileSync(join(dir, "build.lock"), "utf8"));
    assert.equal(record.pid, process.pid);
    assert.match(record.token, /^[0-9a-f]{16}$/);
  });

  it("takes over a lock whose process id was reused (another start time), waits for a live owner", async () => {
    const dir = join(TMP, "reused");
    const other = unrelated();
    mkdirSync(dir, { recursive: true });
    const lock = join(dir, "build.lock");
    writeFileSync(lock, JSON.stringify({ pid: other.pid, start: "1", token: "0123456789abcdef" }));
    const release = await takeBuildLock(dir, () => undefined);
    release();
    assert.ok(!existsSync(lock), "released by its owner");
    // the same process with its true start time is a live build: waited for, then taken once it is gone
    writeFileSync(lock, JSON.stringify({ pid: other.pid, start: procStart(other.pid!), token: "0123456789abcdef" }));
    const lines: string[] = [];
    const taking = takeBuildLock(dir, (line) => lines.push(line));
    assert.equal(await within(taking, 600), "waiting");
    assert.match(lines[0], new RegExp(`another build is running in this checkout \\(process ${other.pid}\\)`));
    other.kill();
    assert.equal(await within(taking, 3000), "taken");
  });
});

/** The id of a process that has exited (a child run to completion: its id is no longer in use). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

/** The pid recorded in a lock file. */
function lockPid(dir: string, name = "build.lock"): number {
  return (JSON.parse(readFileSync(join(dir, name), "utf8")) as { pid: number }).pid;
}

describe("build lock", () => {
  it("takes a free lock, holding this process's id, and releases it", async () => {
    const dir = mkdtempSync(join(TMP, "free-"));
    const said: string[] = [];
    const release = await takeBuildLock(dir, (line) => said.push(line));
    assert.equal(lockPid(dir), process.pid);
    release();
    assert.ok(!existsSync(join(dir, "build.lock")), "released");
    assert.deepEqual(said, [], "nothing to say when nobody else holds it");
  });

  it("takes over a stale lock (its process is gone) at once, without saying it waits", async () => {
    const dir = mkdtempSync(join(TMP, "stale-"));
    const gone = deadPid();
    writeFileSync(join(dir, "build.lock"), JSON.stringify({ pid: gone, start: null, token: "0123456789abcdef" }));
    const said: string[] = [];
    const started = performance.now();
    const release = await takeBuildLock(dir, (line) => said.push(line));
    assert.equal(lockPid(dir), process.pid, "now ours");
    assert.deepEqual(said, [], `no wait for process ${gone}`);
    assert.ok(performance.now() - started < 5_000, "no polling for a dead owner");
    release();
  });

  it("a lock with no process id in it is stale too", async () => {
    const dir = mkdtempSync(join(TMP, "nopid-"));
    writeFileSync(join(dir, "build.lock"), "not a pid\n");
    const release = await takeBuildLock(dir, () => {});
    assert.equal(lockPid(dir), process.pid);
    release();
  });

  it("waits for a live owner, saying so once, and takes the lock when it is released", async () => {
    const dir = mkdtempSync(join(TMP, "live-"));
    // another live process holds it: a child that sleeps; the lock is removed when it is done
    const owner = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    try {
      writeFileSync(
        join(dir, "build.lock"),
        JSON.stringify({ pid: owner.pid, start: procStart(owner.pid!), token: "0123456789abcdef" }),
      );
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
      assert.equal(lockPid(dir), process.pid);
      assert.equal(said.length, 1, "said once");
      release();
    } finally {
      owner.kill();
    }
  });
});

describe("takeLock: the lock file itself (also test/support/build.ts's site locks)", () => {
  it("processes that find the same stale lock at the same moment take it one at a time", async () => {
    const dir = mkdtempSync(join(TMP, "race-"));
    const path = join(dir, "site.lock");
    const log = join(dir, "log");
    writeFileSync(path, JSON.stringify({ pid: deadPid(), start: null, token: "0123456789abcdef" }));
    const go = Date.now() + 1500; // every process starts taking at this moment, after their start-up
    const script = [
      `import { appendFileSync } from "node:fs";`,
      `import { takeLock } from "./loaders/site/lock.ts";`,
      `while (Date.now() < ${go});`,
      `const release = await takeLock(${JSON.stringify(path)}, () => undefined);`,
      `appendFileSync(${JSON.stringify(log)}, "in " + process.pid + "\\n");`,
      `await new Promise((done) => setTimeout(done, 100));`,
      `appendFileSync(${JSON.stringify(log)}, "out " + process.pid + "\\n");`,
      `release();`,
    ].join("\n");
    const children = Array.from({ length: 4 }, () =>
      spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        cwd: PROJECT_ROOT,
        stdio: "inherit",
      }),
    );
    const codes = await Promise.all(children.map((child) => new Promise((done) => child.on("close", done))));
    assert.deepEqual(codes, [0, 0, 0, 0]);
    const lines = readFileSync(log, "utf8").trim().split("\n");
    assert.equal(lines.length, 8);
    for (let i = 0; i < lines.length; i += 2) {
      const pid = lines[i].slice(3);
      assert.deepEqual(
        [lines[i], lines[i + 1]],
        [`in ${pid}`, `out ${pid}`],
        `one holder at a time:\n${lines.join("\n")}`,
      );
    }
    assert.ok(!existsSync(path), "the last holder released it");
    assert.ok(!existsSync(`${path}.break`), "no break lock left");
  });

  it("a stale lock is removed only while it is the one read, and by one process at a time", () => {
    const dir = mkdtempSync(join(TMP, "break-"));
    const path = join(dir, "site.lock");
    const stale = JSON.stringify({ pid: deadPid(), start: null, token: "0123456789abcdef" });
    // another process broke the stale lock and took it between this one's read and its removal: left alone
    const taken = JSON.stringify({ pid: process.pid, start: null, token: "fedcba9876543210" });
    writeFileSync(path, taken);
    assert.equal(breakStale(path, stale), true);
    assert.equal(readFileSync(path, "utf8"), taken, "the lock taken meanwhile stays");
    // another process is breaking it at this moment: not removed, try again
    writeFileSync(path, stale);
    writeFileSync(`${path}.break`, "x");
    assert.equal(breakStale(path, stale), false);
    assert.equal(readFileSync(path, "utf8"), stale);
    rmSync(`${path}.break`);
    assert.equal(breakStale(path, stale), true);
    assert.ok(!existsSync(path), "removed: it was the stale lock read");
    assert.ok(!existsSync(`${path}.break`));
  });

  it("a second taker in the same process waits for the first to release", async () => {
    const dir = mkdtempSync(join(TMP, "same-"));
    const path = join(dir, "site.lock");
    const waited: number[] = [];
    const release = await takeLock(path, () => undefined);
    const second = takeLock(path, (owner) => waited.push(owner));
    assert.equal(await within(second, 600), "waiting");
    assert.deepEqual(waited, [process.pid]);
    release();
    const releaseSecond = await second;
    assert.equal(lockPid(dir, "site.lock"), process.pid);
    releaseSecond();
    assert.ok(!existsSync(path));
  });

  it("a lock being written (empty, a moment old) is waited for, not broken", async () => {
    const dir = mkdtempSync(join(TMP, "empty-"));
    const path = join(dir, "site.lock");
    writeFileSync(path, "");
    const taking = takeLock(path, () => undefined);
    assert.equal(await within(taking, 500), "waiting");
    assert.equal(readFileSync(path, "utf8"), "", "left to its owner");
    rmSync(path);
    (await taking)();
  });
});
