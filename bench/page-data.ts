/**
 * The page data's cost (issue 24): `buildPageData` (report/page-data.ts), the step a build runs after the pipeline,
 * timed alone. The pipeline runs once (its stages kept in a stage cache under bench/results/page-data-stages/, so a
 * second call reuses the ingest and the segmentation), then the page data is computed `--runs` times (default 3) on
 * its open database; median CPU time (user + sys of this process, DuckDB's threads included) and wall time.
 * `npx tsx bench/page-data.ts [--data FILE | --config FILE] [--runs 3] [--write DIR]`: --write also writes every page data file to
 * DIR as the build writes it (JSON.stringify), for byte-for-byte comparisons between two versions of the code.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig, PROJECT_ROOT } from "../loaders/config.ts";
import { analyse } from "../loaders/pipeline/index.ts";
import { cpuMs } from "../loaders/pipeline/progress.ts";
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
const cpu: number[] = [];
const wall: number[] = [];
let files: Record<string, unknown> = {};
try {
  for (let i = 0; i < runs; i++) {
    const c0 = cpuMs();
    const t0 = performance.now();
    files = await analysis.ingest.db.deterministic(() =>
      buildPageData(analysis.ingest, analysis.segmentation, config, analysis.value, {
        analysis: analysis.time,
        model: analysis.model,
        saved: analysis.saved,
      }),
    );
    cpu.push(cpuMs() - c0);
    wall.push(performance.now() - t0);
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
console.log(
  `page data: ${Object.keys(files).length} files; CPU ${(median(cpu) / 1000).toFixed(2)} s, wall ${(median(wall) / 1000).toFixed(2)} s (median of ${runs}; CPU ${cpu.map((v) => (v / 1000).toFixed(2)).join(", ")}; wall ${wall.map((v) => (v / 1000).toFixed(2)).join(", ")})`,
);
