/**
 * One build at a time per checkout. `npm run build` and `npm run dev` share `.segment-cache/` (the report data and
 * CURRENT) and Framework's loader cache (`src/.observablehq/cache`), so a second build started while one runs waits
 * for it, saying so, instead of racing it and publishing the other build's data. The lock is a file holding the
 * owner's process id, created exclusively; a lock whose process is gone (killed build) is taken over.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { InputError } from "../errors.ts";

const POLL_MS = 200;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function tryTake(path: string): number | null {
  try {
    writeFileSync(path, `${process.pid}\n`, { flag: "wx" });
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EEXIST")
      throw new InputError(
        `${path}: cannot create the build lock (${code === "EACCES" || code === "EPERM" ? "permission denied" : code})`,
      );
  }
  let owner: number;
  try {
    owner = Number.parseInt(readFileSync(path, "utf8"), 10);
  } catch {
    return -1; // released between our attempt and the read: try again
  }
  if (!Number.isInteger(owner) || owner === process.pid || !alive(owner)) {
    rmSync(path, { force: true }); // stale: its build is gone
    return -1;
  }
  return owner;
}

/**
 * Takes the lock `cacheDir/build.lock`, waiting while another live process holds it (one line on stderr when it
 * starts waiting). Released when this process exits (also on SIGINT/SIGTERM). Returns a release function.
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
      if (readFileSync(path, "utf8").trim() === String(process.pid)) rmSync(path, { force: true });
    } catch {
      // already gone
    }
  };
  process.on("exit", release);
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => {
      release();
      process.exit(signal === "SIGINT" ? 130 : 143);
    });
  return release;
}
