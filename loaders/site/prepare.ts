/** Keeps Framework's loader cache in step with the report data (Framework's build reuses any cached file newer than its loader). */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { ensureArtifacts } from "./artifacts.ts";
import { postgresSourceName } from "../sources/postgres.ts";
import { PROJECT_ROOT, loadConfig, type Config } from "../config.ts";
import type { Model } from "../model/schema.ts";
import type { ReportPhases } from "../pipeline/index.ts";

const FRAMEWORK_CACHE = join(PROJECT_ROOT, "src", ".observablehq", "cache");
const STAMP_NAME = "segment-report.fingerprint";

/** The files under `dir`, as paths relative to it. */
export function filesUnder(dir: string, prefix = ""): string[] {
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
 * The files the data loaders print, as paths under Framework's cache folder `data/`: `src/data/[file].json.js`
 * prints `<file>.json`, `src/data/segment/[segment].json.js` `segment/<slug>.json` and
 * `src/data/customer_segments.csv.js` `customer_segments.csv`, each the artifact of that name as it is
 * (loaders/site/emit.js), for the names their patterns accept.
 */
export function loaderFiles(dir: string): string[] {
  return filesUnder(dir).filter(
    (name) =>
      /^[a-z0-9_-]+\.json$/.test(name) || /^segment\/[a-z0-9-]+\.json$/.test(name) || name === "customer_segments.csv",
  );
}

/**
 * Brings Framework's loader cache in step with the artifacts in `dir` (fingerprint `fingerprint`), once per
 * report data: every file a loader would print is written there as the loader would print it (the artifact's
 * bytes), unless the cached file already holds them, and every other cached file goes. Framework takes a cached
 * file newer than its loader as fresh, so its build then starts no loader process (about 20 node processes, 2.4 s
 * of a cold build of Online Retail); should Framework look elsewhere, its loaders still print the same bytes.
 * Returns how many files were written and removed, or null when nothing was to do.
 */
export function syncFrameworkCache(
  fingerprint: string,
  dir: string,
  cache = FRAMEWORK_CACHE,
): { written: number; removed: number } | null {
  const stamp = join(cache, STAMP_NAME);
  const current = existsSync(stamp) ? readFileSync(stamp, "utf8").trim() : null;
  if (current === fingerprint) return null;
  const data = join(cache, "data");
  const wanted = new Set(loaderFiles(dir));
  let removed = 0;
  for (const name of filesUnder(data)) {
    if (wanted.has(name)) continue;
    rmSync(join(data, name), { force: true });
    removed++;
  }
  let written = 0;
  for (const name of wanted) {
    const bytes = readFileSync(join(dir, name));
    const cached = join(data, name);
    if (existsSync(cached) && readFileSync(cached).equals(bytes)) continue;
    mkdirSync(dirname(cached), { recursive: true });
    // whole or not at all: a file cut short by a crash would be taken as fresh
    const part = `${cached}.${process.pid}.part`;
    try {
      writeFileSync(part, bytes);
      renameSync(part, cached);
      written++;
    } catch {
      // (a full disk, say) no cached file: Framework runs the loader, and says in one line what stops it
      rmSync(part, { recursive: true, force: true });
      rmSync(cached, { force: true });
    }
  }
  mkdirSync(cache, { recursive: true });
  writeFileSync(stamp, fingerprint + "\n");
  return { written, removed };
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
  const synced = syncFrameworkCache(artifacts.fingerprint, artifacts.dir);
  if (synced && synced.removed)
    process.stderr.write(`segment-report: removed ${synced.removed} file(s) from Framework's loader cache\n`);
  return { fingerprint: artifacts.fingerprint, wall_ms: performance.now() - started, phases: artifacts.phases };
}
