/** Keeps Framework's loader cache in step with the report data (Framework's build reuses any cached file). */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ensureArtifacts } from "./artifacts.ts";
import { postgresSourceName } from "../sources/postgres.ts";
import { PROJECT_ROOT, loadConfig, type Config } from "../config.ts";
import type { Model } from "../model/schema.ts";

const FRAMEWORK_CACHE = join(PROJECT_ROOT, "src", ".observablehq", "cache");
const CACHE_STAMP = join(FRAMEWORK_CACHE, "segment-report.fingerprint");

/** Removes Framework's cached loader output unless it was made from the artifacts with this fingerprint. */
export function syncFrameworkCache(fingerprint: string): boolean {
  const current = existsSync(CACHE_STAMP) ? readFileSync(CACHE_STAMP, "utf8").trim() : null;
  if (current === fingerprint) return false;
  rmSync(join(FRAMEWORK_CACHE, "data"), { recursive: true, force: true });
  mkdirSync(FRAMEWORK_CACHE, { recursive: true });
  writeFileSync(CACHE_STAMP, fingerprint + "\n");
  return true;
}

/** Prepares the report data and Framework's cache; shared by `build` and `dev`. */
export async function prepare(
  options: { config?: Config; saved?: { model: Model; file: string } | null } = {},
): Promise<string> {
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
  if (syncFrameworkCache(artifacts.fingerprint))
    process.stderr.write("segment-report: cleared Framework's loader cache\n");
  return artifacts.fingerprint;
}
