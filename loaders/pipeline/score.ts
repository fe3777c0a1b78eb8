/**
 * `npm run score`: new data scored with a saved model, without refitting. The data are read and cleaned with the
 * model's input settings (layout, columns, revenue basis, cleaning), each customer's features are placed in the
 * model's scaled space and assigned (loaders/model/), drift against the training data is measured, and
 * `out/customers.csv` (features, RFM scores and segment, cluster and segment, and for line data the value columns,
 * filled when the model carries value parameters) and `out/summary.json` are written
 * all-or-nothing. Any problem (model, data, output folder) is one InputError before anything is written.
 */
import { basename } from "node:path";
import { validateConfig, loadConfig, type Config } from "../config.ts";
import { measureDrift, type DriftReport } from "../model/drift.ts";
import type { Model } from "../model/schema.ts";
import { scoreCustomers } from "../model/score.ts";
import {
  checkOutputDir,
  customersCsvChunks,
  customerTableColumns,
  ingestSummary,
  writeOutputs,
  type IngestSummary,
} from "../output/files.ts";
import { checkModelInputs } from "./saved.ts";
import { ingest } from "./ingest.ts";
import { addDays } from "../features/customers.ts";
import { valueBySegment, type ScoredValue } from "../value/segments.ts";
import { scoreValue, valueColumns, valueUnavailable } from "./value.ts";

/** The files `npm run score` writes into its output folder. */
export const SCORE_FILES = ["customers.csv", "summary.json"] as const;

/** The configuration that reads `data` as the model's training data was read (drift thresholds from `base`). */
export function scoringConfig(model: Model, base: Config, data: string): Config {
  const input = model.input;
  return validateConfig({
    ...base,
    data,
    source: null,
    tables: null,
    layout: input.layout,
    columns: { ...input.columns },
    delimiter: input.delimiter,
    date_format: input.date_format,
    encoding: input.encoding as Config["encoding"],
    customer_id_normalise: input.customer_id_normalise,
    revenue: input.revenue,
    cleaning: { ...input.cleaning, non_product_codes: [...input.cleaning.non_product_codes] },
    period_days: input.period_days,
    clustering: { ...base.clustering, features: [...model.features.names] },
  });
}

export interface ScoreSummary extends Omit<IngestSummary, "timings"> {
  model: { file: string; model_id: string; version: number; training: Model["training"] };
  segments: { segment: string; customers: number; share_customers: number; revenue: number }[];
  rfm_segments: { segment: string; customers: number; share_customers: number }[];
  drift: DriftReport;
  /** the value figures per segment under the model's value parameters; null when it has none or the data has no dated purchases */
  value: ScoredValue | null;
}

export interface ScoreResult {
  summary: ScoreSummary;
  files: string[];
}

/**
 * Scores `config.data` (a configuration from `scoringConfig`) with `model` into `out`. `modelFile` names the model
 * in the summary and is never overwritten.
 */
export async function runScore(model: Model, modelFile: string, config: Config, out: string): Promise<ScoreResult> {
  checkOutputDir(out, SCORE_FILES, [config.data, modelFile, ...(config.config_file ? [config.config_file] : [])]);
  const ingested = await ingest(config);
  try {
    checkModelInputs(model, config.data, ingested.input_columns, ingested.customers);
    const scored = scoreCustomers(model, ingested.customers);
    const drift = measureDrift(model, scored, config.drift);
    const n = ingested.customers.length;
    const segments = model.segments.map((s) => ({ segment: s.name, customers: 0, share_customers: 0, revenue: 0 }));
    scored.customers.forEach((c, i) => {
      segments[c.cluster].customers++;
      segments[c.cluster].revenue += ingested.customers[i].monetary;
    });
    for (const s of segments) s.share_customers = s.customers / n;
    const value = model.value && !valueUnavailable(ingested) ? await scoreValue(ingested, model.value) : null;
    const rfmCounts = new Map<string, number>([...model.rfm.rules.map((r) => [r.name, 0] as [string, number])]);
    for (const c of scored.customers) rfmCounts.set(c.rfm_segment, (rfmCounts.get(c.rfm_segment) ?? 0) + 1);
    const { timings: _timings, ...ingestPart } = ingestSummary(ingested);
    const summary: ScoreSummary = {
      model: { file: basename(modelFile), model_id: model.model_id, version: model.version, training: model.training },
      ...ingestPart,
      segments,
      rfm_segments: [...rfmCounts].map(([segment, customers]) => ({
        segment,
        customers,
        share_customers: customers / n,
      })),
      drift,
      value:
        value && model.value
          ? valueBySegment(
              model.value,
              addDays(ingested.snapshot_date, -1),
              value.customers,
              value.included,
              scored.customers.map((c) => c.cluster),
              model.segments.map((s) => s.name),
            )
          : null,
    };
    const csv = !ingested.capabilities.has.transactions
      ? customersCsvChunks(
          ingested.customers,
          scored.customers,
          undefined,
          customerTableColumns(model.features.names.filter((f) => !(f in ingested.customers[0]))),
        )
      : customersCsvChunks(
          ingested.customers,
          scored.customers,
          undefined,
          undefined,
          // the pipeline's value columns: filled where the model has value parameters (empty cells otherwise)
          valueColumns(value ?? { customers: null }),
        );
    const files = writeOutputs(out, {
      "customers.csv": csv,
      "summary.json": `${JSON.stringify(summary, null, 2)}\n`,
    });
    return { summary, files };
  } finally {
    await ingested.close();
  }
}

/** The configuration for scoring: the user's configuration (drift thresholds, plausible dates, snapshot) under the model's input settings. */
export function loadScoringConfig(
  model: Model,
  options: { data: string; config?: string; snapshot?: string; env?: NodeJS.ProcessEnv },
): Config {
  const base = loadConfig({
    file: options.config,
    data: options.data,
    env: options.env ?? {},
    overrides: options.snapshot ? { snapshot_date: options.snapshot } : undefined,
  });
  return scoringConfig(model, base, options.data);
}
