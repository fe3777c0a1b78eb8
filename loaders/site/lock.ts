/**
 * One build at a time per checkout. `npm run build` and `npm run dev` share `.segment-cache/` (the report data and
 * CURRENT) and Framework's loader cache (`src/.observablehq/cache`), so a second build started while one runs waits
 * for it, saying so, instead of racing it and publishing the other build's data. The lock is a file created
 * exclusively, holding the owner's process id, that process's start time (from /proc, where there is one) and a
 * random token: a lock whose process is gone, or whose id now belongs to another process (a killed build's id
 * reused), is taken over; only the owner (by its token) removes it. Two processes that find the same stale lock do
 * not both take it: the stale lock is removed under a second, short-lived lock, and only while it is still the one
 * read. `takeLock` is the lock file alone (the tests' site locks use it too: test/support/build.ts).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { InputError } from "../errors.ts";
import { onInterrupt } from "../interrupt.ts";
import { processRuns } from "../processes.ts";

const POLL_MS = 200;

/** A process's start time (clock ticks since boot, /proc/PID/stat field 22), or null where there is no /proc. */
export function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

interface LockRecord {
  pid: number;
  /** the owner's start time, null where unknown */
  start: string | null;
  token: string;
}

const TOKEN = randomBytes(8).toString("hex");
const OWN: LockRecord = { pid: process.pid, start: startTime(process.pid), token: TOKEN };

/** The lock's owner when it is still running: same id and, where known, same start time (else the lock is stale). */
function liveOwner(text: string): number | null {
  let record: Partial<LockRecord>;
  try {
    record = JSON.parse(text) as Partial<LockRecord>;
  } catch {
    return null; // an older or broken lock, holding only an id: its build cannot be told from an unrelated process
  }
  const pid = record.pid;
  if (!Number.isInteger(pid)) return null;
  // this process's id: held by this process (another call, still working) or left by an earlier one with that id
  if (pid === process.pid) return record.token === TOKEN ? pid : null;
  if (!processRuns(pid as number)) return null;
  const start = startTime(pid as number);
  if (record.start && start && record.start !== start) return null;
  return pid as number;
}

/** How long a break lock may stand before it is taken as left by a process that died while it held it. */
const BREAK_STALE_MS = 10_000;

/** Whether the file `path` was last written more than `ms` ago (false when it is gone). */
function olderThan(path: string, ms: number): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > ms;
  } catch {
    return false;
  }
}

/**
 * Removes the stale lock `path`, whose text was `stale`, unless it has changed since: under a second lock
 * (`path.break`, created exclusively), so that two processes that both read the same stale lock cannot both remove
 * it (the second would remove the lock the first had taken meanwhile). Returns false when another process is
 * breaking it at this moment (try again).
 */
export function breakStale(path: string, stale: string): boolean {
  const breaking = `${path}.break`;
  try {
    writeFileSync(breaking, TOKEN, { flag: "wx" });
  } catch {
    if (olderThan(breaking, BREAK_STALE_MS)) rmSync(breaking, { force: true });
    return false;
  }
  try {
    if (readFileSync(path, "utf8") === stale) rmSync(path, { force: true });
  } catch {
    // gone already
  } finally {
    rmSync(breaking, { force: true });
  }
  return true;
}

/**
 * Creates the lock (returns 0); else returns its live owner's id, -1 to try again at once (it was stale or just
 * released) or -2 to try again in a moment (being written, or being broken by another process).
 */
function tryTake(path: string): number {
  try {
    writeFileSync(path, `${JSON.stringify(OWN)}\n`, { flag: "wx" });
    return 0;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EEXIST")
      throw new InputError(
        `${path}: cannot create the lock (${code === "EACCES" || code === "EPERM" ? "permission denied" : code})`,
      );
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return -1; // released between our attempt and the read
  }
  // empty: its owner created it a moment ago and is writing it (or died in between, when it stays empty)
  if (text === "" && !olderThan(path, BREAK_STALE_MS)) return -2;
  return liveOwner(text) ?? (breakStale(path, text) ? -1 : -2);
}

/**
 * Takes the lock file `path` (its folder must exist), waiting while another live process holds it; `onWait(owner)`
 * is called once for each owner it starts waiting for. Returns the release function: it removes the lock only while
 * it is still this process's. A process that ends without releasing leaves a stale lock, taken over by the next.
 */
export async function takeLock(path: string, onWait: (owner: number) => void): Promise<() => void> {
  let waitingFor = 0;
  for (;;) {
    const owner = tryTake(path);
    if (owner === 0) break;
    if (owner > 0 && owner !== waitingFor) {
      onWait(owner);
      waitingFor = owner;
    }
    if (owner !== -1) await sleep(owner > 0 ? POLL_MS : 20);
  }
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    try {
      if ((JSON.parse(readFileSync(path, "utf8")) as LockRecord).token === TOKEN) rmSync(path, { force: true });
    } catch {
      // already gone
    }
  };
}

/**
 * Takes the lock `cacheDir/build.lock`, waiting while another live process holds it (one line on stderr when it
 * starts waiting). Released when this process exits (also on SIGINT, SIGTERM and SIGHUP: loaders/interrupt.ts). Returns a release function.
 */
export async function takeBuildLock(cacheDir: string, say: (line: string) => void): Promise<() => void> {
  try {
    mkdirSync(cacheDir, { recursive: true });
  } catch {
    throw new InputError(`${cacheDir}: cannot create the project's cache folder (permission denied?)`);
  }
  const release = await takeLock(join(cacheDir, "build.lock"), (owner) =>
    say(`another build is running in this checkout (process ${owner}); waiting for it to finish`),
  );
  onInterrupt(release);
  return release;
}
