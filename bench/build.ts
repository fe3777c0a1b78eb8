/**
 * `npm run bench -- --build`: the report's build times on a data file. Cold = no report data and no Framework
 * cache (`rm -rf .segment-cache src/.observablehq/cache`), then `npm run build -- --out DIR` (`node
 * loaders/cli/launch.mjs build`, as package.json runs it); right after it, Framework's build alone on the same pages and page data (`observable
 * build`, the very command and environment the build runs it with), once with Framework's cache cold as in the
 * cold build and once warm; then, in order, each from the state the one before left: unchanged = the same build
 * again; export = `npm run export -- --out DIR` (the single file and the PDF; its build finds the site current);
 * k change = `clustering.k` set in the configuration (SEGMENT_CONFIG); label change = a `report.labels` entry added
 * as well; warm = one markdown page (`src/index.md`) edited, everything else cached.
 *
 * Every build's last line says where its time went (loaders/cli/build.ts: report data, of which the pipeline and
 * the page data; Framework's build; the publish): read into `times`.
 *
 * Runs in a copy of the project in a temporary folder (node_modules linked, not copied), so deleting caches and
 * editing a page never touches the working tree other people are using.
 */
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
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
  /** where the time went, from the build's own last line (null when it has none) */
  times?: BuildPhases | null;
}

/** The build's `segment-report: times: ...` line (loaders/cli/build.ts), in ms; CPU of the build's own process. */
export interface BuildPhases {
  report_data_ms: number;
  pipeline_ms: number | null;
  pipeline_cpu_ms: number | null;
  page_data_ms: number | null;
  page_data_cpu_ms: number | null;
  /** null when the site was current and Framework's build skipped */
  framework_ms: number | null;
  publish_ms: number | null;
  /** from the process's start to its end line: start-up (node, tsx compiling our modules) and everything else */
  process_ms: number;
}

/** Framework's build alone (`observable build`) on the pages and page data of the cold build. */
export interface FrameworkRun {
  /** its cache (src/.observablehq/cache) was empty, as in a cold build */
  cold: boolean;
  wall_ms: number;
  cpu_s: number | null;
  tree_rss_kb: number;
}

/** `npm run export -- --out DIR` on the site just built. */
export interface ExportRun {
  wall_ms: number;
  cpu_s: number | null;
  tree_rss_kb: number;
  html_bytes: number;
  pdf_bytes: number;
  /** pages of the PDF (as the export counts them) */
  pdf_pages: number | null;
  /** pages of the site in the single file */
  site_pages: number | null;
  /** the build's part of it (null when the build line is missing) */
  build: BuildPhases | null;
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
  /** `observable build` alone, right after each cold build, cold then warm */
  framework?: FrameworkRun[];
  /** `npm run export` after each unchanged build */
  export?: ExportRun[];
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

/** The `segment-report: times: ...` line of a build's stderr (loaders/cli/build.ts sayTimes), or null. */
export function buildPhases(stderr: string): BuildPhases | null {
  const line = stderr.split("\n").find((l) => l.startsWith("segment-report: times: "));
  if (!line) return null;
  const ms = (pattern: RegExp): number | null => {
    const m = pattern.exec(line);
    return m ? Number(m[1]) * 1000 : null;
  };
  const reportData = ms(/report data ([\d.]+) s/);
  const process = ms(/([\d.]+) s since the process began/);
  if (reportData === null || process === null) return null;
  return {
    report_data_ms: reportData,
    pipeline_ms: ms(/pipeline ([\d.]+) s/),
    pipeline_cpu_ms: ms(/pipeline [\d.]+ s, CPU ([\d.]+) s/),
    page_data_ms: ms(/page data ([\d.]+) s/),
    page_data_cpu_ms: ms(/page data [\d.]+ s, CPU ([\d.]+) s/),
    framework_ms: ms(/Framework's build ([\d.]+) s/),
    publish_ms: ms(/publish ([\d.]+) s/),
    process_ms: process,
  };
}

const cpuOf = (m: Measurement): number | null => (m.user_s === null || m.sys_s === null ? null : m.user_s + m.sys_s);

const buildRun = (m: Measurement): BuildRun => ({
  wall_ms: m.wall_ms,
  tree_rss_kb: m.tree_rss_kb,
  report_data_ms: reportDataMs(m.stderr),
  other_cpu_s:
    m.machine_busy_s === null || m.user_s === null || m.sys_s === null
      ? null
      : Math.max(0, m.machine_busy_s - m.user_s - m.sys_s),
  cpu_s: cpuOf(m),
  times: buildPhases(m.stderr),
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
  // as `npm run build` and `npm run export` start (package.json: the bundled entry in plain node), without npm
  const node = (name: "build" | "export"): Promise<Measurement> =>
    measure(process.execPath, ["loaders/cli/launch.mjs", name, "--out", out], { cwd: copy, env, timeoutMs });
  const times: Required<BuildTimes> = {
    data,
    cold: [],
    warm: [],
    unchanged: [],
    k_change: [],
    label_change: [],
    framework: [],
    export: [],
  };
  type Step = "cold" | "warm" | "unchanged" | "k_change" | "label_change";
  const step = async (i: number, what: Step, before: () => void) => {
    before();
    const m = await node("build");
    check(m, `${what} build`);
    const run = buildRun(m);
    times[what].push(run);
    log(
      `build ${i + 1}/${runs}: ${what} ${(m.wall_ms / 1000).toFixed(2)} s wall, ${run.cpu_s?.toFixed(2) ?? "?"} s CPU` +
        (run.times ? ` (${phasesText(run.times)})` : ""),
    );
  };
  try {
    for (let i = 0; i < runs; i++) {
      await step(i, "cold", () => {
        for (const cache of [".segment-cache", "src/.observablehq/cache"])
          rmSync(join(copy, cache), { recursive: true, force: true });
        settings({});
      });
      for (const run of await frameworkAlone(copy, env, timeoutMs)) {
        check(run.measurement, "observable build");
        const { measurement: m, cold } = run;
        times.framework.push({ cold, wall_ms: m.wall_ms, cpu_s: cpuOf(m), tree_rss_kb: m.tree_rss_kb });
        log(
          `build ${i + 1}/${runs}: observable build alone, ${cold ? "cold" : "warm"} cache, ${(m.wall_ms / 1000).toFixed(2)} s wall, ${cpuOf(m)?.toFixed(2) ?? "?"} s CPU`,
        );
      }
      await step(i, "unchanged", () => {});
      const exported = await node("export");
      check(exported, "export");
      times.export.push(exportRun(exported, out));
      log(
        `build ${i + 1}/${runs}: export ${(exported.wall_ms / 1000).toFixed(2)} s wall, ${cpuOf(exported)?.toFixed(2) ?? "?"} s CPU`,
      );
      await step(i, "k_change", () => settings({ clustering: { k: BENCH_K } }));
      await step(i, "label_change", () => settings({ clustering: { k: BENCH_K }, report: { labels: BENCH_LABELS } }));
      await step(i, "warm", () => appendFileSync(join(copy, EDITED_PAGE), `\n<!-- bench edit ${i} -->\n`));
    }
    return times;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

const phasesText = (t: BuildPhases): string =>
  [
    `report data ${(t.report_data_ms / 1000).toFixed(1)} s`,
    `Framework ${t.framework_ms === null ? "skipped" : `${(t.framework_ms / 1000).toFixed(1)} s`}`,
  ].join(", ");

/**
 * `observable build` by itself in the project copy `copy`, on the report data the last build used
 * (`.segment-cache/CURRENT`), with the environment loaders/cli/build.ts gives it: first with Framework's cache
 * moved aside (cold, as in a cold build), then again with the cache that run made (warm). Framework's cache is put
 * back as it was afterwards, so the next build starts from the state the cold build left.
 */
export async function frameworkAlone(
  copy: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ cold: boolean; measurement: Measurement }[]> {
  const cache = join(copy, "src", ".observablehq", "cache");
  const aside = `${cache}.bench-aside`;
  const output = join(copy, "bench-framework-out");
  const artifacts = join(copy, ".segment-cache", readFileSync(join(copy, ".segment-cache", "CURRENT"), "utf8").trim());
  const bin = join(copy, "node_modules", ".bin");
  const frameworkEnv = {
    ...env,
    OBSERVABLE_TELEMETRY_DISABLE: "1",
    SEGMENT_OUTPUT: output,
    SEGMENT_ARTIFACTS: artifacts,
    PATH: `${bin}:${env.PATH ?? ""}`,
  };
  const runs: { cold: boolean; measurement: Measurement }[] = [];
  if (existsSync(cache)) renameSync(cache, aside);
  try {
    for (const cold of [true, false]) {
      rmSync(output, { recursive: true, force: true });
      const measurement = await measure(join(bin, "observable"), ["build"], {
        cwd: copy,
        env: frameworkEnv,
        timeoutMs,
      });
      runs.push({ cold, measurement });
    }
  } finally {
    rmSync(output, { recursive: true, force: true });
    if (existsSync(aside)) {
      rmSync(cache, { recursive: true, force: true });
      renameSync(aside, cache);
    }
  }
  return runs;
}

/** An export's measurement, its outputs' sizes and the pages it reported. */
function exportRun(m: Measurement, site: string): ExportRun {
  const size = (name: string): number => (existsSync(join(site, name)) ? statSync(join(site, name)).size : 0);
  const pdfPages = /report\.pdf: (\d+) pages/.exec(m.stderr);
  const sitePages = /report\.html: (\d+) pages in one file/.exec(m.stderr);
  return {
    wall_ms: m.wall_ms,
    cpu_s: cpuOf(m),
    tree_rss_kb: m.tree_rss_kb,
    html_bytes: size("report.html"),
    pdf_bytes: size("report.pdf"),
    pdf_pages: pdfPages ? Number(pdfPages[1]) : null,
    site_pages: sitePages ? Number(sitePages[1]) : null,
    build: buildPhases(m.stderr),
  };
}

function check(m: Measurement, what: string): void {
  if (m.exit_code !== 0 || m.timed_out) {
    throw new Error(
      `${what} failed (exit ${m.exit_code}${m.timed_out ? ", timed out" : ""}):\n${m.stderr.slice(-2000)}`,
    );
  }
}
