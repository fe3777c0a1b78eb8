/**
 * `npm run bench`: our pipeline against the pandas + scikit-learn reference on the same file (alternating runs,
 * medians, peak RSS, time per stage, ratio, result checks, DuckDB's raw read as the ingest floor), then synthetic
 * files of 1M, 5M and 10M lines to show how time and memory grow, and (with --build) the report's build times.
 * Writes everything to bench/results/<timestamp>.json and prints markdown tables on stdout (progress on stderr).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { basename, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { PROJECT_ROOT } from "../loaders/config.ts";
import { measureBuilds } from "./build.ts";
import { measureDevReload, renderDev, type DevBench } from "./dev.ts";
import { renderSoak, soakBuilds, type SoakResult } from "./soak.ts";
import { benchPostgres, renderPostgres, type PostgresBench } from "./postgres.ts";
import { compareInertia, compareRfm, parseCsv, rfmTable, type Check, type InertiaRow } from "./compare.ts";
import { rawRead } from "./duckdb-raw.ts";
import { measure } from "./measure.ts";
import {
  renderBuild,
  coldVsFramework,
  count,
  renderCompare,
  renderFull,
  pairRatios,
  renderScale,
  renderTargets,
  seconds,
  mib,
  READ_STAGES,
  sideMedians,
  times,
  type BuildResult,
  type CompareResult,
  type FullResult,
  type ScaleResult,
  type Target,
} from "./report.ts";
import {
  oursSide,
  referenceSide,
  REFERENCE_PYTHON,
  REFERENCE_SCRIPT,
  runSide,
  type OursLauncher,
  type RunRecord,
  type Side,
} from "./sides.ts";
import { median, ratio } from "./stats.ts";
import { ensureSynthetic, ensureSyntheticParquet } from "./synthetic.ts";
import { benchMethods, methodsTargets, renderMethods, type MethodsBench } from "./methods.ts";
import { benchValue, renderValue, type ValueBench } from "./value.ts";

const USAGE = `usage: npm run bench -- [options]

By default: our pipeline vs the reference on --data, then the scale runs on synthetic data.
  --data FILE          input for the comparison (default ../shared/data/online_retail.csv.gz)
  --runs N             timed runs of each side, alternating (default 5; median reported)
  --warmup N           untimed runs of each side first (default 1)
  --quick              the comparison only (no scale runs)
  --reference-job      exactly the reference's job on --data (read, clean with its policy, RFM, K-Means for
                       k = 2..10 with 10 restarts, the metrics: our --segments-only), in alternating pairs with the
                       reference (medians, spread, per-pair ratios of wall and CPU time), then the full default
                       pipeline with its time per stage (--full-runs N, default --runs)
  --scale              the scale runs only
  --build              the report build times only (cold, with \`observable build\` alone on the same pages beside
                       it; unchanged; \`npm run export\`; after a k change, after a label change, after a markdown
                       edit; --build-runs N, default 3)
  --dev                \`npm run dev\`: time from saving a markdown page to its new text in the open page
                       (Chromium), median of --dev-edits N (default 7), on --data
  --all                comparison, scale runs and build times
  --value              the value models' fits only (BG/NBD + Gamma-Gamma on a synthetic 23,570-customer CDNOW
                       cohort; target under 1 s); part of --all
  --methods            the clustering methods only (issue 22, bench/methods.ts): the pipeline's segmentation on
                       Online Retail's customers, its K-Means stage beside its method comparison (CPU and wall,
                       target: at most 1x), each method alone, DBSCAN and the mixture at 100,000 and 1,000,000
                       synthetic customers (--methods-runs N, default 3); part of --all
  --soak               the soak check only: 20 builds in a row on changing inputs leave nothing behind
                       (--soak-runs N); not part of --all
  --postgres           the PostgreSQL source vs the file path on --data (a throwaway server; --postgres-runs N,
                       default 3); part of --all
  --sizes LIST         synthetic sizes in lines (default 1000000,5000000,10000000)
  --scale-runs N       runs per size (default 1)
  --scale-format F     csv (gzipped, the default) or parquet (typed, zstd; written from the CSV by DuckDB)
  --scale-reference    also run the reference on the synthetic files
  --reference-threads N  numpy / scikit-learn threads of the reference (OMP_NUM_THREADS etc.; default: theirs, one
                       per core; on a loaded machine 1 shows its own CPU time, without spinning threads)
  --seed N             synthetic data seed (default 1)
  --pipeline-arg ARG   extra argument for our pipeline, repeatable (default --keep-non-product --gross: the
                       reference's cleaning policy keeps non-product stock codes and does not net returns)
  --via-npm            run ours as \`npm run pipeline\` (adds npm's start-up) instead of node directly
  --tsx                run ours under tsx (loaders/cli/pipeline.ts) instead of the bundled entry
  --wait-quiet SEC     before each section, wait up to SEC seconds for the 1-minute load average to drop below 1
  --timeout SEC        kill a run after SEC seconds (default 1200)
  -h, --help`;

interface Options {
  data: string;
  runs: number;
  warmup: number;
  sections: {
    compare: boolean;
    referenceJob: boolean;
    scale: boolean;
    build: boolean;
    dev: boolean;
    soak: boolean;
    postgres: boolean;
    value: boolean;
    methods: boolean;
  };
  methodsRuns: number;
  fullRuns: number;
  soakRuns: number;
  postgresRuns: number;
  sizes: number[];
  scaleRuns: number;
  scaleFormat: "csv" | "parquet";
  scaleReference: boolean;
  referenceThreads: number | null;
  buildRuns: number;
  devEdits: number;
  seed: number;
  pipelineArgs: string[];
  launcher: OursLauncher;
  waitQuiet: number;
  timeoutMs: number;
}

function parseOptions(argv: string[]): Options | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: "string" },
      runs: { type: "string" },
      warmup: { type: "string" },
      quick: { type: "boolean" },
      "reference-job": { type: "boolean" },
      "full-runs": { type: "string" },
      tsx: { type: "boolean" },
      scale: { type: "boolean" },
      build: { type: "boolean" },
      dev: { type: "boolean" },
      "dev-edits": { type: "string" },
      soak: { type: "boolean" },
      value: { type: "boolean" },
      methods: { type: "boolean" },
      "methods-runs": { type: "string" },
      "soak-runs": { type: "string" },
      postgres: { type: "boolean" },
      "postgres-runs": { type: "string" },
      all: { type: "boolean" },
      sizes: { type: "string" },
      "scale-runs": { type: "string" },
      "scale-format": { type: "string" },
      "scale-reference": { type: "boolean" },
      "reference-threads": { type: "string" },
      "build-runs": { type: "string" },
      seed: { type: "string" },
      "pipeline-arg": { type: "string", multiple: true },
      "via-npm": { type: "boolean" },
      "wait-quiet": { type: "string" },
      timeout: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return null;
  const int = (value: string | undefined, fallback: number, name: string, min = 1): number => {
    const n = value === undefined ? fallback : Number(value);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got ${value}`);
    return n;
  };
  const scaleFormat = (value: string | undefined): "csv" | "parquet" => {
    if (value === undefined || value === "csv" || value === "parquet") return value ?? "csv";
    throw new Error(`--scale-format must be csv or parquet, got ${value}`);
  };
  const only =
    values.scale ||
    values.build ||
    values.dev ||
    values.soak ||
    values.postgres ||
    values.value ||
    values.methods ||
    values["reference-job"];
  return {
    data: resolve(
      process.env.INIT_CWD ?? process.cwd(),
      values.data ?? join(PROJECT_ROOT, "../shared/data/online_retail.csv.gz"),
    ),
    runs: int(values.runs, 5, "runs"),
    fullRuns: int(values["full-runs"] ?? values.runs, 5, "full-runs", 0),
    warmup: int(values.warmup, 1, "warmup", 0),
    sections: {
      compare: values.all || !only,
      referenceJob: values.all || values["reference-job"] || false,
      scale: values.all || values.scale || (!only && !values.quick),
      build: values.all || values.build || false,
      dev: values.all || values.dev || false,
      soak: values.soak || false,
      postgres: values.all || values.postgres || false,
      value: values.all || values.value || false,
      methods: values.all || values.methods || false,
    },
    methodsRuns: int(values["methods-runs"], 3, "methods-runs"),
    soakRuns: int(values["soak-runs"], 20, "soak-runs"),
    postgresRuns: int(values["postgres-runs"], 3, "postgres-runs"),
    sizes: (values.sizes ?? "1000000,5000000,10000000").split(",").map((s) => int(s.trim(), 0, "sizes")),
    scaleRuns: int(values["scale-runs"], 1, "scale-runs"),
    scaleFormat: scaleFormat(values["scale-format"]),
    scaleReference: values["scale-reference"] ?? false,
    referenceThreads:
      values["reference-threads"] === undefined ? null : int(values["reference-threads"], 1, "reference-threads"),
    buildRuns: int(values["build-runs"], 3, "build-runs"),
    devEdits: int(values["dev-edits"], 7, "dev-edits"),
    seed: int(values.seed, 1, "seed", 0),
    pipelineArgs: values["pipeline-arg"] ?? ["--keep-non-product", "--gross"],
    launcher: values["via-npm"] ? "npm" : values.tsx ? "tsx" : "node",
    waitQuiet: int(values["wait-quiet"], 0, "wait-quiet", 0),
    timeoutMs: int(values.timeout, 1200, "timeout") * 1000,
  };
}

const log = (line: string): void =>
  void process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** Waits up to `maxSeconds` for the 1-minute load average to fall below 1; returns the load average then. */
async function waitQuiet(maxSeconds: number): Promise<number> {
  const deadline = Date.now() + maxSeconds * 1000;
  while (loadavg()[0] >= 1 && Date.now() < deadline) {
    log(`load average ${loadavg()[0].toFixed(2)}: waiting for a quiet machine`);
    await new Promise((r) => setTimeout(r, 15_000));
  }
  return loadavg()[0];
}

function readJson<T>(path: string): T | null {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as T) : null;
}

const commandLine = (side: Side, data: string): string => {
  const { bin, args, env } = side.command(relative(PROJECT_ROOT, data), "OUT");
  const threads = env?.OMP_NUM_THREADS;
  const prefix = threads
    ? `OMP_NUM_THREADS=${threads} OPENBLAS_NUM_THREADS=${threads} MKL_NUM_THREADS=${threads} `
    : "";
  return (
    prefix +
    [bin === process.execPath ? "node" : bin, ...args]
      .map((a) => (a.startsWith(PROJECT_ROOT) ? relative(PROJECT_ROOT, a) : a))
      .join(" ")
  );
};

interface OurSummary {
  rows_in?: number;
  customers?: number;
  kmeans?: { k: number; inertia: number }[];
}

/** The `kmeans` list of our summary: at the top level or one level down (e.g. under a segmentation section). */
function findKmeans(summary: Record<string, unknown>): OurSummary["kmeans"] | null {
  const candidates = [
    summary,
    ...Object.values(summary).filter((v): v is Record<string, unknown> => !!v && typeof v === "object"),
  ];
  const found = candidates.map((c) => c.kmeans).find((v) => Array.isArray(v));
  return (found as OurSummary["kmeans"]) ?? null;
}

/** Result checks on the last runs' outputs. */
function checkResults(oursDir: string, refDir: string): { checks: Check[]; inertia: InertiaRow[] } {
  const checks: Check[] = [];
  let inertia: InertiaRow[] = [];
  try {
    const ours = rfmTable(parseCsv(readFileSync(join(oursDir, "customers.csv"), "utf8")), "our customers.csv");
    const ref = rfmTable(parseCsv(readFileSync(join(refDir, "rfm.csv"), "utf8")), "reference rfm.csv");
    checks.push(compareRfm(ours, ref));
  } catch (error) {
    checks.push({ name: "RFM identical to the reference", pass: false, detail: (error as Error).message });
  }
  const summary = readJson<OurSummary & Record<string, unknown>>(join(oursDir, "summary.json"));
  const kmeans = summary ? findKmeans(summary) : null;
  const refSummary = readJson<{ k: Record<string, { inertia: number }> }>(join(refDir, "summary.json"));
  if (!kmeans?.length || !refSummary) {
    checks.push({
      name: "inertia per k <= 1.001 x sklearn",
      pass: null,
      detail: "our summary.json has no `kmeans` (segmentation not in the pipeline yet)",
    });
  } else {
    const result = compareInertia(kmeans, refSummary.k);
    checks.push(result.check);
    inertia = result.rows;
  }
  return { checks, inertia };
}

/** Our pipeline's arguments for the reference's job: its cleaning policy, the segmentation alone, no stderr. */
const REFERENCE_JOB_ARGS = ["--keep-non-product", "--gross", "--segments-only", "--quiet"];

async function runCompare(
  o: Options,
  resultsDir: string,
  ours = oursSide(PROJECT_ROOT, o.pipelineArgs, o.launcher),
  withRawRead = true,
): Promise<CompareResult> {
  const reference =
    existsSync(REFERENCE_PYTHON) && existsSync(REFERENCE_SCRIPT)
      ? referenceSide(REFERENCE_SCRIPT, REFERENCE_PYTHON, o.referenceThreads)
      : null;
  if (!reference) log(`reference skipped: ${REFERENCE_PYTHON} or ${REFERENCE_SCRIPT} missing`);
  const sides = reference ? [ours, reference] : [ours];
  const outDir = (side: Side) => join(resultsDir, side.name);
  const runs: Record<string, RunRecord[]> = { ours: [], reference: [] };
  for (let i = -o.warmup; i < o.runs; i++) {
    for (const side of sides) {
      const run = await runSide(side, o.data, outDir(side), o.timeoutMs);
      const cpu = run.user_s === null || run.sys_s === null ? "-" : `${(run.user_s + run.sys_s).toFixed(2)} s CPU`;
      log(
        `${i < 0 ? "warm-up" : `run ${i + 1}/${o.runs}`} ${side.name}: ${seconds(run.wall_ms)}, ${cpu}, ${mib(run.tree_rss_kb)}`,
      );
      if (i >= 0) runs[side.name].push(run);
    }
  }
  const floors = reference ? await measureFloors(o.runs, resultsDir) : null;
  let raw = null;
  if (withRawRead) {
    log("DuckDB raw read");
    raw = await rawRead(o.data, o.runs);
  }
  const { checks, inertia } = reference ? checkResults(outDir(ours), outDir(reference)) : { checks: [], inertia: [] };
  const summary = readJson<OurSummary>(join(outDir(ours), "summary.json"));
  return {
    data: relative(PROJECT_ROOT, o.data),
    rows_in: summary?.rows_in ?? null,
    customers: summary?.customers ?? null,
    ours: { command: commandLine(ours, o.data), runs: runs.ours },
    reference: reference ? { command: commandLine(reference, o.data), runs: runs.reference } : null,
    floors,
    checks,
    inertia,
    raw,
  };
}

/**
 * Start-up costs: node running an empty script (the floor of the bundled entry), tsx running one (what every start
 * cost before the entries were bundled), and python importing pandas and scikit-learn (the reference's floor).
 */
async function measureFloors(
  runs: number,
  dir: string,
): Promise<{ node_ms: number[]; tsx_ms: number[]; python_imports_ms: number[] }> {
  const noop = join(dir, "noop.ts");
  writeFileSync(noop, "export {};\n");
  const imports = "import numpy, pandas, sklearn.cluster, sklearn.metrics, sklearn.preprocessing";
  const floors = { node_ms: [] as number[], tsx_ms: [] as number[], python_imports_ms: [] as number[] };
  for (let i = 0; i < runs; i++) {
    floors.node_ms.push((await measure(process.execPath, ["-e", "0"])).wall_ms);
    floors.tsx_ms.push((await measure(join(PROJECT_ROOT, "node_modules", ".bin", "tsx"), [noop])).wall_ms);
    floors.python_imports_ms.push((await measure(REFERENCE_PYTHON, ["-c", imports])).wall_ms);
  }
  return floors;
}

/** The full default pipeline (its own cleaning and revenue defaults, every stage), `runs` times, with stage times. */
async function runFull(o: Options, resultsDir: string): Promise<FullResult> {
  const side = oursSide(PROJECT_ROOT, ["--quiet"], o.launcher);
  const out = join(resultsDir, "full");
  const runs: RunRecord[] = [];
  for (let i = -o.warmup; i < o.fullRuns; i++) {
    const run = await runSide(side, o.data, out, o.timeoutMs);
    log(`${i < 0 ? "warm-up" : `run ${i + 1}/${o.fullRuns}`} full pipeline: ${seconds(run.wall_ms)}`);
    if (i >= 0) runs.push(run);
  }
  return { data: relative(PROJECT_ROOT, o.data), command: commandLine(side, o.data), runs };
}

async function runScale(o: Options, resultsDir: string): Promise<{ ours: ScaleResult[]; reference: ScaleResult[] }> {
  const ours = oursSide(PROJECT_ROOT, o.scaleReference ? REFERENCE_JOB_ARGS : o.pipelineArgs, o.launcher);
  const result = { ours: [] as ScaleResult[], reference: [] as ScaleResult[] };
  for (const lines of o.sizes) {
    const ensure = o.scaleFormat === "parquet" ? ensureSyntheticParquet : ensureSynthetic;
    const { path, info, generated } = await ensure(join(PROJECT_ROOT, "bench", "results", "data"), lines, o.seed);
    log(
      `${basename(path)}: ${generated ? `generated in ${seconds(info.generate_ms ?? null)}` : "cached"}, ${info.customers} customers`,
    );
    if (generated) await waitQuiet(o.waitQuiet);
    const sides: Side[] = o.scaleReference
      ? [ours, referenceSide(REFERENCE_SCRIPT, REFERENCE_PYTHON, o.referenceThreads)]
      : [ours];
    for (const side of sides) {
      const runs: RunRecord[] = [];
      const out = join(resultsDir, `scale-${lines}-${side.name}`);
      for (let i = 0; i < o.scaleRuns; i++) {
        const run = await runSide(side, path, out, o.timeoutMs);
        log(
          `${lines} lines, ${side.name} run ${i + 1}/${o.scaleRuns}: ${seconds(run.wall_ms)}, ${mib(run.tree_rss_kb)}`,
        );
        runs.push(run);
      }
      // both programs' summary.json count customers after cleaning
      const customers = readJson<{ customers?: number }>(join(out, "summary.json"))?.customers;
      result[side.name].push({
        lines,
        format: o.scaleFormat,
        customers: customers ?? info.customers,
        file_bytes: info.bytes ?? 0,
        runs,
      });
    }
  }
  return result;
}

/** The reference's job: median of the per-pair wall-time ratios (goal 1/3), CPU time beside it, result checks; scale. */
function jobTargets(job: CompareResult | null, scale: { ours: ScaleResult[]; reference: ScaleResult[] }): Target[] {
  const list: Target[] = [];
  if (job?.reference) {
    const pairs = pairRatios(job.ours.runs, job.reference.runs);
    const o = sideMedians(job.ours.runs);
    const r = sideMedians(job.reference.runs);
    list.push({
      name: `the reference's job on ${basename(job.data)}: wall time`,
      goal: "<= 1/3 of the reference",
      measured: `${times(median(pairs.wall))} (median of ${pairs.wall.length} pairs; ${seconds(o.wall_ms)} vs ${seconds(r.wall_ms)})`,
      met: pairs.wall.length ? median(pairs.wall) <= 1 / 3 : null,
    });
    list.push({
      name: `the reference's job on ${basename(job.data)}: CPU time (user + sys)`,
      goal: "(shared machine: the steadier figure)",
      measured: `${times(median(pairs.cpu))} (${seconds(o.cpu_ms)} vs ${seconds(r.cpu_ms)})`,
      met: pairs.cpu.length ? median(pairs.cpu) <= 1 / 3 : null,
    });
    for (const check of job.checks)
      list.push({
        name: `the reference's job: ${check.name}`,
        goal: "PASS",
        measured: check.pass === null ? "not checked" : check.pass ? "PASS" : "FAIL",
        met: check.pass,
      });
  }
  for (const ours of scale.ours) {
    const ref = scale.reference.find((r) => r.lines === ours.lines);
    if (!ref) continue;
    const o = sideMedians(ours.runs);
    const r = sideMedians(ref.runs);
    list.push({
      name: `the reference's job at ${count(ours.lines)} synthetic lines: wall time`,
      goal: "<= 1/3 of the reference",
      measured: `${times(ratio(o.wall_ms, r.wall_ms))} (${seconds(o.wall_ms)} vs ${seconds(r.wall_ms)}; CPU ${times(ratio(o.cpu_ms, r.cpu_ms))})`,
      met: o.wall_ms === null || r.wall_ms === null ? null : o.wall_ms <= r.wall_ms / 3,
    });
  }
  return list;
}

function targets(compare: CompareResult | null, scale: ScaleResult[], build: BuildResult | null): Target[] {
  const list: Target[] = [];
  if (compare?.reference) {
    const o = sideMedians(compare.ours.runs).wall_ms;
    const r = sideMedians(compare.reference.runs).wall_ms;
    const q = ratio(o, r);
    list.push({
      name: `pipeline wall time on ${basename(compare.data)}`,
      goal: "<= 1/3 of the reference",
      measured: `${times(q)} (${seconds(o)} vs ${seconds(r)})`,
      met: q === null ? null : q <= 1 / 3,
    });
    for (const check of compare.checks)
      list.push({
        name: check.name,
        goal: "PASS",
        measured: check.pass === null ? "not checked" : check.pass ? "PASS" : "FAIL",
        met: check.pass,
      });
  }
  if (compare?.raw) {
    const raw = median(compare.raw.count_ms);
    const read = READ_STAGES.reduce((sum, s) => sum + (sideMedians(compare.ours.runs).stages_ms[s] ?? 0), 0);
    list.push({
      name: "our read stage vs DuckDB's raw read",
      goal: "close to the raw read",
      measured: `${seconds(read, 3)} vs ${seconds(raw, 3)} (${times(ratio(read, raw), 1)})`,
      met: null,
    });
  }
  const largest = scale.length ? scale[scale.length - 1] : null;
  if (largest) {
    const m = sideMedians(largest.runs);
    const label = `${(largest.lines / 1e6).toFixed(0)}M lines`;
    list.push({
      name: `${label}: wall time`,
      goal: "< 2 min",
      measured: seconds(m.wall_ms, 1),
      met: m.wall_ms === null ? null : m.wall_ms < 120_000,
    });
    list.push({
      name: `${label}: peak memory (process tree)`,
      goal: "< 4 GiB",
      measured: mib(m.tree_rss_kb),
      met: m.tree_rss_kb === null ? null : m.tree_rss_kb < 4 * 1024 * 1024,
    });
    if (scale.length > 1) {
      const q = ratio(m.wall_ms, sideMedians(scale[0].runs).wall_ms);
      const growth = largest.lines / scale[0].lines;
      const goal = growth * 1.1;
      list.push({
        name: `time ${(scale[0].lines / 1e6).toFixed(0)}M -> ${label}`,
        goal: `<= ${goal.toFixed(0)}x`,
        measured: times(q, 1),
        met: q === null ? null : q <= goal,
      });
    }
  }
  if (build) {
    const cold = median(build.cold.map((b) => b.wall_ms));
    const warm = median(build.warm.map((b) => b.wall_ms));
    const vs = coldVsFramework(build);
    list.push({
      name: "cold `npm run build` / `observable build` alone (same pages and page data, cold cache)",
      goal: "<= 1.5x",
      measured:
        vs.wall_ratio === null
          ? `${seconds(cold, 1)} (observable build alone not measured)`
          : `${times(vs.wall_ratio)} wall (${seconds(cold, 1)} / ${seconds(vs.framework_wall_ms, 1)}), ${times(vs.cpu_ratio)} CPU (${seconds(vs.build_cpu_ms, 1)} / ${seconds(vs.framework_cpu_ms, 1)})`,
      met: vs.wall_ratio === null ? null : vs.wall_ratio <= 1.5,
    });
    if (build.unchanged?.length) {
      const skipped = build.unchanged.every((r) => r.report_data_ms === 0 && r.times?.framework_ms === null);
      const wall = median(build.unchanged.map((b) => b.wall_ms));
      const cpu = median(build.unchanged.map((b) => (b.cpu_s ?? NaN) * 1000));
      list.push({
        name: "rebuild with unchanged data and pages",
        goal: "reuses everything",
        measured: `${skipped ? "report data and site reused" : "not everything reused"}: ${seconds(wall, 1)} wall, ${seconds(cpu, 1)} CPU`,
        met: skipped,
      });
    }
    list.push({
      name: "rebuild after editing a markdown page",
      goal: "< 5 s",
      measured: seconds(warm, 1),
      met: warm < 5_000,
    });
  }
  return list;
}

/** A markdown edit in `npm run dev` shows in the open page in under a second (median of the edits). */
function devTarget(dev: DevBench): Target {
  const shown = dev.edits.map((e) => e.shown_ms);
  const m = shown.length ? median(shown) : null;
  return {
    name: "`npm run dev`: a markdown edit shown in the open page",
    goal: "< 1 s",
    measured: m === null ? "-" : `${(m / 1000).toFixed(2)} s (median of ${shown.length} edits)`,
    met: m === null ? null : m < 1000,
  };
}

function machine(): Record<string, unknown> {
  const run = (bin: string, args: string[]): string | null => {
    try {
      return execFileSync(bin, args, {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
    } catch {
      return null;
    }
  };
  return {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    python: run(REFERENCE_PYTHON, [
      "-c",
      "import sys, pandas, sklearn, numpy; print(sys.version.split()[0], 'pandas', pandas.__version__, 'sklearn', sklearn.__version__, 'numpy', numpy.__version__)",
    ]),
    git_commit: run("git", ["rev-parse", "--short", "HEAD"]),
    git_changed_files: run("git", ["status", "--porcelain"])?.split("\n").filter(Boolean).length ?? null,
  };
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  if (!o) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const started = new Date();
  const stamp = started.toISOString().replace(/[:.]/g, "-").slice(0, 19);
  const resultsDir = join(PROJECT_ROOT, "bench", "results", stamp);
  mkdirSync(resultsDir, { recursive: true });
  const results: Record<string, unknown> = {
    started: started.toISOString(),
    options: o,
    machine: machine(),
    load: {} as Record<string, number[]>,
  };
  const load = results.load as Record<string, number[]>;
  const markdown: string[] = [`# npm run bench (${started.toISOString().slice(0, 16).replace("T", " ")} UTC)`];

  let compare: CompareResult | null = null;
  let referenceJob: CompareResult | null = null;
  let full: FullResult | null = null;
  let scale: { ours: ScaleResult[]; reference: ScaleResult[] } = { ours: [], reference: [] };
  let build: BuildResult | null = null;
  if (o.sections.compare) {
    await waitQuiet(o.waitQuiet);
    load.compare_start = loadavg();
    log(`comparison on ${o.data}`);
    compare = await runCompare(o, resultsDir);
    load.compare_end = loadavg();
    markdown.push(renderCompare(compare));
  }
  if (o.sections.referenceJob) {
    await waitQuiet(o.waitQuiet);
    load.reference_job_start = loadavg();
    log(`the reference's job on ${o.data}`);
    const ours = oursSide(PROJECT_ROOT, REFERENCE_JOB_ARGS, o.launcher);
    referenceJob = await runCompare(o, join(resultsDir, "reference-job"), ours, false);
    load.reference_job_end = loadavg();
    markdown.push(renderCompare(referenceJob, "The reference's job"));
    if (o.fullRuns > 0) {
      log(`the full default pipeline on ${o.data}`);
      full = await runFull(o, resultsDir);
      load.full_end = loadavg();
      markdown.push(renderFull(full));
    }
  }
  if (o.sections.scale) {
    await waitQuiet(o.waitQuiet);
    load.scale_start = loadavg();
    scale = await runScale(o, resultsDir);
    load.scale_end = loadavg();
    markdown.push(renderScale(scale.ours));
    if (scale.reference.length)
      markdown.push(renderScale(scale.reference).replace("## Scale:", "## Scale, reference:"));
  }
  if (o.sections.build) {
    await waitQuiet(o.waitQuiet);
    load.build_start = loadavg();
    const times = await measureBuilds(PROJECT_ROOT, o.data, o.buildRuns, o.timeoutMs, log);
    load.build_end = loadavg();
    build = { ...times, data: relative(PROJECT_ROOT, times.data) };
    markdown.push(renderBuild(build));
  }
  let dev: DevBench | null = null;
  if (o.sections.dev) {
    await waitQuiet(o.waitQuiet);
    load.dev_start = loadavg();
    dev = await measureDevReload(PROJECT_ROOT, o.data, o.devEdits, o.timeoutMs, log);
    load.dev_end = loadavg();
    dev = { ...dev, data: relative(PROJECT_ROOT, dev.data) };
    markdown.push(renderDev(dev, median));
  }
  let soak: SoakResult | null = null;
  if (o.sections.soak) {
    await waitQuiet(o.waitQuiet);
    load.soak_start = loadavg();
    soak = await soakBuilds(PROJECT_ROOT, o.soakRuns, o.timeoutMs, log);
    load.soak_end = loadavg();
    markdown.push(renderSoak(soak));
  }
  let postgres: PostgresBench | null = null;
  if (o.sections.postgres) {
    await waitQuiet(o.waitQuiet);
    load.postgres_start = loadavg();
    postgres = await benchPostgres(o.data, o.postgresRuns, log);
    load.postgres_end = loadavg();
    markdown.push(renderPostgres(postgres));
  }
  let value: ValueBench | null = null;
  if (o.sections.value) {
    await waitQuiet(o.waitQuiet);
    load.value_start = loadavg();
    value = benchValue();
    load.value_end = loadavg();
    markdown.push(renderValue(value));
  }
  let methods: MethodsBench | null = null;
  if (o.sections.methods) {
    await waitQuiet(o.waitQuiet);
    load.methods_start = loadavg();
    log("clustering methods (bench/methods.ts)");
    methods = await benchMethods(
      { sections: ["stage", "retail", "large"], runs: o.methodsRuns, sizes: [100_000, 1_000_000] },
      (line) => log(line),
    );
    load.methods_end = loadavg();
    markdown.push(renderMethods(methods));
  }
  const goals = [
    ...targets(compare, scale.ours, build),
    ...jobTargets(referenceJob, scale),
    ...(methods ? methodsTargets(methods) : []),
    ...(dev ? [devTarget(dev)] : []),
  ];
  if (goals.length) markdown.push(renderTargets(goals));
  const loads = Object.entries(load).map(([when, l]) => `${when} ${l[0].toFixed(2)}`);
  markdown.push(
    `Load average (1 min) at section starts and ends: ${loads.join(", ")}. Above ~1 on this ${cpus().length}-core machine, other work competed with the runs.`,
  );
  Object.assign(results, {
    finished: new Date().toISOString(),
    compare,
    reference_job: referenceJob,
    full,
    scale,
    build,
    dev,
    soak,
    postgres,
    value,
    methods,
    targets: goals,
  });
  const jsonPath = join(PROJECT_ROOT, "bench", "results", `${stamp}.json`);
  writeFileSync(jsonPath, JSON.stringify(results, null, 1) + "\n");
  markdown.push(
    `Full results: \`${relative(PROJECT_ROOT, jsonPath)}\`; last runs' outputs in \`${relative(PROJECT_ROOT, resultsDir)}/\`.`,
  );
  writeFileSync(jsonPath.replace(/\.json$/, ".md"), markdown.join("\n\n") + "\n");
  process.stdout.write(markdown.join("\n\n") + "\n");
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
