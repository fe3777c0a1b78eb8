/**
 * model.json: a fitted segmentation that lasts, so that new data can be scored without refitting (`npm run score`)
 * and a segment means the same from one edition to the next. One zod schema is the definition; the JSON Schema in
 * `schemas/model.schema.json` is generated from it (`npm run schemas`, checked by test/model/schema.test.ts).
 *
 * It holds only parameters, never a customer: the input settings the data were read and cleaned with, the clustering
 * features with their transform and scaler parameters, what the clustering method needs to assign a new point
 * (`assignment`, one shape per method: K-Means stores its centres), the segment names with the traits they assert,
 * the RFM thresholds and rules, the training figures drift is measured against, and the customer-value models'
 * parameters (`value`, null when that stage did not fit).
 *
 * `version` changes whenever a reader of an older or newer model could misread it; a model of another version is
 * refused in one line.
 */
import { z } from "zod";
import { valueModelSchema } from "../value/saved.ts";

export const MODEL_KIND = "segment-report model" as const;
/** 2: the Gaussian mixture's own assignment form (`gaussian_mixture`); 3: one transform per feature */
export const MODEL_VERSION = 3 as const;

const finite = z.number().refine(Number.isFinite, "a finite number");
const scoreRange = z.tuple([z.int().min(1).max(5), z.int().min(1).max(5)]);

/** How K-Means (and any centre-based method) assigns a new point: to its nearest centre, in scaled space. */
export const nearestCentreAssignment = z.strictObject({
  kind: z.literal("nearest_centre"),
  /** one centre per cluster (cluster order), one value per feature (feature order), in scaled units */
  centres: z.array(z.array(finite)).min(2),
});

/**
 * How the Gaussian mixture assigns a new point: to the component of the highest posterior (weights, means and
 * covariances as fitted), exactly as the fit labelled its customers. `centres` are the components' means (scaled
 * units), which the drift distances are measured to.
 */
export const gaussianMixtureAssignment = z.strictObject({
  kind: z.literal("gaussian_mixture"),
  covariance: z.enum(["full", "diag"]),
  /** mixing weights, component (cluster) order */
  weights: z.array(finite).min(2),
  /** the components' means, one value per feature, in scaled units */
  centres: z.array(z.array(finite)).min(2),
  /** per component: full: the d x d covariance matrix row by row (d * d values); diag: the d variances */
  covariances: z.array(z.array(finite)).min(2),
});

/** One entry per way of assigning a point; a new clustering method adds its own shape here. */
export const assignmentSchema = z.discriminatedUnion("kind", [nearestCentreAssignment, gaussianMixtureAssignment]);

export const modelSchema = z.strictObject({
  kind: z.literal(MODEL_KIND),
  version: z.literal(MODEL_VERSION),
  /** sha256 (first 16 hex digits) of the model without this field: which model */
  model_id: z.string(),
  /** the data the model was fitted on: no customer, only what says which data and when */
  training: z.strictObject({
    /** the input's file name (not its folder) or the database source's description */
    source: z.string(),
    period_start: z.string(),
    period_end: z.string(),
    /** the day recency was counted to: the model was fitted as of this day */
    snapshot_date: z.string(),
    customers: z.int().min(1),
    revenue: finite,
  }),
  /** how the data were read and cleaned: scoring reads new data with the same settings */
  input: z.strictObject({
    layout: z.enum(["lines", "customers"]),
    columns: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
    /** the logical columns the training input had (scoring refuses data lacking one the features depend on) */
    input_columns: z.array(z.string()),
    delimiter: z.enum(["auto", ",", "\t", ";"]),
    date_format: z.string(),
    encoding: z.string(),
    customer_id_normalise: z.enum(["numeric", "trim"]),
    /** the revenue basis: "net" of matched returns or "gross" */
    revenue: z.enum(["net", "gross"]),
    cleaning: z.strictObject({
      drop_cancellations: z.boolean(),
      drop_missing_customer: z.boolean(),
      drop_nonpositive_quantity: z.boolean(),
      drop_nonpositive_price: z.boolean(),
      drop_nonpositive_amount: z.boolean(),
      drop_non_product_codes: z.boolean(),
      non_product_codes: z.array(z.string()),
      non_product_pattern: z.string(),
      drop_duplicates: z.boolean(),
    }),
    /** layout "customers": the days the table's figures cover */
    period_days: z.number().nullable(),
  }),
  /** the clustering features, in matrix column order: scaled = (transform[j](value) - center) / scale */
  features: z.strictObject({
    names: z.array(z.string()).min(1),
    /** per feature (version 3; earlier versions had one transform for all) */
    transform: z.array(z.enum(["log1p", "none"])),
    scaler: z.enum(["standard", "robust"]),
    center: z.array(finite),
    scale: z.array(finite),
  }),
  clustering: z.strictObject({
    method: z.string(),
    k: z.int().min(2),
    seed: z.int(),
    assignment: assignmentSchema,
  }),
  /** one per cluster, cluster order (0 = the highest median spend) */
  segments: z.array(
    z.strictObject({
      cluster: z.int().min(0),
      name: z.string(),
      /** the traits the name asserts and the share of the training members each held for */
      traits: z.array(z.strictObject({ trait: z.string(), share: finite })),
      /** the training members' share of the customers */
      share_customers: finite,
      median_recency: finite,
      median_frequency: finite,
      median_monetary: finite,
    }),
  ),
  /** the traits' cut-offs on the training customers (recent = recency <= recent_days ...) */
  trait_thresholds: z.record(z.string(), finite),
  rfm: z.strictObject({
    /** four ascending cut points per dimension, from the training data (or configured) */
    thresholds: z.strictObject({
      recency: z.array(finite).length(4),
      frequency: z.array(finite).length(4),
      monetary: z.array(finite).length(4),
    }),
    /** the ordered segment rules: the first whose score ranges contain a customer's scores names them */
    rules: z.array(
      z.strictObject({
        name: z.string(),
        r: scoreRange,
        f: scoreRange,
        m: scoreRange,
        description: z.string(),
        action: z.string(),
        traits: z.array(z.string()).optional(),
      }),
    ),
  }),
  /** the training data's figures that drift is measured against */
  drift_baseline: z.strictObject({
    /** the 99th percentile (type 7) of the training customers' distances to their nearest centre, scaled units */
    distance_p99: finite,
    /** per feature (feature order), on the transformed values: mean and population standard deviation */
    feature_mean: z.array(finite),
    feature_sd: z.array(finite),
    /** per cluster: share of the training customers */
    segment_shares: z.array(finite),
  }),
  /** the customer-value models' parameters and settings (loaders/value/saved.ts); null when they were not fitted */
  value: valueModelSchema.nullable(),
});

export type Model = z.infer<typeof modelSchema>;
export type Assignment = z.infer<typeof assignmentSchema>;

/** The JSON Schema of model.json (draft 2020-12), as written to schemas/model.schema.json. */
export function modelJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(modelSchema, { target: "draft-2020-12" }),
    $id: "https://segment-report.invalid/schemas/model.schema.json",
    title: "segment-report model.json",
    description:
      "A fitted segmentation: input settings, features and scaler, cluster assignment data, segment names and traits, RFM thresholds and rules, drift baseline, customer-value model parameters; no customer data.",
  };
}
