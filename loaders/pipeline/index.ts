/**
 * The one orchestrator. `analyse` runs the stages in order — source -> clean -> features (pipeline/ingest.ts) ->
 * RFM -> clustering for every k -> choice of k -> validation (pipeline/segment.ts) — and both outputs start from
 * it: `runPipeline` (the CLI: customers.csv, summary.json, timings.json) and `computeReport` (the build: one data
 * file per page). Nothing is written unless every stage succeeded.
 */
import { dataFiles, PROJECT_ROOT, type Config } from "../config.ts";
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
import { buildPageData } from "../report/page-data.ts";
import { reportDynamicPaths } from "../report/slug.ts";
import { ingest, type IngestResult } from "./ingest.ts";
import { progressPrinter } from "./progress.ts";
import { segmentCustomers, summaryJson } from "./segment.ts";
import type { SegmentationResult, SegmentationSummary } from "./types.ts";

/** The analysed data: the ingest (with its open database: DuckDB, or the PostgreSQL source) and the segmentation. */
export interface Analysis {
  ingest: IngestResult;
  segmentation: SegmentationResult;
  /** milliseconds per stage */
  timings: Record<string, unknown>;
  /** closes the database (again: no effect) */
  close(): Promise<void>;
}

/** Writes to stderr: where the recognised-input block goes by default. */
const toStderr = (text: string) => {
  process.stderr.write(text);
};

/**
 * Runs every analysis stage on `config.data`; InputError (database closed) on bad input. The recognised-input
 * block goes to `log` once the file is read.
 */
export async function analyse(config: Config, log: (text: string) => void = toStderr): Promise<Analysis> {
  const ingested = await ingest(config, { onRecognised: log });
  try {
    const started = performance.now();
    const segmentation = segmentCustomers(
      ingested.customers,
      config.rfm,
      config.clustering,
      progressPrinter("segment"),
    );
    const timings = {
      ...ingested.timings,
      segment: Math.round(performance.now() - started),
      segment_stages: segmentation.timings,
    };
    return { ingest: ingested, segmentation, timings, close: ingested.close };
  } catch (error) {
    await ingested.close();
    throw error;
  }
}

export interface PipelineResult {
  ingest: IngestResult;
  segmentation: SegmentationResult;
  summary: PipelineSummary;
  /** paths written */
  files: string[];
}

/** summary.json: the ingest summary and the segmentation's (every k, profiles, RFM segments, validation). */
export type PipelineSummary = Omit<IngestSummary, "timings"> & Omit<SegmentationSummary, "timings">;

/** The summary of a run; deterministic (the wall-clock timings go to timings.json). */
export function pipelineSummary(ingested: IngestResult, segmentation: SegmentationResult): PipelineSummary {
  const { timings: _ingestTimings, ...ingestPart } = ingestSummary(ingested);
  const { timings: _segmentTimings, ...segmentPart } = summaryJson(segmentation);
  return { ...ingestPart, ...segmentPart };
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
  options: { keepOpen?: boolean; log?: (text: string) => void; cwd?: string } = {},
): Promise<PipelineResult> {
  const inputs = [...(config.source ? [] : [config.data]), ...(config.config_file ? [config.config_file] : [])];
  if (!config.source) for (const file of dataFiles(config)) checkReadableFile(file);
  checkOutputDir(out, OUTPUT_FILES, inputs, { cwd: options.cwd, project: PROJECT_ROOT });
  const analysis = await analyse(config, options.log);
  try {
    const { ingest: ingested, segmentation } = analysis;
    const summary = pipelineSummary(ingested, segmentation);
    const outputs: Record<string, FileContent> = {
      "customers.csv": ingested.customer_table
        ? customersCsvChunks(
            ingested.customers,
            segmentation.customers,
            undefined,
            customerTableColumns(Object.keys(ingested.customers[0]?.extra ?? {})),
          )
        : customersCsvChunks(ingested.customers, segmentation.customers),
      "summary.json": `${JSON.stringify(summary, null, 2)}\n`,
      "timings.json": `${JSON.stringify(analysis.timings, null, 2)}\n`,
    };
    const files = writeOutputs(out, outputs);
    return { ingest: ingested, segmentation, summary, files };
  } finally {
    if (!options.keepOpen) await analysis.close();
  }
}

/**
 * `npm run build`: analyses `config.data` and returns every page's data file by name, plus `segment-paths.json`,
 * the per-segment pages Framework must render (read by observablehq.config.ts), and `recognised.txt`, the
 * recognised-input block (printed again when a build reuses the data).
 */
export async function computeReport(
  config: Config,
  log: (text: string) => void = toStderr,
): Promise<Record<string, unknown>> {
  const analysis = await analyse(config, log);
  try {
    const { ingest: ingested, segmentation } = analysis;
    // DuckDB on one thread: parallel plans differ from run to run
    const files = await ingested.db.deterministic(() => buildPageData(ingested, segmentation, config));
    files["segment-paths.json"] = reportDynamicPaths(
      segmentation.clusters.map((cluster) => cluster.name),
      config.report.publish_customer_list,
    );
    files["recognised.txt"] = ingested.recognised;
    return files;
  } finally {
    await analysis.close();
  }
}
