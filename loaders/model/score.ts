/**
 * Scoring customers with a saved model, without refitting: the model's features, transform and scaler parameters
 * give each customer's point, the method's assignment data its cluster (assign.ts), the model's RFM thresholds and
 * rules its RFM scores and segment. Pure functions of the model and the customers' features.
 */
import { featureColumn, transformColumn } from "../cluster/features.ts";
import { fromColumns, type Matrix } from "../cluster/matrix.ts";
import type { SegmentRule } from "../config.ts";
import type { CustomerSegment } from "../pipeline/types.ts";
import { RFM_DIMENSIONS, scoreValue } from "../rfm/score.ts";
import { assignSegments } from "../rfm/segments.ts";
import type { CustomerFeatures } from "../types.ts";
import { assignPoints } from "./assign.ts";
import type { Model } from "./schema.ts";

/** The customers' points in the model's scaled space, and the transformed (unscaled) feature columns. */
export function modelPoints(
  model: Pick<Model, "features">,
  customers: readonly CustomerFeatures[],
): { X: Matrix; transformed: Float64Array[] } {
  const { names, transform, center, scale } = model.features;
  const ids = customers.map((c) => c.customer_id);
  const transformed = names.map((name, j) => transformColumn(featureColumn(customers, name), transform[j], name, ids));
  const scaled = transformed.map((values, j) => {
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = (values[i] - center[j]) / scale[j];
    return out;
  });
  return { X: fromColumns(scaled), transformed };
}

export interface Scored {
  /** per customer (input order): RFM scores, cell and segment, cluster and segment name */
  customers: CustomerSegment[];
  /** per customer: distance to the assigned cluster's centre (scaled units) */
  distances: Float64Array;
  /** per model feature: the customers' transformed values */
  transformed: Float64Array[];
}

/** The model's placing of the customers as columns (input order): what scoreCustomers gives as one row each. */
export interface ScoredColumns {
  /** per customer: cluster */
  labels: Int32Array;
  /** per customer: RFM scores */
  rfm: { r: Uint8Array; f: Uint8Array; m: Uint8Array };
  /** per customer: RFM cell and segment */
  cells: readonly string[];
  segments: readonly string[];
  /** per customer: distance to the assigned cluster's centre (scaled units) */
  distances: Float64Array;
  /** per model feature: the customers' transformed values */
  transformed: Float64Array[];
}

/**
 * Clusters and RFM segments of the customers under the model, as columns: no object per customer (the saved
 * model's round-trip check scores every training customer; at ten million customers the rows would not fit).
 */
export function scoreColumns(
  model: Pick<Model, "features" | "clustering" | "rfm">,
  customers: readonly CustomerFeatures[],
): ScoredColumns {
  const { X, transformed } = modelPoints(model, customers);
  const { labels, distances } = assignPoints(model.clustering.assignment, X);
  const rfm = rfmScores(model.rfm.thresholds, customers);
  const { cells, segments } = assignSegments(rfm.r, rfm.f, rfm.m, model.rfm.rules as SegmentRule[]);
  return { labels, rfm, cells, segments, distances, transformed };
}

/** Segments and RFM segments of the customers under the model. */
export function scoreCustomers(
  model: Pick<Model, "features" | "clustering" | "segments" | "rfm">,
  customers: readonly CustomerFeatures[],
): Scored {
  const { labels, rfm, cells, segments, distances, transformed } = scoreColumns(model, customers);
  const names = model.segments.map((s) => s.name);
  const out = customers.map((c, i) => ({
    customer_id: c.customer_id,
    r_score: rfm.r[i],
    f_score: rfm.f[i],
    m_score: rfm.m[i],
    rfm_cell: cells[i],
    rfm_segment: segments[i],
    cluster: labels[i],
    segment: names[labels[i]],
  }));
  return { customers: out, distances, transformed };
}

/** RFM scores 1..5 on the model's thresholds (rfm/score.ts's rule: thresholds strictly below the value). */
export function rfmScores(
  thresholds: Model["rfm"]["thresholds"],
  customers: readonly CustomerFeatures[],
): { r: Uint8Array; f: Uint8Array; m: Uint8Array } {
  const [r, f, m] = RFM_DIMENSIONS.map((dim) => {
    const out = new Uint8Array(customers.length);
    for (let i = 0; i < customers.length; i++)
      out[i] = scoreValue(customers[i][dim], thresholds[dim], dim !== "recency");
    return out;
  });
  return { r, f, m };
}
