/**
 * `npm run bench -- --build`: the report's build times on a data file. Cold = no report data and no Framework
 * cache (`rm -rf .segment-cache src/.observablehq/cache`), then `loaders/cli/build.ts --out DIR`; then, in order,
 * each from the state the one before left: unchanged = the same build again; k change = `clustering.k` set in the
 * configuration (SEGMENT_CONFIG); label change = a `report.labels` entry added as well; warm = one markdown page
 * (`src/index.md`) edited, everything else cached.
 *
 * Runs in a copy of the project in a temporary folder (node_modules linked, not copied), so deleting caches and
 * editing a page never touches the working tree other people are using.
 */
import { appendFileSync, cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { measure, type Measurement } from "./measure.ts";

/** Project paths not copied: dependencies (linked instead), history, outputs and caches. */
const SKIP = new Set([
  "node_modules",
  ".git",
  "dist",
  ".segment-cache",
  "bench/results",
  "src/.observablehq/cache",
  "data/demo",
  "out",
  "test-output",
]);
const EDITED_PAGE = "src/index.md";

export interface BuildRun {
  wall_ms: number;
  tree_rss_kb: number;
  /** the pipeline and page data, as the build reports it ("computed the report data in X s"); 0 when reused */
  report_data_ms: number | null;
  /** machine CPU seconds not spent by the build during it (other processes) */
  other_cpu_s: number | null;
  /** CPU seconds of the build's process tree (user + sys, /usr/bin/time -v) */
  cpu_s?: number | null;
}

export interface BuildTimes {
  data: string;
  cold: BuildRun[];
  warm: BuildRun[];
  /** the same build again, nothing changed */
  unchanged?: BuildRun[];
  /** after setting `clustering.k` (BENCH_K) */
  k_change?: BuildRun[];
  /** after adding a label (BENCH_LABELS) as well */
  label_change?: BuildRun[];
}

/** The k and the label the setting-change builds set (Online Retail's default choice is another k). */
export const BENCH_K = 6;
export const BENCH_LABELS = { Country: "Nation" };

/** The report-data time a build prints on stderr: X from "computed the report data in X s", 0 for "report data unchanged". */
export function reportDataMs(stderr: string): number | null {
  const computed = /computed the report data in ([\d.]+) s/.exec(stderr);
  if (computed) return Number(computed[1]) * 1000;
  return /report data unchanged/.test(stderr) ? 0 : null;
}

const buildRun = (m: Measurement): BuildRun => ({
  wall_ms: m.wall_ms,
  tree_rss_kb: m.tree_rss_kb,
  report_data_ms: reportDataMs(m.stderr),
  other_cpu_s:
    m.machine_busy_s === null || m.user_s === null || m.sys_s === null
      ? null
      : Math.max(0, m.machine_busy_s - m.user_s - m.sys_s),
  cpu_s: m.user_s === null || m.sys_s === null ? null : m.user_s + m.sys_s,
});

/** A throw-away copy of the project at `root`, with node_modules linked. */
export function copyProject(root: string): string {
  const copy = mkdtempSync(join(tmpdir(), "segment-bench-build-"));
  cpSync(root, copy, { recursive: true, filter: (source) => !SKIP.has(relative(root, source)) });
  symlinkSync(join(root, "node_modules"), join(copy, "node_modules"), "dir");
  return copy;
}

/** Builds the report `runs` times cold, unchanged, k change, label change and warm, on `data`, in a copy of the project at `root`. */
export async function measureBuilds(
  root: string,
  data: string,
  runs: number,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<BuildTimes> {
  const copy = copyProject(root);
  const out = join(copy, "bench-dist");
  const config = join(copy, "bench-config.json");
  const env = { ...process.env, SEGMENT_DATA: data, SEGMENT_CONFIG: config, OBSERVABLE_TELEMETRY_DISABLE: "1" };
  const settings = (value: unknown) => writeFileSync(config, JSON.stringify(value));
  const build = (): Promise<Measurement> =>
    measure(join(copy, "node_modules", ".bin", "tsx"), ["loaders/cli/build.ts", "--out", out], {
      cwd: copy,
      env,
      timeoutMs,
    });
  const times: Required<BuildTimes> = { data, cold: [], warm: [], unchanged: [], k_change: [], label_change: [] };
  const step = async (i: number, what: keyof Omit<BuildTimes, "data">, before: () => void) => {
    before();
    const m = await build();
    check(m, `${what} build`);
    const run = buildRun(m);
    times[what].push(run);
    log(
      `build ${i + 1}/${runs}: ${what} ${(m.wall_ms / 1000).toFixed(2)} s wall, ${run.cpu_s?.toFixed(2) ?? "?"} s CPU`,
    );
  };
  try {
    for (let i = 0; i < runs; i++) {
      await step(i, "cold", () => {
        for (const cache of [".segment-cache", "src/.observablehq/cache"])
          rmSync(join(copy, cache), { recursive: true, force: true });
        settings({});
      });
      await step(i, "unchanged", () => {});
      await step(i, "k_change", () => settings({ clustering: { k: BENCH_K } }));
      await step(i, "label_change", () => settings({ clustering: { k: BENCH_K }, report: { labels: BENCH_LABELS } }));
      await step(i, "warm", () => appendFileSync(join(copy, EDITED_PAGE), `\n<!-- bench edit ${i} -->\n`));
    }
    return times;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

function check(m: Measurement, what: string): void {
  if (m.exit_code !== 0 || m.timed_out) {
    throw new Error(
      `${what} failed (exit ${m.exit_code}${m.timed_out ? ", timed out" : ""}):\n${m.stderr.slice(-2000)}`,
    );
  }
}
