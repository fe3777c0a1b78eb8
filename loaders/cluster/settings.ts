/**
 * The settings of clustering: the method, the features, their transform and scaling, and how k is chosen. Part of
 * the configuration schema (config/schema.ts); imports nothing above it.
 */
import { z } from "zod";
import { dependsOnOthers, integer, oneOf } from "../config/setting.ts";

/** The values of `clustering.method`. */
export const CLUSTER_METHODS = ["kmeans", "gmm", "ward", "dbscan"] as const;
export type ClusterMethodName = (typeof CLUSTER_METHODS)[number];

/** The values of `clustering.transform`: "auto" decides per feature by its skewness. */
export const CLUSTER_TRANSFORMS = ["auto", "log1p", "none"] as const;
/** What one feature gets. */
export type FeatureTransform = "log1p" | "none";

export const clusterMethodSetting = z.enum(CLUSTER_METHODS).default("kmeans");

export const methodSettings = z
  .strictObject({
    /** fit every method for the comparison (summary.json `methods`, customers.csv `cluster_<method>`) */
    compare: z.boolean().default(true),
    /** the mixture's covariance when it drives the segments (the comparison fits both) */
    gmm_covariance: z.enum(["full", "diag"]).default("full"),
    /** seeded EM restarts of the mixture (each from k-means++ seeds refined by Lloyd) */
    gmm_restarts: z.int().min(1).default(3),
    /** DBSCAN's min_samples: "auto" = max(10, 2 x features) (cluster/methods/dbscan.ts) */
    dbscan_min_samples: z.union([z.literal("auto"), z.int().min(2)]).default("auto"),
    /** DBSCAN's eps: "auto" = the knee of the k-distance curve */
    dbscan_eps: z.union([z.literal("auto"), z.number().positive()]).default("auto"),
  })
  .default({
    compare: true,
    gmm_covariance: "full",
    gmm_restarts: 3,
    dbscan_min_samples: "auto",
    dbscan_eps: "auto",
  });

export type MethodSettings = z.infer<typeof methodSettings>;
export const DEFAULT_METHOD_SETTINGS: MethodSettings = methodSettings.parse(undefined);

export type BuiltinFeature =
  "recency" | "frequency" | "monetary" | "tenure" | "avg_order_value" | "items_per_order" | "return_rate";
/** A clustering feature: a computed one, or (customer-level tables) any numeric column by its header. */
export type FeatureName = BuiltinFeature | (string & {});
export const FEATURE_NAMES: BuiltinFeature[] = [
  "recency",
  "frequency",
  "monetary",
  "tenure",
  "avg_order_value",
  "items_per_order",
  "return_rate",
];

/** Features computed from transaction lines only (not available for a customer-level table). */
export const LINE_FEATURES: readonly string[] = ["items_per_order", "return_rate"];

const K_EXPECTED = (kMax: unknown) => `"auto" or an integer between 2 and k_max (${kMax})`;
const DEFAULT_K_MAX = 10;
const isInt = (x: number) => Number.isInteger(x);

export const clusteringSettings = z
  .strictObject({
    features: z
      .array(z.string())
      .default(() => ["recency", "frequency", "monetary"])
      .transform((list) => list as FeatureName[])
      .meta({ items: { anyOf: [{ enum: FEATURE_NAMES }, { type: "string" }] } })
      .describe(`${FEATURE_NAMES.join(", ")}; for a customer-level table also numeric column headers`),
    method: oneOf(CLUSTER_METHODS, '"kmeans", "gmm", "ward" or "dbscan"')
      .default("kmeans")
      .describe("the clustering method that drives the report's segments"),
    methods: methodSettings.describe("the other methods' settings and the method comparison"),
    transform: oneOf(CLUSTER_TRANSFORMS, '"auto", "log1p" or "none"')
      .default("auto")
      .describe(
        '"auto": log1p on a feature whose raw skewness |g1| exceeds skew_threshold, none on the others; "log1p" or "none": every feature',
      ),
    skew_threshold: z
      .number()
      .refine((x) => x >= 0, { error: "a number >= 0" })
      .default(1)
      .meta({ minimum: 0 })
      .describe('transform "auto": log1p a feature whose raw skewness (Fisher-Pearson g1) has |g1| above this'),
    scaler: oneOf(["standard", "robust"], '"standard" or "robust"').default("standard"),
    k_min: z
      .number()
      .default(3)
      .meta({ type: "integer", minimum: 2 })
      .describe("smallest k the automatic rule may choose (every k from 2 to k_max is computed and kept)"),
    k_max: z.number().default(DEFAULT_K_MAX).meta({ type: "integer", minimum: 2 }),
    k: z
      .union([z.literal("auto"), z.number()], {
        error: dependsOnOthers((root) => {
          const clustering = root.clustering as { k_max?: unknown } | undefined;
          return K_EXPECTED(clustering?.k_max ?? DEFAULT_K_MAX);
        }),
      })
      .default("auto")
      .meta({ anyOf: [{ const: "auto" }, { type: "integer", minimum: 2 }] })
      .describe('a fixed k, or "auto" for the documented rule'),
    // each restart and bootstrap run is a full k-means per k: beyond 1000 a run would seem to hang
    restarts: integer(1, "a positive integer", 1000).default(10),
    seed: z.number().refine(isInt, { error: "an integer" }).default(42).meta({ type: "integer" }),
    max_iterations: integer(1, "a positive integer").default(1000),
    tolerance: z.number().default(1e-6),
    correlation_threshold: z
      .number()
      .refine((x) => x > 0 && x <= 1, { error: "a number in (0, 1]" })
      .default(0.9)
      .meta({ exclusiveMinimum: 0, maximum: 1 })
      .describe("|Pearson r| above this between two (transformed) features drops the later one"),
    silhouette_sample: integer(1, "a positive integer")
      .default(10000)
      .describe("exact silhouette up to this many customers, a seeded sample of this size above it"),
    bootstrap_runs: integer(0, "a positive integer", 1000)
      .default(20)
      .describe("bootstrap resamples for the stability check"),
  })
  .superRefine((c, ctx) => {
    if (!isInt(c.k_min) || c.k_min < 2 || !isInt(c.k_max) || c.k_max < c.k_min)
      ctx.addIssue({ code: "custom", path: ["k_min/k_max"], message: "integers with 2 <= k_min <= k_max" });
    else if (c.k !== "auto" && !(isInt(c.k) && c.k >= 2 && c.k <= c.k_max))
      ctx.addIssue({ code: "custom", path: ["k"], message: K_EXPECTED(c.k_max) });
  })
  .prefault({});

export type ClusteringConfig = z.output<typeof clusteringSettings>;

/** What `clustering.features` should be under a layout (a customer-level table has no lines), or null when it is. */
export function checkFeatures(features: readonly string[], layout: "lines" | "customers"): string | null {
  if (layout !== "customers") {
    if (!features.length || features.some((f) => !(FEATURE_NAMES as string[]).includes(f)))
      return `a non-empty list of ${FEATURE_NAMES.join(", ")}`;
    return null;
  }
  if (!features.length || features.some((f) => !f))
    return "a non-empty list of feature names or numeric column headers";
  const lineOnly = features.filter((f) => LINE_FEATURES.includes(f));
  if (lineOnly.length)
    return `without ${lineOnly.join(", ")}: they need transaction lines, which a customer-level table does not have`;
  return null;
}
