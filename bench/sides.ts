/**
 * The two programs compared: our pipeline (`node loaders/cli/launch.mjs pipeline`, the bundled entry, as `npm run
 * pipeline` runs it; `--tsx` runs `loaders/cli/pipeline.ts` under tsx instead)
 * and the reference (`reference_pipeline.py` under Debian's python3 with pandas and scikit-learn). Each run is
 * measured and its stage times read from its own output: our timings.json (ms), the reference's
 * `stage_seconds` in the JSON line it prints.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { measure, type Measurement } from "./measure.ts";

export const REFERENCE_SCRIPT = "/work/shared/reference/reference_pipeline.py";
export const REFERENCE_PYTHON = "/usr/bin/python3";

export interface Side {
  name: "ours" | "reference";
  /** the command for one run on `data`, writing into `out` */
  command(data: string, out: string): { bin: string; args: string[]; cwd?: string; env?: NodeJS.ProcessEnv };
  /** stage -> ms, from the run's output */
  stages(run: Measurement, out: string): Record<string, number>;
  /** stage -> CPU ms, when the program reports it */
  cpuStages?(out: string): Record<string, number>;
}

/** How our side starts: the bundled entry in plain node (as `npm run pipeline`), through npm, or under tsx. */
export type OursLauncher = "node" | "npm" | "tsx";

export function oursSide(root: string, extraArgs: readonly string[], launcher: OursLauncher = "node"): Side {
  return {
    name: "ours",
    command: (data, out) => {
      const args = ["--data", data, "--out", out, ...extraArgs];
      if (launcher === "npm") return { bin: "npm", args: ["run", "--silent", "pipeline", "--", ...args], cwd: root };
      if (launcher === "tsx")
        return {
          bin: join(root, "node_modules", ".bin", "tsx"),
          args: [join(root, "loaders", "cli", "pipeline.ts"), ...args],
        };
      return { bin: process.execPath, args: [join(root, "loaders", "cli", "launch.mjs"), "pipeline", ...args] };
    },
    stages: (_run, out) => {
      const file = existsSync(join(out, "timings.json")) ? "timings.json" : "summary.json";
      return oursStages(readFileSync(join(out, file), "utf8"));
    },
    cpuStages: (out) =>
      existsSync(join(out, "timings.json")) ? oursCpuStages(readFileSync(join(out, "timings.json"), "utf8")) : {},
  };
}

/**
 * The reference. `threads`: the BLAS / OpenMP threads numpy and scikit-learn may use (null: their default, one per
 * core). On a loaded machine their waiting threads spin and burn CPU time: one thread shows the reference's own
 * compute.
 */
export function referenceSide(
  script = REFERENCE_SCRIPT,
  python = REFERENCE_PYTHON,
  threads: number | null = null,
): Side {
  const env =
    threads === null
      ? undefined
      : {
          ...process.env,
          OMP_NUM_THREADS: String(threads),
          OPENBLAS_NUM_THREADS: String(threads),
          MKL_NUM_THREADS: String(threads),
        };
  return {
    name: "reference",
    command: (data, out) => ({ bin: python, args: [script, data, out], env }),
    stages: (run) => referenceStages(run.stdout),
  };
}

/**
 * Stage timings (ms) from our `timings.json` (or the `timings` of an older summary.json): numbers as they are; an
 * object `<stage>_stages` breaks `<stage>` down, so its parts are listed as `<stage>.<part>` instead of the total
 * (with `<stage>.other` for any rest); any other nested object is flattened to `outer.inner` without its `total`;
 * `cpu_ms` (CPU time per stage) and the `*_cpu` figures are not stages (oursCpuStages reads `cpu_ms`), nor are the
 * `*_threads` counts of a breakdown (the worker threads a part ran in).
 */
export function oursStages(json: string): Record<string, number> {
  const parsed = JSON.parse(json) as Record<string, unknown>;
  const timings = (parsed.timings && typeof parsed.timings === "object" ? parsed.timings : parsed) as Record<
    string,
    unknown
  >;
  const stages: Record<string, number> = {};
  for (const [key, value] of Object.entries(timings)) {
    if (key === "cpu_ms" || key.endsWith("_cpu")) continue; // CPU times (cpu_ms, value_cpu, analyse_cpu), not stages
    if (typeof value === "number") {
      if (!(timings[`${key}_stages`] && typeof timings[`${key}_stages`] === "object")) stages[key] = value;
    } else if (value && typeof value === "object") {
      const name = key.replace(/_stages$/, "");
      const parts = Object.entries(value as Record<string, unknown>).filter(
        (e): e is [string, number] => typeof e[1] === "number" && e[0] !== "total" && !e[0].endsWith("_threads"),
      );
      for (const [part, ms] of parts) stages[`${name}.${part}`] = ms;
      const total = timings[name];
      const rest = typeof total === "number" && name !== key ? total - parts.reduce((sum, [, ms]) => sum + ms, 0) : 0;
      if (rest >= 1) stages[`${name}.other`] = Math.round(rest);
    }
  }
  return stages;
}

/** CPU milliseconds per stage from our `timings.json` (`cpu_ms`; `process` = the whole process up to the output). */
export function oursCpuStages(json: string): Record<string, number> {
  const parsed = JSON.parse(json) as { cpu_ms?: Record<string, number> };
  return parsed.cpu_ms ?? {};
}

/** Stage timings (ms) from the reference's stdout: `stage_seconds` of the last JSON line, times 1000. */
export function referenceStages(stdout: string): Record<string, number> {
  const line = stdout
    .trim()
    .split("\n")
    .reverse()
    .find((l) => l.trim().startsWith("{"));
  if (!line) throw new Error("reference: no JSON line on stdout");
  const seconds = (JSON.parse(line) as { stage_seconds?: Record<string, number> }).stage_seconds ?? {};
  return Object.fromEntries(Object.entries(seconds).map(([stage, s]) => [stage, Math.round(s * 1000)]));
}

/** One measured run, without the command's output text. */
export interface RunRecord {
  wall_ms: number;
  tree_rss_kb: number;
  max_rss_kb: number | null;
  user_s: number | null;
  sys_s: number | null;
  /** machine CPU seconds not spent by the command during its run (other processes, the harness's sampling) */
  other_cpu_s: number | null;
  stages_ms: Record<string, number>;
  /** CPU time per stage, as the program reports it (ours: timings.json `cpu_ms`) */
  cpu_stages_ms?: Record<string, number>;
  /** wall time outside the reported stages: interpreter start-up, module loading, anything unreported */
  unstaged_ms: number;
}

/** Runs `side` once on `data` into a fresh `out` folder; throws with the command's stderr when it fails. */
export async function runSide(side: Side, data: string, out: string, timeoutMs?: number): Promise<RunRecord> {
  if (existsSync(out)) rmSync(out, { recursive: true, force: true });
  const { bin, args, cwd, env } = side.command(data, out);
  const run = await measure(bin, args, { cwd, env, timeoutMs });
  if (run.exit_code !== 0 || run.timed_out) {
    throw new Error(
      `${side.name} failed (exit ${run.exit_code}${run.timed_out ? ", timed out" : ""}): ${bin} ${args.join(" ")}\n${run.stderr.slice(-2000)}`,
    );
  }
  const stages = side.stages(run, out);
  const staged = Object.values(stages).reduce((a, b) => a + b, 0);
  const cpu = run.user_s === null || run.sys_s === null ? null : run.user_s + run.sys_s;
  return {
    wall_ms: run.wall_ms,
    tree_rss_kb: run.tree_rss_kb,
    max_rss_kb: run.max_rss_kb,
    user_s: run.user_s,
    sys_s: run.sys_s,
    other_cpu_s: run.machine_busy_s === null || cpu === null ? null : Math.max(0, run.machine_busy_s - cpu),
    stages_ms: stages,
    ...(side.cpuStages ? { cpu_stages_ms: side.cpuStages(out) } : {}),
    unstaged_ms: Math.max(0, run.wall_ms - staged),
  };
}
