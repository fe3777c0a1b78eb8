/** Keeps Framework's loader cache in step with the report data (Framework's build reuses any cached file). */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ensureArtifacts } from "./artifacts.ts";
import { postgresSourceName } from "../sources/postgres.ts";
import { PROJECT_ROOT, loadConfig, type Config } from "../config.ts";
import type { Model } from "../model/schema.ts";
import type { ReportPhases } from "../pipeline/index.ts";

const FRAMEWORK_CACHE = join(PROJECT_ROOT, "src", ".observablehq", "cache");
const STAMP_NAME = "segment-report.fingerprint";

/** The files under `dir`, as paths relative to it. */
function filesUnder(dir: string, prefix = ""): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? filesUnder(join(dir, entry.name), `${prefix}${entry.name}/`)
      : entry.isFile()
        ? [`${prefix}${entry.name}`]
        : [],
  );
}

/**
 * Brings Framework's cached loader output in step with the artifacts in `dir` (fingerprint `fingerprint`): when
 * they were made from other artifacts, every cached file that is not byte for byte the artifact of its name goes
 * (the loaders print the artifact as it is, so an equal file is what they would print: a change of one setting
 * leaves the pages it does not touch cached). Returns how many files went, or null when nothing was to do.
 */
export function syncFrameworkCache(fingerprint: string, dir: string, cache = FRAMEWORK_CACHE): number | null {
  const stamp = join(cache, STAMP_NAME);
  const current = existsSync(stamp) ? readFileSync(stamp, "utf8").trim() : null;
  if (current === fingerprint) return null;
  const data = join(cache, "data");
  let removed = 0;
  for (const name of filesUnder(data)) {
    const artifact = join(dir, name);
    const cached = join(data, name);
    if (existsSync(artifact) && readFileSync(artifact).equals(readFileSync(cached))) continue;
    rmSync(cached, { force: true });
    removed++;
  }
  mkdirSync(cache, { recursive: true });
  writeFileSync(stamp, fingerprint + "\n");
  return removed;
}

/** What `prepare` did: the report data's fingerprint, and the time it took. */
export interface Prepared {
  fingerprint: string;
  /** the whole preparation (fingerprint, pipeline, page data, Framework's cache), wall ms */
  wall_ms: number;
  /** the pipeline's and the page data's time, when the report data was computed */
  phases: ReportPhases;
}

/** Prepares the report data and Framework's cache; shared by `build` and `dev`. */
export async function prepare(
  options: { config?: Config; saved?: { model: Model; file: string } | null } = {},
): Promise<Prepared> {
  const config = options.config ?? loadConfig();
  const started = performance.now();
  const artifacts = await ensureArtifacts(config, options.saved ?? null);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stderr.write(
    `segment-report: ${artifacts.computed ? `computed the report data in ${seconds} s` : "report data unchanged"} ` +
      `(${config.source ? postgresSourceName(config.source) : relative(process.cwd(), config.data) || config.data})\n`,
  );
  const recognised = join(artifacts.dir, "recognised.txt");
  if (!artifacts.computed && existsSync(recognised)) process.stderr.write(readFileSync(recognised, "utf8"));
  const removed = syncFrameworkCache(artifacts.fingerprint, artifacts.dir);
  if (removed)
    process.stderr.write(`segment-report: cleared ${removed} changed file(s) from Framework's loader cache\n`);
  return { fingerprint: artifacts.fingerprint, wall_ms: performance.now() - started, phases: artifacts.phases };
}
