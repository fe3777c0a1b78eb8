/**
 * The report's data, computed once per input: the pipeline runs and every page's data file is written to
 * `.segment-cache/<fingerprint>/`, stamped with a fingerprint of everything it depends on (the data file's
 * bytes, or a database source's row count and checksum; the resolved configuration; the pipeline's own source code). Data loaders in `src/data/` only print a
 * file from there (loaders/site/emit.js), so a build never publishes figures from another input. When only some
 * settings changed, the stages that do not read them are taken from `.segment-cache/stages/`
 * (pipeline/stage-cache.ts).
 */
import { createHash } from "node:crypto";
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { DEMO_DATA, PROJECT_ROOT, loadConfig, type Config } from "../config.ts";
import { dataFiles } from "../sources/folder.ts";
import { checkReadableFile } from "../paths.ts";
import { onInterrupt } from "../interrupt.ts";
import type { Model } from "../model/schema.ts";
import type { ReportPhases } from "../pipeline/index.ts";

export const CACHE_ROOT = join(PROJECT_ROOT, ".segment-cache");
/** names the folder of the artifacts the last build or data loader used (read by observablehq.config.ts) */
export const CURRENT = join(CACHE_ROOT, "CURRENT");
const STAMP = "FINGERPRINT";
/** the stage cache (pipeline/stage-cache.ts): the ingest and segmentation of the last few settings */
export const STAGES = join(CACHE_ROOT, "stages");
/** artifact folders kept for other inputs (tests and analysts switch between data sets) */
const KEEP = 4;

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? listFiles(path) : entry.isFile() && entry.name.endsWith(".ts") ? [path] : [];
    })
    .sort();
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * sha256 over the input and the code: the data (the files' bytes; for a database source, its row count and checksum
 * from `sourceChecksum`, never the connection string) and the pipeline code. What every stage's cache key starts
 * from (pipeline/stage-cache.ts).
 */
export async function inputFingerprint(config: Config): Promise<string> {
  const hash = createHash("sha256");
  if (config.source) {
    const { sourceChecksum } = await import("../sources/postgres.ts");
    hash.update(`data ${await sourceChecksum(config.source)}\n`);
  } else {
    const files = dataFiles(config);
    for (const file of files) checkReadableFile(file, describeSource(config));
    for (const file of files) hash.update(`data ${await hashFile(file)}\n`);
  }
  for (const file of listFiles(join(PROJECT_ROOT, "loaders"))) {
    hash
      .update(`${relative(PROJECT_ROOT, file)} `)
      .update(readFileSync(file))
      .update("\n");
  }
  return hash.digest("hex");
}

/**
 * sha256 over the input and code (`inputFingerprint`, computed when not given), the configuration (without where
 * it came from) and a saved model.
 */
export async function fingerprint(config: Config, model: Model | null = null, input?: string): Promise<string> {
  const hash = createHash("sha256");
  // a report built with a saved model (build --model) depends on the model, named by its content's id
  if (model) hash.update(`model ${model.model_id} ${JSON.stringify(model)}\n`);
  hash.update(`input ${input ?? (await inputFingerprint(config))}\n`);
  const { data_source: _source, config_file: _file, ...settings } = config;
  hash.update(`config ${JSON.stringify(settings)}\n`);
  return hash.digest("hex");
}

/** Where the data path came from, for messages. */
export function describeSource(config: Config): string {
  switch (config.data_source) {
    case "SEGMENT_DATA":
      return "set by SEGMENT_DATA";
    case "config":
      return `set in ${config.config_file}`;
    case "override":
      return "set on the command line";
    default:
      return "the built-in demo data; run `npm run demo` to generate it";
  }
}

/** The artifact folder for a fingerprint. */
export function artifactDir(print: string): string {
  return join(CACHE_ROOT, print.slice(0, 16));
}

/** The folder of the artifacts used last, or null. */
export function currentArtifactDir(): string | null {
  if (!existsSync(CURRENT)) return null;
  const dir = join(CACHE_ROOT, readFileSync(CURRENT, "utf8").trim());
  return existsSync(join(dir, STAMP)) ? dir : null;
}

function isComplete(dir: string, print: string): boolean {
  const stamp = join(dir, STAMP);
  return existsSync(stamp) && readFileSync(stamp, "utf8").trim() === print;
}

/** Removes all but the KEEP most recently used artifact folders. */
function prune(): void {
  const dirs = readdirSync(CACHE_ROOT, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(CACHE_ROOT, e.name, STAMP)))
    .map((e) => ({ path: join(CACHE_ROOT, e.name), used: statSync(join(CACHE_ROOT, e.name, STAMP)).mtimeMs }))
    .sort((a, b) => b.used - a.used);
  for (const { path } of dirs.slice(KEEP)) rmSync(path, { recursive: true, force: true });
}

export interface Artifacts {
  dir: string;
  fingerprint: string;
  /** true when the pipeline ran now, false when the cached artifacts were current */
  computed: boolean;
  /** the pipeline's and the page data's time, when computed */
  phases: ReportPhases;
}

/**
 * Makes sure `.segment-cache/current/` holds the page data for `config`: returns at once when its fingerprint
 * matches, else runs the pipeline and swaps the new files in whole (written to a temporary folder first, so a
 * failure leaves the previous artifacts untouched).
 */
export async function ensureArtifacts(
  config: Config = loadConfig(),
  saved: { model: Model; file: string } | null = null,
): Promise<Artifacts> {
  if (!config.source && config.data === join(PROJECT_ROOT, DEMO_DATA)) {
    const { ensureDemoData } = await import("../demo/index.ts");
    await ensureDemoData();
  }
  const input = await inputFingerprint(config);
  const print = await fingerprint(config, saved?.model ?? null, input);
  const dir = artifactDir(print);
  if (isComplete(dir, print)) {
    const now = new Date();
    utimesSync(join(dir, STAMP), now, now);
    writeFileSync(CURRENT, basename(dir) + "\n");
    return { dir, fingerprint: print, computed: false, phases: {} };
  }
  const { computeReport } = await import("../pipeline/index.ts");
  const cache = { dir: STAGES, input };
  mkdirSync(STAGES, { recursive: true });
  const phases: ReportPhases = {};
  const files = await computeReport(config, undefined, saved, cache, phases);
  const staging = join(CACHE_ROOT, `staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  const forget = onInterrupt(() => rmSync(staging, { recursive: true, force: true }));
  for (const [name, content] of Object.entries(files)) {
    const path = join(staging, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  }
  writeFileSync(join(staging, STAMP), print + "\n");
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  forget();
  writeFileSync(CURRENT, basename(dir) + "\n");
  prune();
  return { dir, fingerprint: print, computed: true, phases };
}
