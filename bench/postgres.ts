/**
 * The PostgreSQL source against the file path on the same data (`npm run bench -- --postgres`, or
 * `npx tsx bench/postgres.ts [--data FILE] [--runs N]`). Starts a throwaway server (test/support/postgres.ts), loads
 * FILE (default ../shared/data/online_retail.csv.gz) with COPY into two tables, one with every column as text (as the
 * CSV) and one typed as a database would hold it (integer, timestamp, numeric), then runs `npm run pipeline`
 * alternately on the file and on each table, N times each (default 3) after one warm-up each, and reports the
 * median wall time, the median of each ingest stage, and whether customers.csv is identical to the file path's. The
 * server runs on the same machine, so this measures the database doing the work against DuckDB doing it, not a
 * network.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { PROJECT_ROOT } from "../loaders/config.ts";
import { startPostgres } from "../test/support/postgres.ts";

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
  /** side -> wall times (ms) of `npm run pipeline` */
  times: Record<string, number[]>;
  /** side -> stage -> milliseconds (timings.json) */
  stages: Record<string, Record<string, number[]>>;
  /** side -> customers.csv identical to the file path's */
  identical: Record<string, boolean>;
}

/** Runs the comparison; `log` gets progress lines. */
export async function benchPostgres(
  data: string,
  runs: number,
  log: (line: string) => void = () => {},
): Promise<PostgresBench> {
  const out = join(PROJECT_ROOT, "bench", "results", "postgres");
  mkdirSync(out, { recursive: true });
  const server = await startPostgres();
  try {
    const password = "bench";
    await server.psql(`CREATE ROLE bench LOGIN PASSWORD '${password}'`);
    await server.psql("CREATE DATABASE retail OWNER bench");
    const load_ms: Record<string, number> = {};
    const sides: Record<string, string[]> = { file: ["--data", data] };
    for (const [name, columns] of Object.entries(TABLES)) {
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
      const config = join(out, `segment.config.${name}.json`);
      writeFileSync(config, JSON.stringify({ source: { kind: "postgres", table: `public.lines_${name}` } }));
      sides[`postgres (${name})`] = ["--config", config];
    }
    const environment: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: server.url("bench", password, "retail") };
    delete environment.SEGMENT_CONFIG;
    delete environment.SEGMENT_DATA;
    const times: Record<string, number[]> = {};
    const stages: Record<string, Record<string, number[]>> = {};
    for (let i = 0; i <= runs; i++)
      for (const [side, args] of Object.entries(sides)) {
        const dir = join(out, side.replace(/\W+/g, "-"));
        const start = performance.now();
        const run = spawnSync(
          join(PROJECT_ROOT, "node_modules", ".bin", "tsx"),
          ["loaders/cli/pipeline.ts", ...args, "--out", dir],
          { cwd: PROJECT_ROOT, env: environment, encoding: "utf8" },
        );
        const ms = performance.now() - start;
        if (run.status !== 0) throw new Error(`${side}: ${run.stderr}`);
        log(`postgres bench: ${side} run ${i}${i === 0 ? " (warm-up)" : ""}: ${(ms / 1000).toFixed(2)} s`);
        if (i === 0) continue;
        (times[side] ??= []).push(Math.round(ms));
        const timings = JSON.parse(readFileSync(join(dir, "timings.json"), "utf8"));
        for (const [stage, value] of Object.entries(timings))
          if (typeof value === "number") ((stages[side] ??= {})[stage] ??= []).push(value);
      }
    const csv = (side: string) => readFileSync(join(out, side.replace(/\W+/g, "-"), "customers.csv"), "utf8");
    const identical = Object.fromEntries(Object.keys(sides).map((side) => [side, csv(side) === csv("file")]));
    return { data, runs, load_ms, times, stages, identical };
  } finally {
    server.stop();
  }
}

/** The result as a markdown section. */
export function renderPostgres(r: PostgresBench): string {
  const sides = Object.keys(r.times);
  const stages = [...new Set(sides.flatMap((side) => Object.keys(r.stages[side] ?? {})))];
  const cell = (xs: number[] | undefined) => (xs ? `${median(xs)} ms` : "-");
  const loads = Object.entries(r.load_ms).map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`);
  return [
    `## PostgreSQL source vs file (${r.data})`,
    "",
    `COPY into PostgreSQL: ${loads.join(", ")}; ${r.runs} runs of each after a warm-up; medians.`,
    "",
    `| | ${sides.join(" | ")} |`,
    `| --- | ${sides.map(() => "---").join(" | ")} |`,
    `| wall time, \`npm run pipeline\` | ${sides.map((s) => `${(median(r.times[s]) / 1000).toFixed(2)} s`).join(" | ")} |`,
    ...stages.map((stage) => `| ${stage} | ${sides.map((s) => cell(r.stages[s]?.[stage])).join(" | ")} |`),
    `| customers.csv identical to the file's | ${sides.map((s) => (r.identical[s] ? "yes" : "**no**")).join(" | ")} |`,
  ].join("\n");
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { data: { type: "string" }, runs: { type: "string" } } });
  const data = resolve(values.data ?? join(PROJECT_ROOT, "..", "shared", "data", "online_retail.csv.gz"));
  const result = await benchPostgres(data, Number(values.runs ?? 3), (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${renderPostgres(result)}\n`);
}
