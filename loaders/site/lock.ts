/**
 * One build at a time per checkout. `npm run build` and `npm run dev` share `.segment-cache/` (the report data and
 * CURRENT) and Framework's loader cache (`src/.observablehq/cache`), so a second build started while one runs waits
 * for it, saying so, instead of racing it and publishing the other build's data. The lock is a file created
 * exclusively, holding the owner's process id, that process's start time (from /proc, where there is one) and a
 * random token: a lock whose process is gone, or whose id now belongs to another process (a killed build's id
 * reused), is taken over; only the owner (by its token) removes it.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
  if (!Number.isInteger(pid) || pid === process.pid || !processRuns(pid as number)) return null;
  const start = startTime(pid as number);
  if (record.start && start && record.start !== start) return null;
  return pid as number;
}

function tryTake(path: string): number | null {
  try {
    writeFileSync(path, `${JSON.stringify(OWN)}\n`, { flag: "wx" });
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EEXIST")
      throw new InputError(
        `${path}: cannot create the build lock (${code === "EACCES" || code === "EPERM" ? "permission denied" : code})`,
      );
  }
  let owner: number | null;
  try {
    owner = liveOwner(readFileSync(path, "utf8"));
  } catch {
    return -1; // released between our attempt and the read: try again
  }
  if (owner === null) {
    rmSync(path, { force: true }); // stale: its build is gone
    return -1;
  }
  return owner;
}

/**
 * Takes the lock `cacheDir/build.lock`, waiting while another live process holds it (one line on stderr when it
 * starts waiting). Released when this process exits (also on SIGINT, SIGTERM and SIGHUP: loaders/interrupt.ts). Returns a release function.
 */
export async function takeBuildLock(cacheDir: string, say: (line: string) => void): Promise<() => void> {
  const path = join(cacheDir, "build.lock");
  try {
    mkdirSync(cacheDir, { recursive: true });
  } catch {
    throw new InputError(`${cacheDir}: cannot create the project's cache folder (permission denied?)`);
  }
  let waitingFor: number | null = null;
  for (;;) {
    const owner = tryTake(path);
    if (owner === null) break;
    if (owner > 0 && owner !== waitingFor) {
      say(`another build is running in this checkout (process ${owner}); waiting for it to finish`);
      waitingFor = owner;
    }
    if (owner > 0) await sleep(POLL_MS);
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    try {
      if ((JSON.parse(readFileSync(path, "utf8")) as LockRecord).token === TOKEN) rmSync(path, { force: true });
    } catch {
      // already gone
    }
  };
  onInterrupt(release);
  return release;
}
