import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

/** Whether a process with id `pid` is running (one we may not signal counts: it runs under another user). */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the entries of `dir` that a killed run left: those whose name `pattern` matches, its first group being
 * the process id of a run that no longer runs (this process's own are kept).
 */
export function removeLeftovers(dir: string, pattern: RegExp): void {
  for (const name of readdirSync(dir)) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (pid && pid !== process.pid && !processRuns(pid)) rmSync(join(dir, name), { recursive: true, force: true });
  }
}
