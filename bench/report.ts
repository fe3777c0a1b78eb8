/** The bench results as markdown: pure formatting of what run.ts measured. */
import type { BuildPhases, BuildRun, ExportRun, FrameworkRun } from "./build.ts";
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
  /** `observable build` alone after each cold build, cold and warm cache; `npm run export` after the unchanged build */
  framework?: FrameworkRun[];
  export?: ExportRun[];
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

/** Medians of the cold build against `observable build` alone (cold cache): wall and CPU, and their ratios. */
export function coldVsFramework(b: BuildResult): {
  build_wall_ms: number;
  build_cpu_ms: number | null;
  framework_wall_ms: number | null;
  framework_cpu_ms: number | null;
  wall_ratio: number | null;
  cpu_ratio: number | null;
} {
  const cpu = (runs: readonly { cpu_s?: number | null }[]) => {
    const values = runs.flatMap((r) => (r.cpu_s == null ? [] : [r.cpu_s * 1000]));
    return values.length ? median(values) : null;
  };
  const alone = (b.framework ?? []).filter((f) => f.cold);
  const build_wall_ms = median(b.cold.map((r) => r.wall_ms));
  const build_cpu_ms = cpu(b.cold);
  const framework_wall_ms = alone.length ? median(alone.map((f) => f.wall_ms)) : null;
  const framework_cpu_ms = cpu(alone);
  return {
    build_wall_ms,
    build_cpu_ms,
    framework_wall_ms,
    framework_cpu_ms,
    wall_ratio: ratio(build_wall_ms, framework_wall_ms),
    cpu_ratio: ratio(build_cpu_ms, framework_cpu_ms),
  };
}

export function renderBuild(b: BuildResult): string {
  const ms = (values: readonly (number | null | undefined)[]) => {
    const kept = values.filter((v): v is number => v != null);
    return kept.length ? median(kept) : null;
  };
  const cpuMs = (runs: readonly { cpu_s?: number | null }[]) =>
    ms(runs.map((r) => (r.cpu_s == null ? null : r.cpu_s * 1000)));
  const row = (label: string, runs: BuildResult["cold"], goal: string) => [
    label,
    seconds(median(runs.map((r) => r.wall_ms))),
    seconds(cpuMs(runs)),
    seconds(ms(runs.map((r) => r.report_data_ms))),
    seconds(ms(runs.map((r) => r.times?.framework_ms))) +
      (runs.some((r) => r.times && r.times.framework_ms === null) ? " (skipped)" : ""),
    runs.length
      ? `${seconds(Math.min(...runs.map((r) => r.wall_ms)))} - ${seconds(Math.max(...runs.map((r) => r.wall_ms)))}`
      : "-",
    mib(median(runs.map((r) => r.tree_rss_kb))),
    seconds(ms(runs.map((r) => (r.other_cpu_s === null ? null : r.other_cpu_s * 1000)))),
    goal,
  ];
  const alone = (cold: boolean) => (b.framework ?? []).filter((f) => f.cold === cold);
  const frameworkRow = (label: string, runs: FrameworkRun[], goal: string) => [
    label,
    seconds(median(runs.map((r) => r.wall_ms))),
    seconds(cpuMs(runs)),
    "-",
    seconds(median(runs.map((r) => r.wall_ms))),
    `${seconds(Math.min(...runs.map((r) => r.wall_ms)))} - ${seconds(Math.max(...runs.map((r) => r.wall_ms)))}`,
    mib(median(runs.map((r) => r.tree_rss_kb))),
    "-",
    goal,
  ];
  const rows = [
    row("cold `npm run build` (no report data, no Framework cache)", b.cold, "<= 1.5x observable build alone"),
    ...(alone(true).length
      ? [frameworkRow("`observable build` alone, same pages and page data, cold cache", alone(true), "the yardstick")]
      : []),
    ...(alone(false).length
      ? [frameworkRow("`observable build` alone, warm cache", alone(false), "what an unskipped rebuild costs")]
      : []),
    ...(b.unchanged?.length ? [row("again, nothing changed", b.unchanged, "reuses everything")] : []),
    ...(b.k_change?.length ? [row("after a `clustering.k` change", b.k_change, "only what reads k")] : []),
    ...(b.label_change?.length
      ? [row("after a `report.labels` change", b.label_change, "only what reads labels")]
      : []),
    row("warm (one markdown page edited)", b.warm, "< 5 s"),
  ];
  const parts = [
    `## Report build: ${b.data}`,
    `${b.cold.length} series of builds in a copy of the project, each in this order from the state the one before left (bench/build.ts). CPU = user + sys of the whole process tree (/usr/bin/time -v); the machine may be shared: "other processes' CPU" is what the rest of the machine used meanwhile.`,
    table(
      [
        "build",
        "wall (median)",
        "CPU (median)",
        "of which report data",
        "of which Framework's build",
        "min - max",
        "peak RSS (tree)",
        "other processes' CPU",
        "goal",
      ],
      rows,
    ),
  ];
  const vs = coldVsFramework(b);
  if (vs.framework_wall_ms !== null)
    parts.push(
      `**Cold build / \`observable build\` alone (cold cache): ${times(vs.wall_ratio)} wall (${seconds(vs.build_wall_ms)} / ${seconds(vs.framework_wall_ms)}), ${times(vs.cpu_ratio)} CPU (${seconds(vs.build_cpu_ms)} / ${seconds(vs.framework_cpu_ms)}); goal <= 1.5x.**`,
    );
  const phases = b.cold.flatMap((r) => (r.times ? [r.times] : []));
  if (phases.length) {
    const med = (pick: (t: BuildPhases) => number | null) => ms(phases.map(pick));
    const total = median(b.cold.map((r) => r.wall_ms));
    const process = med((t) => t.process_ms);
    const inside = (t: BuildPhases) => t.report_data_ms + (t.framework_ms ?? 0) + (t.publish_ms ?? 0);
    const share = (value: number | null) => (value === null || !total ? "-" : `${((100 * value) / total).toFixed(0)}%`);
    const line = (label: string, wall: number | null, cpu: number | null) => [
      label,
      seconds(wall),
      seconds(cpu),
      share(wall),
    ];
    const pipeline = med((t) => t.pipeline_ms);
    const pageData = med((t) => t.page_data_ms);
    const reportData = med((t) => t.report_data_ms);
    parts.push(
      "Where the cold build's time goes (medians; wall from the build's own `times:` line, CPU of the build's own process where it is measured):",
      table(
        ["part", "wall", "CPU", "share of the wall time"],
        [
          line(
            "start-up (node, loading our modules and packages)",
            med((t) => t.process_ms - inside(t)),
            null,
          ),
          line(
            "report data: the pipeline",
            pipeline,
            med((t) => t.pipeline_cpu_ms),
          ),
          line(
            "report data: the page data",
            pageData,
            med((t) => t.page_data_cpu_ms),
          ),
          line(
            "report data: the rest (fingerprint of data and code, writing, Framework's cache)",
            reportData === null || pipeline === null || pageData === null ? null : reportData - pipeline - pageData,
            null,
          ),
          line(
            "Framework's build (child process)",
            med((t) => t.framework_ms),
            null,
          ),
          line(
            "publish (marker, swap into --out)",
            med((t) => t.publish_ms),
            null,
          ),
          line("outside the process (launch, exit)", process === null ? null : total - process, null),
        ],
      ),
    );
  }
  if (b.export?.length) {
    const e = b.export;
    parts.push(
      "`npm run export -- --out DIR` after the unchanged build (its build finds the site current), then the single file and the PDF:",
      table(
        [
          "wall (median)",
          "CPU (median)",
          "of which its build",
          "report.html",
          "report.pdf",
          "PDF pages",
          "site pages",
          "peak RSS (tree)",
        ],
        [
          [
            seconds(median(e.map((r) => r.wall_ms))),
            seconds(cpuMs(e)),
            seconds(ms(e.map((r) => r.build?.process_ms))),
            `${(median(e.map((r) => r.html_bytes)) / 1e6).toFixed(2)} MB`,
            `${(median(e.map((r) => r.pdf_bytes)) / 1e6).toFixed(2)} MB`,
            String(ms(e.map((r) => r.pdf_pages)) ?? "-"),
            String(ms(e.map((r) => r.site_pages)) ?? "-"),
            mib(median(e.map((r) => r.tree_rss_kb))),
          ],
        ],
      ),
    );
  }
  return parts.join("\n\n");
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
