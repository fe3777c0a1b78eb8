/**
 * The clustering methods' settings (issue 22): which method drives the report's segments (`clustering.method`,
 * K-Means by default) and the other methods' own settings (`clustering.methods`). Defined here as zod schemas for
 * the configuration schema's assembly; loaders/config.ts parses them with as few lines as possible.
 */
import { z } from "zod";

/** The values of `clustering.method`. */
export const CLUSTER_METHODS = ["kmeans", "gmm", "ward", "dbscan"] as const;
export type ClusterMethodName = (typeof CLUSTER_METHODS)[number];

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
