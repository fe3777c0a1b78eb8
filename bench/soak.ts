/**
 * `npm run bench -- --soak`: builds the report N times in a row (default 20) on changing inputs (a small demo
 * data set with another seed each time, every third build also another fixed k) into one `--out` folder, in a
 * copy of the project, and after every build checks that nothing is left behind: the site folder holds exactly
 * the files its `.segment-report` marker lists and one page per segment of this data set, no temporary folder
 * (`.segment-tmp-*`) in it, no staging folder or build lock in `.segment-cache/`, no DuckDB spill folder in the
 * system temp folder, and the caches stay bounded (at most KEEP report-data folders). Reports the cache sizes.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateDemo, writeDemoFiles } from "../loaders/demo/index.ts";
import { copyProject } from "./build.ts";
import { measure } from "./measure.ts";

export interface SoakBuild {
  run: number;
  seed: number;
  k: number | "auto";
  wall_ms: number;
  site_files: number;
  /** bytes */
  segment_cache: number;
  framework_cache: number;
  report_data_folders: number;
  /** problems found after this build (empty: clean) */
  problems: string[];
}

export interface SoakResult {
  runs: number;
  builds: SoakBuild[];
  /** the cache sizes after the last build, bytes */
  final: { segment_cache: number; framework_cache: number; site: number };
  clean: boolean;
}

function filesUnder(dir: string, prefix = ""): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? filesUnder(join(dir, e.name), rel) : [rel];
  });
}

function bytesUnder(dir: string): number {
  return filesUnder(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

/** What a build left behind that it should not have, as readable lines. */
function leftovers(copy: string, out: string, spillBefore: Set<string>): string[] {
  const problems: string[] = [];
  const marker = JSON.parse(readFileSync(join(out, ".segment-report"), "utf8")) as { files: string[] };
  const listed = new Set(marker.files);
  const present = filesUnder(out).filter((f) => f !== ".segment-report");
  for (const f of present) if (!listed.has(f)) problems.push(`stale or unlisted file in the site: ${f}`);
  for (const f of listed) if (!present.includes(f)) problems.push(`listed but missing: ${f}`);
  for (const name of readdirSync(out))
    if (name.startsWith(".segment-tmp-")) problems.push(`temporary folder left in the site: ${name}`);
  const cache = join(copy, ".segment-cache");
  // the segment pages are exactly this data's segments (a stale page from an earlier data set would show here)
  const paths = JSON.parse(
    readFileSync(join(cache, readFileSync(join(cache, "CURRENT"), "utf8").trim(), "segment-paths.json"), "utf8"),
  ) as string[];
  const expected = paths
    .map((p) => `${p.slice(1)}.html`)
    .sort()
    .join(" ");
  const pages = present
    .filter((f) => /^segments\/.*\.html$/.test(f))
    .sort()
    .join(" ");
  if (pages !== expected) problems.push(`segment pages ${pages} but the data has ${expected}`);
  for (const name of readdirSync(cache))
    if (/^(staging-|dist-build-)/.test(name) || name === "build.lock") problems.push(`left in .segment-cache: ${name}`);
  for (const name of readdirSync(tmpdir()))
    if (name.startsWith("segment-report-duckdb-") && !spillBefore.has(name))
      problems.push(`DuckDB spill folder left: ${join(tmpdir(), name)}`);
  return problems;
}

/** Runs the soak: `runs` builds of a copy of the project at `root`. */
export async function soakBuilds(
  root: string,
  runs: number,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<SoakResult> {
  const copy = copyProject(root);
  const out = join(copy, "soak-dist");
  const dataDir = join(copy, "soak-data");
  const config = join(copy, "soak-config.json");
  const spillBefore = new Set(readdirSync(tmpdir()).filter((n) => n.startsWith("segment-report-duckdb-")));
  const builds: SoakBuild[] = [];
  try {
    for (let run = 1; run <= runs; run++) {
      const seed = 100 + run;
      const k = run % 3 === 0 ? 3 : "auto";
      const data = join(dataDir, `seed-${seed}`);
      rmSync(dataDir, { recursive: true, force: true }); // only this build's input exists: inputs change
      mkdirSync(data, { recursive: true });
      writeDemoFiles(data, generateDemo({ seed, scale: 0.05 }));
      writeFileSync(config, JSON.stringify({ clustering: { k, k_max: 6, bootstrap_runs: 3 } }));
      const env = {
        ...process.env,
        SEGMENT_DATA: join(data, "transactions.csv.gz"),
        SEGMENT_CONFIG: config,
        OBSERVABLE_TELEMETRY_DISABLE: "1",
      };
      const m = await measure(join(copy, "node_modules", ".bin", "tsx"), ["loaders/cli/build.ts", "--out", out], {
        cwd: copy,
        env,
        timeoutMs,
      });
      if (m.exit_code !== 0 || m.timed_out)
        throw new Error(`soak build ${run} failed (exit ${m.exit_code}):\n${m.stderr.slice(-2000)}`);
      const cache = join(copy, ".segment-cache");
      const build: SoakBuild = {
        run,
        seed,
        k,
        wall_ms: m.wall_ms,
        site_files: filesUnder(out).length,
        segment_cache: bytesUnder(cache),
        framework_cache: bytesUnder(join(copy, "src", ".observablehq", "cache")),
        report_data_folders: readdirSync(cache).filter((n) => existsSync(join(cache, n, "FINGERPRINT"))).length,
        problems: leftovers(copy, out, spillBefore),
      };
      builds.push(build);
      log(
        `soak ${run}/${runs}: ${(m.wall_ms / 1000).toFixed(1)} s, site ${build.site_files} files, .segment-cache ${kb(build.segment_cache)}` +
          ` (${build.report_data_folders} report-data folders), Framework cache ${kb(build.framework_cache)}` +
          (build.problems.length ? `; PROBLEMS: ${build.problems.join("; ")}` : ", clean"),
      );
    }
    const last = builds[builds.length - 1];
    return {
      runs,
      builds,
      final: { segment_cache: last.segment_cache, framework_cache: last.framework_cache, site: bytesUnder(out) },
      clean: builds.every((b) => b.problems.length === 0),
    };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;

/** The soak as markdown. */
export function renderSoak(result: SoakResult): string {
  const sizes = result.builds.map((b) => b.segment_cache);
  const fw = result.builds.map((b) => b.framework_cache);
  return [
    `## Soak: ${result.runs} builds in a row on changing inputs`,
    "",
    `| | first build | largest | last build |`,
    `| --- | --- | --- | --- |`,
    `| .segment-cache | ${kb(sizes[0])} | ${kb(Math.max(...sizes))} | ${kb(sizes[sizes.length - 1])} |`,
    `| Framework cache | ${kb(fw[0])} | ${kb(Math.max(...fw))} | ${kb(fw[fw.length - 1])} |`,
    `| report-data folders | ${result.builds[0].report_data_folders} | ${Math.max(...result.builds.map((b) => b.report_data_folders))} | ${result.builds[result.builds.length - 1].report_data_folders} |`,
    "",
    result.clean
      ? `Clean after every build: the site holds exactly the files its marker lists, no temporary folders, no staging, lock or spill folders.`
      : `LEFT BEHIND: ${result.builds.flatMap((b) => b.problems.map((p) => `build ${b.run}: ${p}`)).join("; ")}`,
  ].join("\n");
}
