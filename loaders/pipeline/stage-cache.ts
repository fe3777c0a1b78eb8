/**
 * The build's cache of stage results (`.segment-cache/stages/`), so that a change of a setting recomputes only
 * the stages that read it. A stage's result is stored under a key made of what it depends on and nothing else:
 * - ingest (read, clean, features): the input's fingerprint (the data files' bytes and the pipeline's code, as
 *   the report data's fingerprint: site/artifacts.ts), the settings of the sections ingest reads
 *   (INGEST_SETTINGS: the source settings, the revenue basis, `cleaning`), where they came from (messages name
 *   it) and the plausible-date window as resolved today (its end defaults to tomorrow);
 * - segmentation (RFM, clustering for every k, the choice of k, validation): the ingest key and the `rfm` and
 *   `clustering` sections, the only settings `segmentCustomers` is given;
 * - the k search and bootstrap stabilities inside it (segment.ts SearchMemo): the same without `clustering.k`, so
 *   a change of k alone refits nothing but the method comparison at the new k;
 * - the stages after the segmentation (customer value, the saved model, cohorts and migration): the segmentation's
 *   key and the settings they read besides (LATER_SETTINGS: `value` and `migration`, and `report.currency`),
 *   so that a change of another report setting (a title, a label) takes them back;
 * - the report's tables (the page data's aggregates in the database, report/context.ts `reportTables`): the ingest
 *   key and what they read besides the ingest (`reportTablesInput`: every k's clusters, the RFM segments, the
 *   products.csv beside the data), so that a change of k or of a label recomputes only the pages' own work.
 * The ingest entry holds the DuckDB tables (a DuckDB file) and the rest of the result (node:v8 serialisation:
 * numbers to the bit); the segmentation entry, its result. Each entry is written to a staging folder and renamed
 * into place whole; only the KEEP most recently used entries of each stage are kept, and only folders this module
 * wrote (they hold its STAMP file) are ever removed. The cache holds customer-level data: it stays in
 * `.segment-cache/` beside the report data and is never published.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync } from "node:fs";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import type { Config } from "../config.ts";
import { revenueSettings } from "../clean/settings.ts";
import { resolveDateWindow } from "../clean/rules.ts";
import { sourceSettings } from "../sources/settings.ts";
import { duckdbDatabase, openDatabase } from "../db/database.ts";
import { onInterrupt } from "../interrupt.ts";
import { closeOnce } from "./close.ts";
import type { IngestOptions, IngestResult } from "./ingest-result.ts";
import type { SearchResult } from "../cluster/search.ts";
import type { StabilityResult } from "../cluster/stability.ts";
import { removeLeftovers } from "../processes.ts";

/** The top-level settings ingest reads: every source setting, the revenue basis and the cleaning section. */
export const INGEST_SETTINGS = [
  ...(Object.keys(sourceSettings) as (keyof typeof sourceSettings)[]),
  ...(Object.keys(revenueSettings) as (keyof typeof revenueSettings)[]),
  "cleaning",
] as const satisfies readonly (keyof Config)[];

/** Where the settings came from: named in ingest's messages and recognised block. */
export const INGEST_ORIGIN = ["config_file", "data_source"] as const satisfies readonly (keyof Config)[];

/** The top-level settings the segmentation reads (segmentCustomers is given these two sections only). */
export const SEGMENT_SETTINGS = ["rfm", "clustering"] as const satisfies readonly (keyof Config)[];

/**
 * The top-level settings the stages after the segmentation read besides ingest's and the segmentation's: the value
 * models and the migration's earlier date; of the report's settings they read only `report.currency` (the
 * migration's narrative), which is in their key as well. (`drift` is read by runs under a saved model, which the
 * cache does not keep, and by the report.)
 */
export const LATER_SETTINGS = ["value", "migration"] as const satisfies readonly (keyof Config)[];

/** Entries kept per stage (the last few settings an analyst tried, or data sets tests switch between). */
export const KEEP = 3;
const STAMP = "STAGE-KEY";
const RESULT = "result.bin";
const TABLES = "tables.duckdb";

export interface StageCache {
  /** the folder of the entries (`.segment-cache/stages`) */
  dir: string;
  /** sha256 of the input (data files' bytes or a database's checksum) and of the pipeline's code */
  input: string;
}

/** The stages kept, by the name their entries' folders start with. */
const STAGES = ["ingest", "segment", "search", "later", "report"] as const;
export type StageName = (typeof STAGES)[number];

/** JSON with object keys sorted: the same settings give the same text whatever order they were written in. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

const sha256 = (...parts: string[]) => {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part).update("\n");
  return hash.digest("hex");
};

/** The key of the ingest's result: the input, the settings ingest reads, where they came from, today's window. */
export function ingestKey(config: Config, input: string, today: Date): string {
  const settings = Object.fromEntries([...INGEST_SETTINGS, ...INGEST_ORIGIN].map((name) => [name, config[name]]));
  const window = resolveDateWindow(config.plausible_dates, today);
  return sha256("ingest", input, stableJson(settings), stableJson(window));
}

/** The key of the segmentation's result: the ingest it segments and the rfm and clustering settings. */
export function segmentKey(ingest: string, config: Config): string {
  const settings = Object.fromEntries(SEGMENT_SETTINGS.map((name) => [name, config[name]]));
  return sha256("segment", ingest, stableJson(settings));
}

/**
 * The key of the k search and the bootstrap stabilities: as the segmentation's, without `clustering.k` (neither
 * reads it), so that a change of k alone takes them back (segment.ts SearchMemo).
 */
export function searchKey(ingest: string, config: Config): string {
  const { k: _k, ...clustering } = config.clustering;
  return sha256("search", ingest, stableJson({ rfm: config.rfm, clustering }));
}

/** The key of the stages after the segmentation: the segmentation they read and the later stages' settings. */
export function laterKey(segment: string, config: Config): string {
  const settings = Object.fromEntries(LATER_SETTINGS.map((name) => [name, config[name]]));
  return sha256("later", segment, stableJson({ ...settings, currency: config.report.currency }));
}

/** The key of the report's tables: the ingest they are computed on and the text of what else they read. */
export function reportKey(ingest: string, input: string): string {
  return sha256("report", ingest, input);
}

const entryDir = (cache: StageCache, stage: StageName, key: string) => join(cache.dir, `${stage}-${key.slice(0, 16)}`);

/** The entry's folder when it holds a complete entry for `key` (its use is recorded), else null. */
function hit(cache: StageCache, stage: StageName, key: string): string | null {
  const dir = entryDir(cache, stage, key);
  const stamp = join(dir, STAMP);
  if (!existsSync(stamp) || readFileSync(stamp, "utf8").trim() !== key) return null;
  const now = new Date();
  utimesSync(stamp, now, now);
  return dir;
}

/** Writes an entry: `fill` writes into a staging folder, which is renamed into place whole; then old entries go. */
async function store(
  cache: StageCache,
  stage: StageName,
  key: string,
  fill: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = entryDir(cache, stage, key);
  const staging = join(cache.dir, `.staging-${stage}-${process.pid}`);
  const discard = () => rmSync(staging, { recursive: true, force: true });
  discard();
  mkdirSync(staging, { recursive: true });
  const forget = onInterrupt(discard);
  try {
    await fill(staging);
    writeFileSync(join(staging, STAMP), key + "\n");
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } finally {
    discard();
    forget();
  }
  prune(cache, stage);
}

/**
 * Removes all but the KEEP most recently used entries of `stage` (only folders holding this module's STAMP), and
 * the staging folders of processes that are gone (killed outright before they could clean up).
 */
export function prune(cache: StageCache, stage: StageName): void {
  removeLeftovers(cache.dir, new RegExp(`^\\.staging-(?:${STAGES.join("|")})-(\\d+)$`));
  const entries = readdirSync(cache.dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name.startsWith(`${stage}-`) && existsSync(join(cache.dir, e.name, STAMP)))
    .map((e) => ({ path: join(cache.dir, e.name), used: statSync(join(cache.dir, e.name, STAMP)).mtimeMs }))
    .sort((a, b) => b.used - a.used || (a.path < b.path ? -1 : 1));
  for (const { path } of entries.slice(KEEP)) rmSync(path, { recursive: true, force: true });
}

/** The entries present, by stage (for tests and the bench). */
export function entries(cache: StageCache): string[] {
  if (!existsSync(cache.dir)) return [];
  return readdirSync(cache.dir)
    .filter((name) => existsSync(join(cache.dir, name, STAMP)))
    .sort();
}

/** The parts of an ingest result that are not the open database, its handles or this run's settings and times. */
type StoredIngest = Omit<IngestResult, "db" | "conn" | "config" | "timings" | "cpu_ms" | "close" | "line_table">;

/** Whether the ingest result can be stored: transaction lines read into DuckDB (not a database source). */
export function storable(result: IngestResult): boolean {
  return result.conn !== null && result.customer_table === undefined;
}

const sqlPath = (path: string) => `'${path.replaceAll("'", "''")}'`;

/** Stores an ingest result: its DuckDB database copied into a file, the rest serialised. */
export async function saveIngest(cache: StageCache, key: string, result: IngestResult): Promise<void> {
  const conn = result.conn;
  if (!conn || !storable(result)) return;
  const {
    db: _db,
    conn: _conn,
    config: _config,
    timings: _t,
    cpu_ms: _c,
    close: _close,
    line_table: _l,
    ...rest
  } = result;
  const stored: StoredIngest = rest;
  await store(cache, "ingest", key, async (dir) => {
    const catalog = await currentCatalog(result.db);
    await conn.run(`ATTACH ${sqlPath(join(dir, TABLES))} AS stage_cache_out`);
    try {
      await conn.run(`COPY FROM DATABASE ${catalog} TO stage_cache_out`);
    } finally {
      await conn.run("DETACH stage_cache_out");
    }
    writeFileSync(join(dir, RESULT), serialize(stored));
  });
}

/** The database's own catalog, quoted for SQL. */
async function currentCatalog(db: IngestResult["db"]): Promise<string> {
  const [row] = await db.query<{ name: string }>("SELECT current_database() AS name");
  return `"${row.name.replaceAll('"', '""')}"`;
}

/**
 * The stored ingest for `key`, its tables copied into a new in-memory DuckDB database, or null when there is
 * none. The recognised block goes to `options.onRecognised`, as a fresh ingest sends it.
 */
export async function loadIngest(
  cache: StageCache,
  key: string,
  config: Config,
  options: IngestOptions = {},
): Promise<IngestResult | null> {
  const dir = hit(cache, "ingest", key);
  if (!dir) return null;
  const started = performance.now();
  const stored = deserialize(readFileSync(join(dir, RESULT))) as StoredIngest;
  const { instance, conn } = await openDatabase();
  const db = duckdbDatabase(instance, conn);
  try {
    const catalog = await currentCatalog(db);
    await conn.run(`ATTACH ${sqlPath(join(dir, TABLES))} AS stage_cache_in (READ_ONLY)`);
    try {
      await conn.run(`COPY FROM DATABASE stage_cache_in TO ${catalog}`);
    } finally {
      await conn.run("DETACH stage_cache_in");
    }
  } catch (error) {
    await db.close();
    throw error;
  }
  options.onRecognised?.(stored.recognised);
  return {
    ...stored,
    db,
    conn,
    config,
    ...(config.tables === null ? { line_table: { instance } } : {}),
    timings: { cached: Math.round(performance.now() - started) },
    close: closeOnce(() => db.close()),
  };
}

/** The stages whose whole result is one serialised value (the ingest and the k search keep more files). */
type ResultStage = Exclude<StageName, "ingest" | "search">;

/**
 * The stored result of `stage` for `key` (node:v8 serialisation: maps, typed arrays and numbers to the bit), or
 * null: the segmentation, the stages after it, or the report's tables.
 */
export function loadResult<T>(cache: StageCache, stage: ResultStage, key: string): T | null {
  const dir = hit(cache, stage, key);
  return dir ? (deserialize(readFileSync(join(dir, RESULT))) as T) : null;
}

/** Stores the result of `stage` (see loadResult). */
export async function saveResult(cache: StageCache, stage: ResultStage, key: string, result: unknown): Promise<void> {
  await store(cache, stage, key, async (dir) => writeFileSync(join(dir, RESULT), serialize(result)));
}

const SEARCH = "search.bin";
const STABILITIES = "stabilities.bin";

/** The stored k search (its bytes, and the search) and stabilities for `key`, or null. */
export function loadSearch(
  cache: StageCache,
  key: string,
): { bytes: Buffer; search: SearchResult; stabilities: Map<number, StabilityResult> } | null {
  const dir = hit(cache, "search", key);
  if (!dir) return null;
  const bytes = readFileSync(join(dir, SEARCH));
  return {
    bytes,
    search: deserialize(bytes) as SearchResult,
    stabilities: deserialize(readFileSync(join(dir, STABILITIES))) as Map<number, StabilityResult>,
  };
}

/** Stores the k search (as serialised when it was computed) and the stabilities measured so far. */
export async function saveSearch(
  cache: StageCache,
  key: string,
  search: Buffer,
  stabilities: Map<number, StabilityResult>,
): Promise<void> {
  await store(cache, "search", key, async (dir) => {
    writeFileSync(join(dir, SEARCH), search);
    writeFileSync(join(dir, STABILITIES), serialize(stabilities));
  });
}

/** A search serialised as it is now (before the rest of the segmentation reads it). */
export const snapshot = (search: SearchResult): Buffer => serialize(search);
