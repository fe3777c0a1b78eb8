/**
 * Runs one command and measures it: wall-clock time (from spawn to exit, in this process), the peak resident
 * set of its largest process (exact, from the kernel's wait4 rusage as reported by `/usr/bin/time -v`), and the
 * peak of the summed resident set of the whole process tree (sampled from /proc every `sampleMs`).
 *
 * The tree figure is what the command costs the machine (npm/tsx launchers included); it sums shared pages once
 * per process and can miss a spike shorter than the sampling interval. Without `/usr/bin/time`
 * (Debian package `time`), the largest-process figure is the largest sampled one.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const GNU_TIME = "/usr/bin/time";
const PAGE_KB = 4;
/** keep at most this much of a command's stdout / stderr */
const MAX_OUTPUT = 1 << 20;

export interface Measurement {
  command: string[];
  exit_code: number | null;
  /** the signal that ended the command, when it did not exit by itself (timeout included) */
  signal: string | null;
  timed_out: boolean;
  wall_ms: number;
  /** peak RSS of the largest single process, KiB */
  max_rss_kb: number | null;
  /** peak summed RSS of the process tree, KiB (sampled) */
  tree_rss_kb: number;
  /** CPU seconds of the command and its children (from /usr/bin/time), null without it */
  user_s: number | null;
  sys_s: number | null;
  /** CPU seconds the whole machine was busy during the run (from /proc/stat): minus user_s + sys_s, the load of everything else */
  machine_busy_s: number | null;
  stdout: string;
  stderr: string;
}

export interface MeasureOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** /proc sampling interval, ms */
  sampleMs?: number;
  /** kill the command's process group after this many ms */
  timeoutMs?: number;
}

export interface TimeReport {
  max_rss_kb: number | null;
  user_s: number | null;
  sys_s: number | null;
  exit_status: number | null;
}

/** Reads the fields we use from GNU time's `-v` report. */
export function parseTimeReport(text: string): TimeReport {
  const field = (label: string): number | null => {
    const line = text.split("\n").find((l) => l.trim().startsWith(label));
    if (!line) return null;
    const value = Number(line.slice(line.lastIndexOf(":") + 1).trim());
    return Number.isFinite(value) ? value : null;
  };
  return {
    max_rss_kb: field("Maximum resident set size (kbytes)"),
    user_s: field("User time (seconds)"),
    sys_s: field("System time (seconds)"),
    exit_status: field("Exit status"),
  };
}

export interface ProcStat {
  ppid: number;
  /** resident set, pages */
  rss_pages: number;
}

/**
 * Parent pid and resident pages from the text of `/proc/PID/stat`. The command name (field 2) is in parentheses
 * and may itself hold spaces and parentheses, so fields are counted from the last `)`.
 */
export function parseProcStat(text: string): ProcStat | null {
  const close = text.lastIndexOf(")");
  if (close < 0) return null;
  const fields = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // after the name: state(3) ppid(4) ... rss(24), numbered as in proc(5)
  const ppid = Number(fields[1]);
  const rss = Number(fields[21]);
  return Number.isFinite(ppid) && Number.isFinite(rss) ? { ppid, rss_pages: rss } : null;
}

/** RSS of `root` and all its descendants, KiB, plus the largest single process, from a pid -> stat table. */
export function treeRss(procs: ReadonlyMap<number, ProcStat>, root: number): { total_kb: number; largest_kb: number } {
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of procs) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  let total = 0;
  let largest = 0;
  const stack = [root];
  const seen = new Set<number>();
  while (stack.length) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    const rss = (procs.get(pid)?.rss_pages ?? 0) * PAGE_KB;
    total += rss;
    largest = Math.max(largest, rss);
    stack.push(...(children.get(pid) ?? []));
  }
  return { total_kb: total, largest_kb: largest };
}

/** Jiffies (1/100 s) the machine's CPUs were busy since boot, from the `cpu` line of /proc/stat (idle, iowait and steal excluded). */
export function parseCpuBusy(text: string): number | null {
  const line = text.split("\n").find((l) => l.startsWith("cpu "));
  if (!line) return null;
  const [user, nice, system, , , irq, softirq] = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = user + nice + system + (irq ?? 0) + (softirq ?? 0);
  return Number.isFinite(busy) ? busy : null;
}

function cpuBusy(): number | null {
  try {
    return parseCpuBusy(readFileSync("/proc/stat", "utf8"));
  } catch {
    return null;
  }
}

function readProcs(): Map<number, ProcStat> {
  const procs = new Map<number, ProcStat>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = parseProcStat(readFileSync(`/proc/${name}/stat`, "utf8"));
      if (stat) procs.set(Number(name), stat);
    } catch {
      // the process ended between readdir and read
    }
  }
  return procs;
}

function appendCapped(current: string, chunk: Buffer): string {
  const next = current + chunk.toString("utf8");
  return next.length > MAX_OUTPUT ? next.slice(next.length - MAX_OUTPUT) : next;
}

/** Runs `command args` to completion and measures it (never rejects for a failing command: see exit_code). */
export function measure(command: string, args: readonly string[], options: MeasureOptions = {}): Promise<Measurement> {
  const useTime = existsSync(GNU_TIME);
  const scratch = mkdtempSync(join(tmpdir(), "bench-"));
  const timeFile = join(scratch, "time.txt");
  const [bin, argv] = useTime ? [GNU_TIME, ["-v", "-o", timeFile, command, ...args]] : [command, [...args]];
  return new Promise((resolve, reject) => {
    const busyBefore = cpuBusy();
    const start = performance.now();
    // own process group, so a timeout ends the whole tree and nothing else
    const child = spawn(bin, argv, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    let treePeak = 0;
    let largestPeak = 0;
    let timedOut = false;
    child.stdout.on("data", (chunk: Buffer) => (stdout = appendCapped(stdout, chunk)));
    child.stderr.on("data", (chunk: Buffer) => (stderr = appendCapped(stderr, chunk)));
    const sample = (): void => {
      if (child.pid === undefined) return;
      const { total_kb, largest_kb } = treeRss(readProcs(), child.pid);
      treePeak = Math.max(treePeak, total_kb);
      largestPeak = Math.max(largestPeak, largest_kb);
    };
    const sampler = setInterval(sample, options.sampleMs ?? 50);
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
          }, options.timeoutMs);
    child.on("error", (error) => {
      clearInterval(sampler);
      clearTimeout(timer);
      rmSync(scratch, { recursive: true, force: true });
      reject(error);
    });
    child.on("close", (code, signal) => {
      const wall = performance.now() - start;
      const busyAfter = cpuBusy();
      clearInterval(sampler);
      clearTimeout(timer);
      const report = useTime && existsSync(timeFile) ? parseTimeReport(readFileSync(timeFile, "utf8")) : null;
      rmSync(scratch, { recursive: true, force: true });
      resolve({
        command: [command, ...args],
        exit_code: report?.exit_status ?? code,
        signal: signal ?? null,
        timed_out: timedOut,
        wall_ms: wall,
        max_rss_kb: report?.max_rss_kb ?? (largestPeak || null),
        tree_rss_kb: Math.max(treePeak, report?.max_rss_kb ?? 0),
        user_s: report?.user_s ?? null,
        sys_s: report?.sys_s ?? null,
        machine_busy_s: busyBefore === null || busyAfter === null ? null : (busyAfter - busyBefore) / 100,
        stdout,
        stderr,
      });
    });
  });
}
