/**
 * The PostgreSQL source against the file path on the same data (`npm run bench -- --postgres`, or
 * `npx tsx bench/postgres.ts [--data FILE | --lines N] [--runs N] [--tables text,typed] [--no-warmup]
 * [--settings JSON] [--pipeline-arg=ARG ...]`: settings for both sides' configurations, arguments for both runs). Starts a
 * throwaway server (test/support/postgres.ts), loads FILE (default ../shared/data/online_retail.csv.gz; with
 * `--lines N` the synthetic file of N lines, bench/synthetic.ts, seed 1) with COPY into a table with every column as
 * text (as the CSV) and one typed as a database would hold it (integer, timestamp, numeric), then runs `npm run
 * pipeline` (one node process) alternately on the file and on each table, N times each (default 3) after one
 * warm-up each, and reports per side the median wall time, CPU time (user + sys) and peak RSS of our process
 * (/usr/bin/time), the server's CPU time (its postmaster's own and its reaped backends'), the bytes and rows received
 * from the server (timings.json `database`, db/traffic.ts), the median of each ingest stage, and whether
 * customers.csv is identical to the file path's. The server runs on the same machine, so this measures the
 * database doing the work against DuckDB doing it, not a network. The summary goes to stdout and, run directly, to
 * bench/results/postgres-<time>.{json,md}.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { PROJECT_ROOT } from "../loaders/config.ts";
import { startPostgres, type TestServer } from "../test/support/postgres.ts";
import { ensureSynthetic } from "./synthetic.ts";
import type { TrafficTotals } from "../loaders/db/traffic.ts";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const TABLES = {
  text: `("InvoiceNo" text, "StockCode" text, "Description" text, "Quantity" text, "InvoiceDate" text,
    "UnitPrice" text, "CustomerID" text, "Country" text)`,
  typed: `("InvoiceNo" text, "StockCode" text, "Description" text, "Quantity" integer, "InvoiceDate" timestamp,
    "UnitPrice" numeric, "CustomerID" text, "Country" text)`,
} as const;

export interface PostgresBench {
  data: string;
  runs: number;
  load_ms: Record<string, number>;
  /** table -> its size in the database (bytes, indexes and TOAST included) */
  table_bytes?: Record<string, number>;
  /** side -> wall times (ms) of `npm run pipeline` */
  times: Record<string, number[]>;
  /** side -> CPU time (user + sys, ms) of our process */
  cpu?: Record<string, number[]>;
  /** side -> peak RSS (bytes) of our process */
  rss?: Record<string, number[]>;
  /** side -> the server's CPU time (ms) during the run */
  server_cpu?: Record<string, number[]>;
  /** side -> what came from the server (timings.json database), per run */
  traffic?: Record<string, TrafficTotals[]>;
  /** side -> stage -> milliseconds (timings.json) */
  stages: Record<string, Record<string, number[]>>;
  /** the settings both sides ran with, beyond the defaults */
  settings?: Record<string, unknown>;
  /** the extra `npm run pipeline` arguments */
  pipeline_args?: string[];
  /** whether each side had a warm-up run first */
  warmup?: boolean;
  /** side -> customers.csv identical to the file path's */
  identical: Record<string, boolean>;
}

/** Options of the comparison beyond the data and the number of runs. */
export interface PostgresBenchOptions {
  /** the tables to load and read (default both) */
  tables?: readonly (keyof typeof TABLES)[];
  /** one warm-up run of each side first, not counted (default true) */
  warmup?: boolean;
  /** settings for both sides' configuration files (e.g. a small clustering, to measure the database's part) */
  settings?: Record<string, unknown>;
  /** more arguments for `npm run pipeline` on both sides (e.g. --segments-only) */
  pipelineArgs?: string[];
}

/** CPU time (ms: user + sys, its reaped children's included) of the server's postmaster, from /proc. */
function serverCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields from the 3rd: utime, stime, cutime, cstime are the 14th to 17th of the whole line
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return (ticks * 1000) / 100;
}

/** The postmaster's process id (the parent of the checkpointer), or null where /proc cannot tell. */
async function postmasterPid(server: TestServer): Promise<number | null> {
  const out = await server.psql("SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'", {
    database: "retail",
  });
  const pid = Number(/\d+/.exec(out.split("\n").slice(2).join("\n"))?.[0]);
  const status = `/proc/${pid}/status`;
  if (!pid || !existsSync(status)) return null;
  return Number(/PPid:\s*(\d+)/.exec(readFileSync(status, "utf8"))?.[1]) || null;
}

/** Runs the comparison; `log` gets progress lines. */
export async function benchPostgres(
  data: string,
  runs: number,
  log: (line: string) => void = () => {},
  options: PostgresBenchOptions = {},
): Promise<PostgresBench> {
  const out = join(PROJECT_ROOT, "bench", "results", "postgres");
  mkdirSync(out, { recursive: true });
  const server = await startPostgres();
  try {
    const password = "bench";
    await server.psql(`CREATE ROLE bench LOGIN PASSWORD '${password}'`);
    await server.psql("CREATE DATABASE retail OWNER bench");
    const load_ms: Record<string, number> = {};
    const table_bytes: Record<string, number> = {};
    const settings = options.settings ?? {};
    const fileConfig = join(out, "segment.config.file.json");
    writeFileSync(fileConfig, JSON.stringify(settings));
    const sides: Record<string, string[]> = { file: ["--config", fileConfig, "--data", data] };
    const tables = options.tables ?? (Object.keys(TABLES) as (keyof typeof TABLES)[]);
    for (const name of tables) {
      const columns = TABLES[name];
      await server.psql(
        `CREATE TABLE public.lines_${name} ${columns}; ALTER TABLE public.lines_${name} OWNER TO bench`,
        {
          database: "retail",
        },
      );
      const start = performance.now();
      await server.copyCsv(`public.lines_${name}`, data, "retail");
      await server.psql(`ANALYZE public.lines_${name}`, { database: "retail" });
      load_ms[name] = Math.round(performance.now() - start);
      const size = await server.psql(`SELECT pg_total_relation_size('public.lines_${name}')`, { database: "retail" });
      table_bytes[name] = Number(/\d+/.exec(size.split("\n").slice(2).join("\n"))?.[0]);
      log(`postgres bench: COPY into lines_${name}: ${(load_ms[name] / 1000).toFixed(1)} s`);
      const config = join(out, `segment.config.${name}.json`);
      writeFileSync(
        config,
        JSON.stringify({ ...settings, source: { kind: "postgres", table: `public.lines_${name}` } }),
      );
      sides[`postgres (${name})`] = ["--config", config];
    }
    const postmaster = await postmasterPid(server);
    const environment: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: server.url("bench", password, "retail") };
    delete environment.SEGMENT_CONFIG;
    delete environment.SEGMENT_DATA;
    const times: Record<string, number[]> = {};
    const cpu: Record<string, number[]> = {};
    const rss: Record<string, number[]> = {};
    const server_cpu: Record<string, number[]> = {};
    const traffic: Record<string, TrafficTotals[]> = {};
    const stages: Record<string, Record<string, number[]>> = {};
    const first = options.warmup === false ? 1 : 0;
    for (let i = first; i <= runs; i++)
      for (const [side, args] of Object.entries(sides)) {
        const dir = join(out, side.replace(/\W+/g, "-"));
        const serverBefore = postmaster ? serverCpuMs(postmaster) : 0;
        const start = performance.now();
        // one node process (no tsx wrapper), timed by /usr/bin/time: CPU and peak RSS are the pipeline's own
        const run = spawnSync(
          "/usr/bin/time",
          [
            "-f",
            "BENCH-TIME %U %S %M",
            process.execPath,
            "--import",
            "tsx",
            "loaders/cli/pipeline.ts",
            ...args,
            ...(options.pipelineArgs ?? []),
            "--out",
            dir,
            "--quiet",
          ],
          { cwd: PROJECT_ROOT, env: environment, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
        );
        const ms = performance.now() - start;
        const serverMs = postmaster ? serverCpuMs(postmaster) - serverBefore : NaN;
        if (run.status !== 0) throw new Error(`${side}: ${run.stderr}`);
        const measured = /BENCH-TIME ([\d.]+) ([\d.]+) (\d+)/.exec(run.stderr);
        const timings = JSON.parse(readFileSync(join(dir, "timings.json"), "utf8"));
        const cpuMs = measured ? Math.round((Number(measured[1]) + Number(measured[2])) * 1000) : NaN;
        log(
          `postgres bench: ${side} run ${i}${i === 0 ? " (warm-up)" : ""}: ${(ms / 1000).toFixed(2)} s wall, ` +
            `${(cpuMs / 1000).toFixed(2)} s CPU, peak RSS ${measured ? (Number(measured[3]) / 1024).toFixed(0) : "?"} MiB` +
            (timings.database ? `, ${timings.database.bytes_received} bytes from the server` : "") +
            (postmaster ? `, server CPU ${(serverMs / 1000).toFixed(2)} s` : ""),
        );
        if (i === 0) continue;
        (times[side] ??= []).push(Math.round(ms));
        (cpu[side] ??= []).push(cpuMs);
        if (measured) (rss[side] ??= []).push(Number(measured[3]) * 1024);
        if (postmaster) (server_cpu[side] ??= []).push(Math.round(serverMs));
        if (timings.database) (traffic[side] ??= []).push(timings.database);
        for (const [stage, value] of Object.entries(timings))
          if (typeof value === "number") ((stages[side] ??= {})[stage] ??= []).push(value);
      }
    const csv = (side: string) => readFileSync(join(out, side.replace(/\W+/g, "-"), "customers.csv"), "utf8");
    const identical = Object.fromEntries(Object.keys(sides).map((side) => [side, csv(side) === csv("file")]));
    return {
      data,
      runs,
      settings,
      pipeline_args: options.pipelineArgs ?? [],
      warmup: options.warmup !== false,
      load_ms,
      table_bytes,
      times,
      cpu,
      rss,
      server_cpu,
      traffic,
      stages,
      identical,
    };
  } finally {
    server.stop();
  }
}

/** The result as a markdown section. */
export function renderPostgres(r: PostgresBench): string {
  const sides = Object.keys(r.times);
  const stages = [...new Set(sides.flatMap((side) => Object.keys(r.stages[side] ?? {})))];
  const cell = (xs: number[] | undefined) => (xs ? `${median(xs)} ms` : "-");
  const loads = Object.entries(r.load_ms).map(
    ([name, ms]) =>
      `${name} ${(ms / 1000).toFixed(1)} s` +
      (r.table_bytes?.[name] ? ` (${(r.table_bytes[name] / 2 ** 30).toFixed(2)} GiB in the database)` : ""),
  );
  const seconds = (xs: number[] | undefined) => (xs?.length ? `${(median(xs) / 1000).toFixed(2)} s` : "-");
  // the run with the median bytes (the figures of one run belong together)
  const traffic = (side: string, show: (t: TrafficTotals) => string) => {
    const runs = [...(r.traffic?.[side] ?? [])].sort((a, b) => a.bytes_received - b.bytes_received);
    return runs.length ? show(runs[Math.floor(runs.length / 2)]) : "-";
  };
  return [
    `## PostgreSQL source vs file (${r.data})`,
    "",
    ...(r.settings && Object.keys(r.settings).length
      ? [`Settings on both sides: \`${JSON.stringify(r.settings)}\`.`, ""]
      : []),
    ...(r.pipeline_args?.length ? [`\`npm run pipeline\` with ${r.pipeline_args.join(" ")} on both sides.`, ""] : []),
    `COPY into PostgreSQL: ${loads.join(", ")}; ${r.runs} run${r.runs > 1 ? "s" : ""} of each${r.warmup === false ? "" : " after a warm-up"}; medians.`,
    "",
    `| | ${sides.join(" | ")} |`,
    `| --- | ${sides.map(() => "---").join(" | ")} |`,
    `| wall time, \`npm run pipeline\` | ${sides.map((s) => `${(median(r.times[s]) / 1000).toFixed(2)} s`).join(" | ")} |`,
    `| CPU (user + sys), our process | ${sides.map((s) => seconds(r.cpu?.[s])).join(" | ")} |`,
    `| peak RSS, our process | ${sides.map((s) => (r.rss?.[s] ? `${(median(r.rss[s]) / 2 ** 30).toFixed(2)} GiB` : "-")).join(" | ")} |`,
    `| server CPU (user + sys) | ${sides.map((s) => seconds(r.server_cpu?.[s])).join(" | ")} |`,
    `| bytes received from the server | ${sides.map((s) => traffic(s, (t) => `${(t.bytes_received / 2 ** 20).toFixed(1)} MiB`)).join(" | ")} |`,
    `| rows received (statements; most rows in one) | ${sides.map((s) => traffic(s, (t) => `${t.rows_received.toLocaleString("en-US")} (${t.statements}; ${t.max_rows.toLocaleString("en-US")})`)).join(" | ")} |`,
    `| time waiting for the server | ${sides.map((s) => traffic(s, (t) => `${(t.ms / 1000).toFixed(1)} s`)).join(" | ")} |`,
    ...stages.map((stage) => `| ${stage} | ${sides.map((s) => cell(r.stages[s]?.[stage])).join(" | ")} |`),
    `| customers.csv identical to the file's | ${sides.map((s) => (r.identical[s] ? "yes" : "**no**")).join(" | ")} |`,
  ].join("\n");
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      data: { type: "string" },
      lines: { type: "string" },
      runs: { type: "string" },
      tables: { type: "string" },
      "no-warmup": { type: "boolean" },
      settings: { type: "string" },
      "pipeline-arg": { type: "string", multiple: true },
    },
  });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const data = values.lines
    ? (await ensureSynthetic(join(PROJECT_ROOT, "bench", "results", "data"), Number(values.lines), 1)).path
    : resolve(values.data ?? join(PROJECT_ROOT, "..", "shared", "data", "online_retail.csv.gz"));
  const tables = values.tables?.split(",").map((t) => t.trim()) as (keyof typeof TABLES)[] | undefined;
  for (const t of tables ?? []) if (!(t in TABLES)) throw new Error(`--tables: ${t} is not one of text, typed`);
  const result = await benchPostgres(data, Number(values.runs ?? 3), log, {
    tables,
    warmup: !values["no-warmup"],
    settings: values.settings ? JSON.parse(values.settings) : undefined,
    pipelineArgs: values["pipeline-arg"],
  });
  const markdown = renderPostgres(result);
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const file = join(PROJECT_ROOT, "bench", "results", `postgres-${stamp}`);
  writeFileSync(`${file}.json`, `${JSON.stringify(result, null, 1)}\n`);
  writeFileSync(`${file}.md`, `${markdown}\n`);
  process.stdout.write(`${markdown}\n`);
}
