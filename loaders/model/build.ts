/**
 * model.json from a fitted segmentation (the pipeline's run): parameters only, no customer. The training customers
 * are scored with the model as it will be saved, which gives the drift baseline (distances to the nearest centre,
 * feature means and SDs) and checks the round trip: every customer's segment and RFM segment must come back as
 * the fit gave them (`mismatches` counts those that do not; 0 unless a fit stopped in an unusual state).
 */
import { createHash } from "node:crypto";
import { basename } from "node:path";
import type { Config } from "../config.ts";
import { traitThresholds } from "../cluster/traits.ts";
import type { IngestResult } from "../pipeline/ingest.ts";
import type { SegmentationResult } from "../pipeline/types.ts";
import { quantileSorted, sortedCopy } from "../stats/quantile.ts";
import type { ValueModel } from "../value/saved.ts";
import { assignmentOf } from "./assign.ts";
import { MODEL_KIND, MODEL_VERSION, type Model } from "./schema.ts";
import { scoreColumns } from "./score.ts";

/** The id of a model: sha256 of its JSON without the id, first 16 hex digits. */
export function modelId(model: Omit<Model, "model_id">): string {
  return createHash("sha256").update(JSON.stringify(model)).digest("hex").slice(0, 16);
}

/** The saved model of a run (with the value models' parameters), and how many training customers scoring would place elsewhere than the fit did. */
export function buildModel(
  ingested: Pick<
    IngestResult,
    "source" | "period_start" | "period_end" | "snapshot_date" | "customers" | "revenue" | "input_columns"
  >,
  segmentation: SegmentationResult,
  config: Config,
  /** the value models' parameters (null when that stage did not fit): part of the model and of its id */
  value: ValueModel | null = null,
): { model: Model; mismatches: { segment: number; rfm_segment: number } } {
  const customers = ingested.customers;
  const f = segmentation.features;
  const base = {
    recency: sortedCopy(Float64Array.from(customers, (c) => c.recency)),
    frequency: sortedCopy(Float64Array.from(customers, (c) => c.frequency)),
    monetary: sortedCopy(Float64Array.from(customers, (c) => c.monetary)),
  };
  const columns: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(config.columns)) if (value !== undefined) columns[key] = value;
  const partial = {
    training: {
      source: config.source ? ingested.source : basename(ingested.source),
      period_start: ingested.period_start,
      period_end: ingested.period_end,
      snapshot_date: ingested.snapshot_date,
      customers: customers.length,
      revenue: ingested.revenue,
    },
    input: {
      layout: config.layout,
      columns,
      input_columns: [...ingested.input_columns],
      delimiter: config.delimiter,
      date_format: config.date_format,
      encoding: config.encoding,
      customer_id_normalise: config.customer_id_normalise,
      revenue: config.revenue,
      cleaning: { ...config.cleaning, non_product_codes: [...config.cleaning.non_product_codes] },
      period_days: config.period_days,
    },
    features: {
      names: [...f.used],
      transform: [...f.transforms],
      scaler: f.scaler,
      center: [...f.center],
      scale: [...f.scale],
    },
    clustering: {
      method: config.clustering.method,
      k: segmentation.k,
      seed: config.clustering.seed,
      assignment: assignmentOf(
        config.clustering.method,
        segmentation.clusters.map((c) => c.centroid_scaled),
        segmentation.kmeans.find((s) => s.k === segmentation.k)?.mixture,
      ),
    },
    segments: segmentation.clusters.map((c) => ({
      cluster: c.cluster,
      name: c.name,
      traits: (c.name_check?.traits ?? []).map((t) => ({ trait: t.trait, share: t.share })),
      share_customers: c.share_customers,
      median_recency: c.median_recency,
      median_frequency: c.median_frequency,
      median_monetary: c.median_monetary,
    })),
    trait_thresholds: { ...traitThresholds(base) },
    rfm: {
      thresholds: {
        recency: [...segmentation.rfm_thresholds.thresholds.recency],
        frequency: [...segmentation.rfm_thresholds.thresholds.frequency],
        monetary: [...segmentation.rfm_thresholds.thresholds.monetary],
      },
      rules: config.rfm.segments.map((rule) => ({
        name: rule.name,
        r: [...rule.r] as [number, number],
        f: [...rule.f] as [number, number],
        m: [...rule.m] as [number, number],
        description: rule.description,
        action: rule.action,
        ...(rule.traits ? { traits: [...rule.traits] } : {}),
      })),
    },
  };
  const scored = scoreColumns(partial, customers);
  const fitted = segmentation.customers;
  const mismatches = { segment: 0, rfm_segment: 0 };
  for (let i = 0; i < fitted.length; i++) {
    if (scored.labels[i] !== fitted[i].cluster) mismatches.segment++;
    if (scored.segments[i] !== fitted[i].rfm_segment) mismatches.rfm_segment++;
  }
  const n = customers.length;
  const meanSd = (values: Float64Array) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[i];
    const mean = sum / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
    return { mean, sd: Math.sqrt(ss / n) };
  };
  const moments = scored.transformed.map(meanSd);
  const sizes = new Array<number>(segmentation.k).fill(0);
  for (const c of fitted) sizes[c.cluster]++;
  const withBaseline = {
    kind: MODEL_KIND,
    version: MODEL_VERSION,
    ...partial,
    drift_baseline: {
      distance_p99: quantileSorted(sortedCopy(scored.distances), 0.99),
      feature_mean: moments.map((m) => m.mean),
      feature_sd: moments.map((m) => m.sd),
      segment_shares: sizes.map((s) => s / n),
    },
    value: value ? structuredClone(value) : null,
  } satisfies Omit<Model, "model_id">;
  const { kind, version, ...rest } = withBaseline;
  const model: Model = { kind, version, model_id: modelId(withBaseline), ...rest };
  return { model, mismatches };
}
