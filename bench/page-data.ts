/**
 * The page data's cost (issue 24): `buildPageData` (report/page-data.ts), the step a build runs after the pipeline,
 * timed alone. The pipeline runs once (its stages kept in a stage cache under bench/results/page-data-stages/, so a
 * second call reuses the ingest and the segmentation), then the page data is computed `--runs` times (default 3) on
 * its open database; median CPU time (user + sys of this process, DuckDB's threads included) and wall time, of the
 * whole step and of its two parts: the report's tables (report/context.ts `reportTables`, the aggregates in DuckDB,
 * kept in the build's stage cache) and the pages' part (`buildPageData` given the tables: all that a change of k
 * or of a report setting computes), and what the stage cache adds (the tables serialised and read back).
 * `npx tsx bench/page-data.ts [--data FILE | --config FILE] [--runs 3] [--write DIR]`: --write also writes every
 * page data file to DIR as the build writes it (JSON.stringify), for byte-for-byte comparisons between two versions
 * of the code.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { deserialize, serialize } from "node:v8";
import { loadConfig, PROJECT_ROOT } from "../loaders/config.ts";
import { analyse } from "../loaders/pipeline/index.ts";
import { cpuMs } from "../loaders/pipeline/progress.ts";
import { reportTables } from "../loaders/report/context.ts";
import { buildPageData } from "../loaders/report/page-data.ts";
import { median } from "./stats.ts";

const { values } = parseArgs({
  options: {
    data: { type: "string" },
    config: { type: "string" },
    runs: { type: "string" },
    write: { type: "string" },
  },
});
const config = loadConfig({ file: values.config ?? null, env: {}, ...(values.data ? { data: values.data } : {}) });
if (!values.data && !values.config) await (await import("../loaders/demo/index.ts")).ensureDemoData();
const stages = join(PROJECT_ROOT, "bench", "results", "page-data-stages");
mkdirSync(stages, { recursive: true });
const { inputFingerprint } = await import("../loaders/site/artifacts.ts");
const analysis = await analyse(config, () => {}, { cache: { dir: stages, input: await inputFingerprint(config) } });
const runs = Number(values.runs ?? 3);
/** per part: CPU and wall milliseconds of each run */
const parts = {
  tables: { cpu: [] as number[], wall: [] as number[] },
  pages: { cpu: [] as number[], wall: [] as number[] },
};
const cache = { store: [] as number[], load: [] as number[], bytes: 0 };
let files: Record<string, unknown> = {};
const timed = async <T>(part: keyof typeof parts, work: () => Promise<T>): Promise<T> => {
  const c0 = cpuMs();
  const t0 = performance.now();
  const result = await work();
  parts[part].cpu.push(cpuMs() - c0);
  parts[part].wall.push(performance.now() - t0);
  return result;
};
try {
  for (let i = 0; i < runs; i++) {
    const tables = await timed("tables", () => reportTables(analysis.ingest, analysis.segmentation, config));
    // what the stage cache adds: the tables serialised to be stored, and read back
    let c0 = cpuMs();
    const bytes = serialize(tables);
    cache.store.push(cpuMs() - c0);
    cache.bytes = bytes.length;
    c0 = cpuMs();
    deserialize(bytes);
    cache.load.push(cpuMs() - c0);
    files = await timed("pages", () =>
      buildPageData(
        analysis.ingest,
        analysis.segmentation,
        config,
        analysis.value,
        { analysis: analysis.time, model: analysis.model, saved: analysis.saved },
        tables,
      ),
    );
  }
} finally {
  await analysis.close();
}
if (values.write) {
  rmSync(values.write, { recursive: true, force: true });
  for (const [name, content] of Object.entries(files)) {
    const path = join(values.write, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  }
}
const seconds = (v: number[]) =>
  `${(median(v) / 1000).toFixed(2)} s (${v.map((x) => (x / 1000).toFixed(2)).join(", ")})`;
const total = (key: "cpu" | "wall") => parts.tables[key].map((v, i) => v + parts.pages[key][i]);
console.log(`page data: ${Object.keys(files).length} files, medians of ${runs} runs (each run's figure in brackets)`);
console.log(`  whole step (a cold build): CPU ${seconds(total("cpu"))}, wall ${seconds(total("wall"))}`);
console.log(`  the report's tables (DuckDB): CPU ${seconds(parts.tables.cpu)}, wall ${seconds(parts.tables.wall)}`);
console.log(
  `  the pages' part (all a k or report-setting change computes): CPU ${seconds(parts.pages.cpu)}, wall ${seconds(parts.pages.wall)}`,
);
console.log(
  `  the tables in the stage cache: ${(cache.bytes / 1e6).toFixed(2)} MB; serialising CPU ${seconds(cache.store)}, reading back ${seconds(cache.load)}`,
);
