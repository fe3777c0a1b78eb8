/** The bench results as markdown: pure formatting of what run.ts measured. */
import type { BuildRun } from "./build.ts";
import type { Check, InertiaRow } from "./compare.ts";
import type { RunRecord } from "./sides.ts";
import { median, medianByKey, ratio, summarize } from "./stats.ts";

// ---- result shapes (also the JSON written to bench/results/) ----

export interface SideResult {
  command: string;
  runs: RunRecord[];
}

export interface CompareResult {
  data: string;
  rows_in: number | null;
  customers: number | null;
  ours: SideResult;
  reference: SideResult | null;
  /** start-up floors: an empty node script, an empty tsx script, and python importing pandas + scikit-learn */
  floors: { node_ms?: number[]; tsx_ms: number[]; python_imports_ms: number[] } | null;
  checks: Check[];
  inertia: InertiaRow[];
  raw: { rows: number; count_ms: number[]; materialise_ms: number[] } | null;
}

/** The full default pipeline's runs on the comparison file (its stage times are the point). */
export interface FullResult {
  data: string;
  command: string;
  runs: RunRecord[];
}

export interface ScaleResult {
  lines: number;
  /** the synthetic file's format (absent in results written before Parquet was measured: csv) */
  format?: "csv" | "parquet";
  customers: number;
  file_bytes: number;
  runs: RunRecord[];
}

export interface BuildResult {
  data: string;
  cold: BuildRun[];
  warm: BuildRun[];
  /** the same build again; after a `clustering.k` change; after a label change as well (bench/build.ts) */
  unchanged?: BuildRun[];
  k_change?: BuildRun[];
  label_change?: BuildRun[];
}

export interface Target {
  name: string;
  goal: string;
  measured: string;
  met: boolean | null;
  note?: string;
}

// ---- formatting ----

export const seconds = (ms: number | null | undefined, digits = 2): string =>
  ms == null || !Number.isFinite(ms) ? "-" : `${(ms / 1000).toFixed(digits)} s`;
export const mib = (kb: number | null | undefined): string =>
  kb == null || !Number.isFinite(kb) ? "-" : `${Math.round(kb / 1024)} MiB`;
export const times = (r: number | null | undefined, digits = 2): string =>
  r == null || !Number.isFinite(r) ? "-" : `${r.toFixed(digits)}x`;
export const count = (n: number | null | undefined): string => (n == null ? "-" : n.toLocaleString("en-US"));
export const passFail = (ok: boolean | null): string => (ok === null ? "n/a" : ok ? "PASS" : "FAIL");

const NUMERIC_CELL = /^(-|\d[\d.,]*( ?[a-zA-Z%]+)?( - \d[\d.,]*( ?[a-zA-Z%]+)?)?)?$/;

/** A markdown table; columns after the first whose cells are all numbers (with units) are right-aligned; `|` in cells is escaped. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const right = headers.map((_, c) => c > 0 && rows.length > 0 && rows.every((r) => NUMERIC_CELL.test(r[c] ?? "")));
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  const lines = [
    `| ${headers.map(cell).join(" | ")} |`,
    `| ${right.map((r) => (r ? "---:" : "---")).join(" | ")} |`,
    ...rows.map((r) => `| ${headers.map((_, c) => cell(r[c] ?? "")).join(" | ")} |`),
  ];
  return lines.join("\n");
}

const med = (runs: readonly RunRecord[], pick: (r: RunRecord) => number | null): number | null => {
  const values = runs.map(pick).filter((v): v is number => v !== null && Number.isFinite(v));
  return values.length ? median(values) : null;
};
const cpuRange = (runs: readonly RunRecord[]): string => {
  const values = runs.map(cpu).filter((v): v is number => v !== null);
  return values.length ? `${seconds(Math.min(...values))} - ${seconds(Math.max(...values))}` : "-";
};
const range = (runs: readonly RunRecord[]): string =>
  runs.length
    ? `${seconds(Math.min(...runs.map((r) => r.wall_ms)))} - ${seconds(Math.max(...runs.map((r) => r.wall_ms)))}`
    : "-";
const cpu = (r: RunRecord): number | null =>
  r.user_s === null || r.sys_s === null ? null : (r.user_s + r.sys_s) * 1000;

/** Median wall, RSS, CPU of a side's runs. */
export function sideMedians(runs: readonly RunRecord[]) {
  return {
    wall_ms: med(runs, (r) => r.wall_ms),
    tree_rss_kb: med(runs, (r) => r.tree_rss_kb),
    max_rss_kb: med(runs, (r) => r.max_rss_kb),
    cpu_ms: med(runs, cpu),
    other_cpu_ms: med(runs, (r) => (r.other_cpu_s === null ? null : r.other_cpu_s * 1000)),
    unstaged_ms: med(runs, (r) => r.unstaged_ms),
    stages_ms: medianByKey(runs.map((r) => r.stages_ms)),
  };
}

/**
 * Ours / reference for each alternating pair (run i of each side), wall and CPU time: on a shared machine the two
 * runs of a pair saw about the same load, so the median of the pair ratios is steadier than a ratio of medians.
 */
export function pairRatios(
  ours: readonly RunRecord[],
  reference: readonly RunRecord[],
): { wall: number[]; cpu: number[] } {
  const wall: number[] = [];
  const cpuRatios: number[] = [];
  for (let i = 0; i < Math.min(ours.length, reference.length); i++) {
    const w = ratio(ours[i].wall_ms, reference[i].wall_ms);
    if (w !== null) wall.push(w);
    const c = ratio(cpu(ours[i]), cpu(reference[i]));
    if (c !== null) cpuRatios.push(c);
  }
  return { wall, cpu: cpuRatios };
}

/** "median (min - max, spread x%)" of a list of values. */
export function spreadText(values: readonly number[], fmt: (v: number) => string): string {
  if (!values.length) return "-";
  const s = summarize(values);
  return `${fmt(s.median)} (${fmt(s.min)} - ${fmt(s.max)}, spread ${Math.round(100 * s.spread)}%)`;
}

export function renderCompare(c: CompareResult, title = "Pipeline vs reference"): string {
  const ours = sideMedians(c.ours.runs);
  const ref = c.reference ? sideMedians(c.reference.runs) : null;
  const pairs = c.reference ? pairRatios(c.ours.runs, c.reference.runs) : null;
  const row = (
    label: string,
    o: number | null,
    r: number | null | undefined,
    fmt: (v: number | null) => string,
    withRatio = true,
  ) => [label, fmt(o), ref ? fmt(r ?? null) : "-", withRatio ? times(ratio(o, r)) : ""];
  const out: string[] = [];
  out.push(`## ${title}: ${c.data}`);
  out.push(
    `${count(c.rows_in)} lines, ${count(c.customers)} customers; runs: ${c.ours.runs.length} of each, alternating ours / reference; ` +
      `figures are medians.\n\nours: \`${c.ours.command}\`\n\nreference: \`${c.reference?.command ?? "(skipped)"}\``,
  );
  out.push(
    table(
      ["", "ours", "reference", "ours / reference"],
      [
        row("wall time", ours.wall_ms, ref?.wall_ms, seconds),
        ["wall time, min - max", range(c.ours.runs), c.reference ? range(c.reference.runs) : "-", ""],
        row("peak RSS, process tree", ours.tree_rss_kb, ref?.tree_rss_kb, mib),
        row("peak RSS, largest process", ours.max_rss_kb, ref?.max_rss_kb, mib),
        row("CPU time (user + sys)", ours.cpu_ms, ref?.cpu_ms, seconds),
        ["CPU time, min - max", cpuRange(c.ours.runs), c.reference ? cpuRange(c.reference.runs) : "-", ""],
        ...(pairs
          ? [
              ["wall time ratio per pair: median (min - max)", "", "", spreadText(pairs.wall, (v) => times(v))],
              ["CPU time ratio per pair: median (min - max)", "", "", spreadText(pairs.cpu, (v) => times(v))],
            ]
          : []),
        row("outside reported stages (start-up, imports)", ours.unstaged_ms, ref?.unstaged_ms, seconds),
        ...(c.floors?.node_ms
          ? [["start-up floor: node running an empty script", seconds(median(c.floors.node_ms)), "", ""]]
          : []),
        ...(c.floors
          ? [
              row(
                "start-up floor (empty tsx script / python importing pandas + sklearn)",
                median(c.floors.tsx_ms),
                median(c.floors.python_imports_ms),
                seconds,
              ),
            ]
          : []),
        row("other processes' CPU during the runs", ours.other_cpu_ms, ref?.other_cpu_ms, seconds, false),
      ],
    ),
  );
  out.push("### Time per stage (median)");
  out.push(renderStagesSideBySide(ours.stages_ms, ours.wall_ms, ref?.stages_ms ?? {}, ref?.wall_ms ?? null));
  out.push(...cpuStageTable(c.ours.runs));
  if (c.checks.length) {
    out.push("### Same results?");
    out.push(
      table(
        ["check", "result", "detail"],
        c.checks.map((k) => [k.name, passFail(k.pass), k.detail]),
      ),
    );
  }
  if (c.inertia.length) {
    out.push(
      table(
        ["k", "inertia, ours", "inertia, sklearn", "ours / sklearn"],
        c.inertia.map((r) => [
          String(r.k),
          r.ours?.toFixed(3) ?? "-",
          r.reference?.toFixed(3) ?? "-",
          r.ratio === null ? "-" : r.ratio.toFixed(5),
        ]),
      ),
    );
  }
  if (c.raw) out.push(renderRaw(c.raw, ours.stages_ms));
  return out.join("\n\n");
}

/** Our stages and the reference's in adjacent columns, each with its share of that side's wall time. */
export function renderStagesSideBySide(
  ours: Record<string, number>,
  oursWall: number | null,
  ref: Record<string, number>,
  refWall: number | null,
): string {
  const o = Object.entries(ours);
  const r = Object.entries(ref);
  const share = (ms: number, wall: number | null) => (wall ? `${Math.round((100 * ms) / wall)}%` : "-");
  const rows = Array.from({ length: Math.max(o.length, r.length) }, (_, i) => [
    o[i]?.[0] ?? "",
    o[i] ? seconds(o[i][1], 3) : "",
    o[i] ? share(o[i][1], oursWall) : "",
    r[i]?.[0] ?? "",
    r[i] ? seconds(r[i][1], 3) : "",
    r[i] ? share(r[i][1], refWall) : "",
  ]);
  return table(["ours: stage", "time", "of wall", "reference: stage", "time", "of wall"], rows);
}

/** Stages that read the input file, as our summary names them. */
export const READ_STAGES = ["open", "read"];

function renderRaw(raw: NonNullable<CompareResult["raw"]>, stages: Record<string, number>): string {
  const count = median(raw.count_ms);
  const read = READ_STAGES.reduce((sum, s) => sum + (stages[s] ?? 0), 0);
  const all = Object.values(stages).reduce((a, b) => a + b, 0);
  return [
    "### Ingestion vs DuckDB's raw read (in-process, median)",
    table(
      ["", "time", "vs raw count(*)"],
      [
        ["DuckDB `SELECT count(*) FROM read_csv(file)`", seconds(count, 3), "1.00x"],
        [
          "DuckDB `read_csv(file, all_varchar)` into a table",
          seconds(median(raw.materialise_ms), 3),
          times(ratio(median(raw.materialise_ms), count)),
        ],
        [`our read (${READ_STAGES.join(" + ")})`, seconds(read, 3), times(ratio(read, count))],
        ["our stages in total", seconds(all, 3), times(ratio(all, count))],
      ],
    ),
  ].join("\n\n");
}

/** CPU time per stage (timings.json `cpu_ms`, medians), when the runs report it. */
export function cpuStageTable(runs: readonly RunRecord[]): string[] {
  const cpuStages = medianByKey(runs.flatMap((r) => (r.cpu_stages_ms ? [r.cpu_stages_ms] : [])));
  if (!Object.keys(cpuStages).length) return [];
  return [
    "### CPU time per stage (median, timings.json `cpu_ms`: user + system of every thread, DuckDB's included)",
    table(
      ["stage", "CPU time"],
      Object.entries(cpuStages).map(([name, ms]) => [name, seconds(ms, 3)]),
    ),
  ];
}

/** The full default pipeline: wall and CPU time with their spread, and the median time per stage. */
export function renderFull(f: FullResult): string {
  const m = sideMedians(f.runs);
  const walls = f.runs.map((r) => r.wall_ms);
  const cpus = f.runs.map(cpu).filter((v): v is number => v !== null);
  const stages = Object.entries(m.stages_ms);
  return [
    `## The full default pipeline: ${f.data}`,
    `Every stage at its defaults (net of returns, the k rule with bootstrap stability, validation, the method ` +
      `comparison, customer value, cohorts and migration); ${f.runs.length} runs, medians.\n\n\`${f.command}\``,
    table(
      ["", "median (min - max, spread)"],
      [
        ["wall time", spreadText(walls, (v) => seconds(v))],
        ["CPU time (user + sys)", spreadText(cpus, (v) => seconds(v))],
        ["peak RSS, process tree", mib(m.tree_rss_kb)],
        ["outside reported stages (start-up, output)", seconds(m.unstaged_ms)],
        ["other processes' CPU during the runs", seconds(m.other_cpu_ms)],
      ],
    ),
    "### Time per stage (median, timings.json)",
    table(
      ["stage", "time", "of wall"],
      stages.map(([name, ms]) => [name, seconds(ms, 3), m.wall_ms ? `${Math.round((100 * ms) / m.wall_ms)}%` : "-"]),
    ),
    ...cpuStageTable(f.runs),
  ].join("\n\n");
}

export function renderScale(rows: readonly ScaleResult[]): string {
  if (!rows.length) return "";
  const base = rows[0];
  const baseWall = sideMedians(base.runs).wall_ms;
  const stageNames = [...new Set(rows.flatMap((r) => r.runs.flatMap((run) => Object.keys(run.stages_ms))))];
  const body = rows.map((r) => {
    const m = sideMedians(r.runs);
    return [
      count(r.lines),
      count(r.customers),
      `${(r.file_bytes / 1e6).toFixed(0)} MB`,
      seconds(m.wall_ms, 1),
      seconds(m.cpu_ms, 1),
      mib(m.tree_rss_kb),
      times(ratio(m.wall_ms, baseWall), 1),
      ...stageNames.map((s) => seconds(m.stages_ms[s], 1)),
      seconds(m.unstaged_ms, 1),
      seconds(m.other_cpu_ms, 1),
    ];
  });
  return [
    `## Scale: synthetic transactions (${base.format === "parquet" ? "typed Parquet, zstd" : "gzipped CSV"})`,
    `${base.runs.length} run(s) per size; time ratio vs the smallest size.`,
    table(
      [
        "lines",
        "customers",
        "file",
        "wall",
        "CPU (user + sys)",
        "peak RSS (tree)",
        `time vs ${count(base.lines)}`,
        ...stageNames,
        "outside stages",
        "other processes' CPU",
      ],
      body,
    ),
  ].join("\n\n");
}

export function renderBuild(b: BuildResult): string {
  const row = (label: string, runs: BuildResult["cold"], goal: string) => [
    label,
    seconds(median(runs.map((r) => r.wall_ms))),
    seconds(median(runs.flatMap((r) => (r.cpu_s === null || r.cpu_s === undefined ? [] : [r.cpu_s * 1000])))),
    seconds(median(runs.flatMap((r) => (r.report_data_ms === null ? [] : [r.report_data_ms])))),
    runs.length
      ? `${seconds(Math.min(...runs.map((r) => r.wall_ms)))} - ${seconds(Math.max(...runs.map((r) => r.wall_ms)))}`
      : "-",
    mib(median(runs.map((r) => r.tree_rss_kb))),
    seconds(median(runs.flatMap((r) => (r.other_cpu_s === null ? [] : [r.other_cpu_s * 1000])))),
    goal,
  ];
  const rows = [
    row("cold (no report data, no Framework cache)", b.cold, "< 20 s"),
    ...(b.unchanged?.length ? [row("again, nothing changed", b.unchanged, "reuses everything")] : []),
    ...(b.k_change?.length ? [row("after a `clustering.k` change", b.k_change, "only what reads k")] : []),
    ...(b.label_change?.length
      ? [row("after a `report.labels` change", b.label_change, "only what reads labels")]
      : []),
    row("warm (one markdown page edited)", b.warm, "< 5 s"),
  ];
  return [
    `## Report build: ${b.data}`,
    `${b.cold.length} series of builds in a copy of the project, each in this order from the state the one before left (bench/build.ts).`,
    table(
      [
        "build",
        "wall (median)",
        "CPU (median)",
        "of which report data (pipeline)",
        "min - max",
        "peak RSS (tree)",
        "other processes' CPU",
        "goal",
      ],
      rows,
    ),
  ].join("\n\n");
}

export function renderTargets(targets: readonly Target[]): string {
  return [
    "## Targets",
    table(
      ["target", "goal", "measured", "met"],
      targets.map((t) => [t.name, t.goal, t.measured + (t.note ? ` (${t.note})` : ""), passFail(t.met)]),
    ),
  ].join("\n\n");
}
