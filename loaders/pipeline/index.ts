/**
 * The one orchestrator. `analyse` runs the stages in order — source -> clean -> features (pipeline/ingest.ts) ->
 * RFM -> clustering for every k -> choice of k -> validation (pipeline/segment.ts) -> customer value, when the data
 * has dated transactions (pipeline/value.ts, loaders/value/) -> the saved model (loaders/model/) -> cohorts and
 * migration (pipeline/time.ts, loaders/time/) — and both outputs start from it: `runPipeline` (the CLI:
 * customers.csv, summary.json, model.json, timings.json) and `computeReport` (the build: one data file per page). Nothing is written unless every stage succeeded.
 */
import { searchThreads } from "../cluster/pool.ts";
import { statementTraffic, trafficTotals } from "../db/traffic.ts";
import { PROJECT_ROOT, type Config } from "../config.ts";
import { dataFiles } from "../sources/folder.ts";
import { checkReadableFile } from "../paths.ts";
import {
  checkOutputDir,
  customersCsvChunks,
  customerTableColumns,
  ingestSummary,
  OUTPUT_FILES,
  writeOutputs,
  type FileContent,
  type IngestSummary,
} from "../output/files.ts";
import { buildModel } from "../model/build.ts";
import type { Model } from "../model/schema.ts";
import { buildPageData } from "../report/page-data.ts";
import { reportTables, reportTablesInput, type ReportTables } from "../report/context.ts";
import { reportDynamicPaths } from "../report/slug.ts";
import { ingest, type IngestResult } from "./ingest.ts";
import {
  ingestKey,
  laterKey,
  loadIngest,
  loadResult,
  loadSearch,
  reportKey,
  saveIngest,
  saveResult,
  saveSearch,
  searchKey,
  segmentKey,
  snapshot,
  storable,
  type StageCache,
} from "./stage-cache.ts";
import { cpuMs, progressPrinter, stepProgress } from "./progress.ts";
import { segmentCustomers, summaryJson, type SearchMemo } from "./segment.ts";
import { analyseTime, type TimeAnalysis } from "./time.ts";
import type { Cohort, CohortAnalysis } from "../time/cohorts.ts";
import type { Migration } from "../time/migration.ts";
import type { SegmentationResult, SegmentationSummary } from "./types.ts";
import type { ValueResult, ValueSummary } from "../value/index.ts";
import { valueColumns, valueInput, valueStage, valueUnavailable } from "./value.ts";
import { checkModelInputs, savedModelReport, segmentWithModel, type SavedModelReport } from "./saved.ts";
import { notFitted } from "../value/index.ts";
import { valueFromSaved } from "../value/saved-apply.ts";

/** The analysed data: the ingest (with its open database: DuckDB, or the PostgreSQL source) and the segmentation. */
export interface Analysis {
  ingest: IngestResult;
  segmentation: SegmentationResult;
  /** customer value (status "not_fitted" with the reason when the data cannot carry it) */
  value: ValueResult;
  /** the saved model of the segmentation, and how many training customers scoring it would place elsewhere */
  model: Model;
  model_mismatches: { segment: number; rfm_segment: number };
  /** cohorts and migration */
  time: TimeAnalysis;
  /** the saved model the run used instead of a fit (build --model), with the drift; null for a fit */
  saved: SavedModelReport | null;
  /** milliseconds per stage */
  timings: Record<string, unknown>;
  /** the stage cache's key of the ingest (null without a cache, or under a saved model) */
  ingest_key?: string | null;
  /** closes the database (again: no effect) */
  close(): Promise<void>;
}

/**
 * What a run computes. `segmentsOnly`: the segmentation alone (read, clean, features, RFM, clustering for every k
 * with its metrics, profiles and names, the choice of k): no bootstrap stability (the k rule then goes by the
 * silhouette and the elbow), no method comparison, no customer value, no cohorts or migration. The job
 * `reference_pipeline.py` does, for `npm run bench -- --reference-job`, and a quick look for an analyst.
 */
export interface AnalyseOptions {
  segmentsOnly?: boolean;
  /** a saved model to segment with instead of fitting (`npm run build -- --model`) */
  saved?: { model: Model; file: string } | null;
  /**
   * the build's stage cache (pipeline/stage-cache.ts): the ingest and the segmentation are taken from it when
   * the input and the settings they read are unchanged, and stored in it otherwise
   */
  cache?: StageCache | null;
}

/** The configuration a segments-only run uses: no bootstrap stability, no method comparison, no migration. */
export function segmentsOnlyConfig(config: Config): Config {
  return {
    ...config,
    clustering: { ...config.clustering, bootstrap_runs: 0, methods: { ...config.clustering.methods, compare: false } },
    migration: { ...config.migration, when: "never" },
  };
}

/** Why a segments-only run has no value or migration figures. */
export const SEGMENTS_ONLY_NOTE = "left out: the run was segments only (--segments-only)";

/** Writes to stderr: where the recognised-input block goes by default. */
const toStderr = (text: string) => {
  process.stderr.write(text);
};

/**
 * Runs every analysis stage on `config.data`; InputError (database closed) on bad input. The recognised-input
 * block goes to `log` once the file is read.
 */
export async function analyse(
  config: Config,
  log: (text: string) => void = toStderr,
  options: AnalyseOptions = {},
): Promise<Analysis> {
  if (options.segmentsOnly) config = segmentsOnlyConfig(config);
  searchThreads(); // a bad SEGMENT_THREADS stops the run before the data are read
  const cpuStart = cpuMs();
  const cache = options.cache ?? null;
  const today = new Date();
  const keyOfIngest = cache ? ingestKey(config, cache.input, today) : null;
  let ingested =
    cache && keyOfIngest
      ? await cacheRead(log, "the cleaned lines", () => loadIngest(cache, keyOfIngest, config, { onRecognised: log }))
      : null;
  if (!ingested) {
    ingested = await ingest(config, { onRecognised: log, today });
    if (cache && keyOfIngest && storable(ingested))
      await cacheWrite(log, "the cleaned lines", () => saveIngest(cache, keyOfIngest, ingested!));
  }
  if (options.saved) return analyseWithModel(ingested, config, options.saved);
  try {
    const started = performance.now();
    const cpuIngested = cpuMs();
    const keyOfSegmentation = cache && keyOfIngest ? segmentKey(keyOfIngest, config) : null;
    let segmentation =
      cache && keyOfSegmentation
        ? await cacheRead(log, "the segmentation", async () =>
            loadResult<SegmentationResult>(cache, "segment", keyOfSegmentation),
          )
        : null;
    if (!segmentation) {
      const keyOfSearch = cache && keyOfIngest ? searchKey(keyOfIngest, config) : null;
      const stored =
        cache && keyOfSearch ? await cacheRead(log, "the k search", async () => loadSearch(cache, keyOfSearch)) : null;
      let searched: Buffer | null = stored?.bytes ?? null;
      const memo: SearchMemo = {
        ...(stored ? { search: stored.search, stabilities: stored.stabilities } : {}),
        ...(cache ? { onSearch: (search) => (searched = snapshot(search)) } : {}),
      };
      segmentation = await segmentCustomers(
        ingested.customers,
        config.rfm,
        config.clustering,
        progressPrinter("segment"),
        memo,
      );
      const done = segmentation;
      if (cache && keyOfSegmentation)
        await cacheWrite(log, "the segmentation", () => saveResult(cache, "segment", keyOfSegmentation, done));
      const bytes = searched;
      if (cache && keyOfSearch && bytes && memo.stabilities)
        await cacheWrite(log, "the k search", () => saveSearch(cache, keyOfSearch, bytes, memo.stabilities!));
    }
    const segmented = performance.now();
    const cpuSegmented = cpuMs();
    // value, model and time: taken back when neither the segmentation nor their own settings changed (a change of
    // a report setting)
    const keyOfLater = cache && keyOfSegmentation && !options.segmentsOnly ? laterKey(keyOfSegmentation, config) : null;
    const storedLater =
      cache && keyOfLater
        ? await cacheRead(log, "the value, model and time figures", async () =>
            loadResult<Later>(cache, "later", keyOfLater),
          )
        : null;
    const { later, valued, cpuValued } = storedLater
      ? { later: storedLater, valued: segmented, cpuValued: cpuSegmented }
      : await laterStages(ingested, segmentation, config, log, options);
    if (storedLater) warnMismatches(log, storedLater.mismatches);
    else if (cache && keyOfLater)
      await cacheWrite(log, "the value, model and time figures", () => saveResult(cache, "later", keyOfLater, later));
    const { value, model, mismatches, time } = later;
    const timings = {
      ...ingested.timings,
      segment: Math.round(segmented - started),
      segment_stages: segmentation.timings,
      value: Math.round(valued - segmented),
      value_stages: storedLater ? { cached: true } : value.timings,
      model_and_time: Math.round(performance.now() - valued),
      // CPU time (user + system, DuckDB's threads included): on a shared machine the steadier figure
      cpu_ms: {
        ...ingested.cpu_ms,
        ingest: Math.round(cpuIngested - cpuStart),
        segment: Math.round(cpuSegmented - cpuIngested),
        value: Math.round(cpuValued - cpuSegmented),
        model_and_time: Math.round(cpuMs() - cpuValued),
        process: Math.round(cpuMs()),
      },
      // the keys before cpu_ms, kept for the scripts that read them: the value stage's CPU and the analysis's
      value_cpu: Math.round(cpuValued - cpuSegmented),
      analyse_cpu: Math.round(cpuMs() - cpuStart),
    };
    return {
      ingest: ingested,
      segmentation,
      value,
      model,
      model_mismatches: mismatches,
      time,
      saved: null,
      timings,
      ingest_key: keyOfIngest,
      close: ingested.close,
    };
  } catch (error) {
    await ingested.close();
    throw error;
  }
}

/** What the stages after the segmentation give (the stage cache keeps them together). */
interface Later {
  value: ValueResult;
  model: Model;
  mismatches: { segment: number; rfm_segment: number };
  time: TimeAnalysis;
}

/** Says when scoring the training data with the saved model places customers elsewhere than the fit. */
function warnMismatches(log: (text: string) => void, { segment, rfm_segment }: Later["mismatches"]): void {
  if (segment || rfm_segment)
    log(
      `segment-report: warning: scoring the training data with model.json places ${segment} customer(s) in another segment and ${rfm_segment} in another RFM segment than the fit\n`,
    );
}

/**
 * Value, the saved model, cohorts and migration on a segmentation (none of them under `segmentsOnly`), with when
 * the value stage ended (wall and CPU ms), for the timings.
 */
async function laterStages(
  ingested: IngestResult,
  segmentation: SegmentationResult,
  config: Config,
  log: (text: string) => void,
  options: AnalyseOptions,
): Promise<{ later: Later; valued: number; cpuValued: number }> {
  const value = options.segmentsOnly
    ? notFitted(config.value, SEGMENTS_ONLY_NOTE)
    : await valueStage(ingested, segmentation, config, stepProgress("value"));
  const [valued, cpuValued] = [performance.now(), cpuMs()];
  // the value models' parameters travel with the segmentation (null when they were not fitted)
  const { model, mismatches } = buildModel(ingested, segmentation, config, value.model);
  warnMismatches(log, mismatches);
  const time: TimeAnalysis = options.segmentsOnly
    ? { cohorts: null, cells: null, migration: null, migration_note: SEGMENTS_ONLY_NOTE }
    : await analyseTime(ingested, segmentation.customers, model, config, stepProgress("time"));
  return { later: { value, model, mismatches, time }, valued, cpuValued };
}

/** Stores a stage's result; a failure to store (a full disk) is a warning, not the end of the run. */
async function cacheWrite(log: (text: string) => void, what: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    log(
      `segment-report: warning: could not keep ${what} in .segment-cache/stages (${(error as Error).message.split("\n")[0]}); the next build computes them again\n`,
    );
  }
}

/**
 * Reads a stage's stored result; one that cannot be read (written by another DuckDB version, damaged) is a warning
 * and the stage runs again.
 */
async function cacheRead<T>(
  log: (text: string) => void,
  what: string,
  read: () => Promise<T | null>,
): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    log(
      `segment-report: warning: could not read ${what} kept in .segment-cache/stages (${(error as Error).message.split("\n")[0]}); computing them again\n`,
    );
    return null;
  }
}

/** `analyse` under a saved model: nothing refitted (pipeline/saved.ts); the value figures from its parameters. */
async function analyseWithModel(
  ingested: IngestResult,
  config: Config,
  saved: { model: Model; file: string },
): Promise<Analysis> {
  try {
    const { model } = saved;
    const started = performance.now();
    checkModelInputs(model, config.data, ingested.input_columns, ingested.customers);
    const segmentation = segmentWithModel(ingested.customers, model, config);
    const segmented = performance.now();
    const why = valueUnavailable(ingested);
    let value;
    if (why) value = notFitted(config.value, why);
    else if (!model.value)
      value = notFitted(
        config.value,
        `the saved model ${model.model_id} has no value parameters (its training data could not carry the value models); refit to get them`,
      );
    else {
      value = valueFromSaved(
        await valueInput(ingested, segmentation, config),
        model.value,
        config.value,
        model.model_id,
      );
    }
    const valued = performance.now();
    const time = await analyseTime(ingested, segmentation.customers, model, config);
    return {
      ingest: ingested,
      segmentation,
      value,
      model,
      model_mismatches: { segment: 0, rfm_segment: 0 },
      time,
      saved: savedModelReport(model, saved.file, ingested.customers, config),
      timings: {
        ...ingested.timings,
        segment: Math.round(segmented - started),
        value: Math.round(valued - segmented),
        model_and_time: Math.round(performance.now() - valued),
      },
      close: ingested.close,
    };
  } catch (error) {
    await ingested.close();
    throw error;
  }
}

export interface PipelineResult {
  ingest: IngestResult;
  segmentation: SegmentationResult;
  value: ValueResult;
  summary: PipelineSummary;
  /** the saved model (model.json) */
  model: Model;
  /** paths written */
  files: string[];
}

/**
 * summary.json: the ingest summary, the segmentation's (every k, profiles, RFM segments, validation), the value
 * stage's, the model, cohorts and migration.
 */
export type PipelineSummary = Omit<IngestSummary, "timings"> &
  Omit<SegmentationSummary, "timings"> & {
    value: ValueSummary;
    model: {
      file: "model.json";
      model_id: string;
      version: number;
      scoring_mismatches: { segment: number; rfm_segment: number };
    };
    /** monthly acquisition cohorts (empty for a customer-level table) */
    cohorts: Cohort[];
    cohort_notes: Omit<CohortAnalysis, "cohorts"> | null;
    migration: Migration | null;
    migration_note: string | null;
  };

/** The summary of a run; deterministic (the wall-clock timings go to timings.json). */
export function pipelineSummary(
  analysis: Pick<Analysis, "ingest" | "segmentation" | "value" | "model" | "model_mismatches" | "time">,
): PipelineSummary {
  const { timings: _ingestTimings, ...ingestPart } = ingestSummary(analysis.ingest);
  const { timings: _segmentTimings, ...segmentPart } = summaryJson(analysis.segmentation);
  const { cohorts = [], ...cohortNotes } = analysis.time.cohorts ?? {};
  return {
    ...ingestPart,
    ...segmentPart,
    value: analysis.value.summary,
    model: {
      file: "model.json",
      model_id: analysis.model.model_id,
      version: analysis.model.version,
      scoring_mismatches: analysis.model_mismatches,
    },
    cohorts,
    cohort_notes: analysis.time.cohorts ? (cohortNotes as Omit<CohortAnalysis, "cohorts">) : null,
    migration: analysis.time.migration,
    migration_note: analysis.time.migration_note,
  };
}

/**
 * What a database source sent this process since statement `from` (db/traffic.ts), for timings.json: the totals,
 * and each statement's rows and bytes (its text cut to 100 characters). Nothing for files.
 */
function databaseTimings(from: number) {
  const totals = trafficTotals(from);
  if (!totals) return {};
  const statements = statementTraffic()
    .slice(from)
    .map((s) => ({ sql: s.sql.slice(0, 100), rows: s.rows, bytes_received: s.bytes_received, ms: Math.round(s.ms) }));
  return { database: totals, database_statements: statements };
}

/**
 * `npm run pipeline`: analyses `config.data` and writes `out/customers.csv`, `out/summary.json` and
 * `out/timings.json` (milliseconds per stage). The recognised-input block goes to `options.log` (default stderr).
 * Throws an InputError (nothing written) on bad input. The DuckDB connection is closed before returning unless
 * `keepOpen`.
 */
export async function runPipeline(
  config: Config,
  out: string,
  options: { keepOpen?: boolean; log?: (text: string) => void; cwd?: string } & AnalyseOptions = {},
): Promise<PipelineResult> {
  const inputs = [...(config.source ? [] : [config.data]), ...(config.config_file ? [config.config_file] : [])];
  if (!config.source) for (const file of dataFiles(config)) checkReadableFile(file);
  checkOutputDir(out, OUTPUT_FILES, inputs, { cwd: options.cwd, project: PROJECT_ROOT });
  const sent = statementTraffic().length;
  const analysis = await analyse(config, options.log, { segmentsOnly: options.segmentsOnly });
  try {
    const { ingest: ingested, segmentation, value, model } = analysis;
    const database = databaseTimings(sent);
    const summary = pipelineSummary(analysis);
    const outputs: Record<string, FileContent> = {
      // without transaction lines a customer is a row of the table: its own clustering columns, no line features
      "customers.csv": !ingested.capabilities.has.transactions
        ? customersCsvChunks(
            ingested.customers,
            segmentation.customers,
            undefined,
            customerTableColumns(Object.keys(ingested.customers[0]?.extra ?? {})),
          )
        : customersCsvChunks(ingested.customers, segmentation.customers, undefined, undefined, valueColumns(value)),
      "summary.json": `${JSON.stringify(summary, null, 2)}\n`,
      "timings.json": `${JSON.stringify({ ...analysis.timings, ...database }, null, 2)}\n`,
      "model.json": `${JSON.stringify(model, null, 2)}\n`,
    };
    const files = writeOutputs(out, outputs);
    return { ingest: ingested, segmentation, value, summary, model, files };
  } finally {
    if (!options.keepOpen) await analysis.close();
  }
}

/** Wall and CPU time (this process, every thread) of computeReport's two parts, for the build's time line. */
export interface ReportPhases {
  pipeline?: { wall_ms: number; cpu_ms: number };
  page_data?: { wall_ms: number; cpu_ms: number };
}

/**
 * `npm run build`: analyses `config.data` and returns every page's data file by name, plus `segment-paths.json`,
 * the per-segment pages Framework must render (read by observablehq.config.ts), `capabilities.json`, what the data
 * holds (the navigation leaves out the pages it cannot fill), and `recognised.txt`, the recognised-input block
 * (printed again when a build reuses the data).
 */
export async function computeReport(
  config: Config,
  log: (text: string) => void = toStderr,
  saved: { model: Model; file: string } | null = null,
  cache: StageCache | null = null,
  phases?: ReportPhases,
): Promise<Record<string, unknown>> {
  let wall = performance.now();
  let cpu = cpuMs();
  const analysis = await analyse(config, log, { saved, cache });
  if (phases) phases.pipeline = { wall_ms: performance.now() - wall, cpu_ms: cpuMs() - cpu };
  [wall, cpu] = [performance.now(), cpuMs()];
  try {
    const { ingest: ingested, segmentation, value } = analysis;
    // the report's tables are kept in the stage cache: a change of k or of a label computes only the pages' part
    const keyOfReport =
      cache && analysis.ingest_key
        ? reportKey(analysis.ingest_key, reportTablesInput(ingested, segmentation, config))
        : null;
    // (the database on all its threads: every float sum is ordered, db/dialect.ts, and every ranking a total order)
    let tables =
      cache && keyOfReport
        ? await cacheRead(log, "the report's tables", async () =>
            loadResult<ReportTables>(cache, "report", keyOfReport),
          )
        : null;
    if (!tables) {
      const computed = await reportTables(ingested, segmentation, config);
      if (cache && keyOfReport)
        await cacheWrite(log, "the report's tables", () => saveResult(cache, "report", keyOfReport, computed));
      tables = computed;
    }
    const files = await buildPageData(
      ingested,
      segmentation,
      config,
      value,
      { analysis: analysis.time, model: analysis.model, saved: analysis.saved },
      tables,
    );
    files["segment-paths.json"] = reportDynamicPaths(
      segmentation.clusters.map((cluster) => cluster.name),
      config.report.publish_customer_list,
    );
    files["recognised.txt"] = ingested.recognised;
    if (phases) phases.page_data = { wall_ms: performance.now() - wall, cpu_ms: cpuMs() - cpu };
    return files;
  } finally {
    await analysis.close();
  }
}
