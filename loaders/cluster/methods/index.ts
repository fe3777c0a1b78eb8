/** The clustering methods, by `clustering.method`. A new method: a module beside this one and a case below. */
import type { ClusteringConfig } from "../../config.ts";
import type { ClusterMethod } from "../method.ts";
import { fitKMeans, type KMeansFit } from "./kmeans.ts";

/** K-means (k-means++ starts, seeded restarts, Lloyd to convergence) with the configured settings. */
export function kmeansMethod(
  clustering: Pick<ClusteringConfig, "restarts" | "max_iterations" | "tolerance">,
): ClusterMethod<KMeansFit> {
  return {
    name: "kmeans",
    fit: (X, k, seed) =>
      fitKMeans(X, {
        k,
        seed,
        restarts: clustering.restarts,
        maxIterations: clustering.max_iterations,
        tolerance: clustering.tolerance,
      }),
  };
}

/** The method a configuration asks for. */
export function clusterMethod(clustering: ClusteringConfig): ClusterMethod<KMeansFit> {
  switch (clustering.method) {
    case "kmeans":
      return kmeansMethod(clustering);
  }
}
