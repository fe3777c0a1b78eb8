/**
 * The clustering methods, by `clustering.method` (values in cluster/settings.ts). A new method: a module beside
 * this one and a case below. Every method is adapted to the fit the k search reads (KMeansFit's fields: the ones
 * a method has no use for are neutral: no restarts listed, nothing non-converged); DBSCAN finds its own number
 * of groups (`ownK`), so the k search fits it once.
 */
import type { ClusteringConfig } from "../../config.ts";
import type { ClusterMethod } from "../method.ts";
import type { Matrix } from "../matrix.ts";
import { fitDbscan } from "./dbscan.ts";
import { fitGmm } from "./gmm.ts";
import { fitKMeans, type KMeansFit } from "./kmeans.ts";
import { takeRows } from "../matrix.ts";
import { wardFromTree, wardSample, wardTree, type WardTree } from "./ward.ts";

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

/** The fields of a KMeansFit that other methods leave neutral. */
function neutral(iterations: number, converged: boolean, bestRestart = 0, screen: number | null = null) {
  return {
    iterations,
    converged,
    best_restart: bestRestart,
    polish_iterations: 0,
    screen_sample: screen,
    runs: [],
    non_converged: converged ? 0 : 1,
  };
}

/** Gaussian mixture with the configured covariance and restarts (cluster/methods/gmm.ts). */
export function gmmMethod(clustering: Pick<ClusteringConfig, "methods">): ClusterMethod<KMeansFit> {
  const { gmm_covariance: covariance, gmm_restarts: restarts } = clustering.methods;
  return {
    name: "gmm",
    fit: (X, k, seed) => {
      const fit = fitGmm(X, { k, covariance, seed, restarts });
      return { ...fit, ...neutral(fit.iterations, fit.converged, fit.best_restart) };
    },
  };
}

/** Ward; one tree per matrix serves every k (cluster/methods/ward.ts). */
export function wardMethod(): ClusterMethod<KMeansFit> {
  const trees = new WeakMap<Matrix, { tree: WardTree; sample: Int32Array | null }>();
  return {
    name: "ward",
    fit: (X, k, seed) => {
      let cached = trees.get(X);
      if (!cached) {
        const sample = wardSample(X.rows, seed);
        cached = { tree: wardTree(sample ? takeRows(X, sample) : X), sample };
        trees.set(X, cached);
      }
      const fit = wardFromTree(X, cached.tree, cached.sample, k);
      return { ...fit, ...neutral(0, true, 0, fit.sample) };
    },
  };
}

/** DBSCAN with the configured eps and min_samples ("auto": cluster/methods/dbscan.ts); ignores k. */
export function dbscanMethod(clustering: Pick<ClusteringConfig, "methods">): ClusterMethod<KMeansFit> {
  const { dbscan_eps: eps, dbscan_min_samples: minSamples } = clustering.methods;
  return {
    name: "dbscan",
    ownK: true,
    fit: (X, _k, seed) => {
      const fit = fitDbscan(X, {
        seed,
        eps: eps === "auto" ? undefined : eps,
        minSamples: minSamples === "auto" ? undefined : minSamples,
      });
      return { ...fit, ...neutral(0, true) };
    },
  };
}

/** The method a configuration asks for. */
export function clusterMethod(clustering: ClusteringConfig): ClusterMethod<KMeansFit> {
  switch (clustering.method) {
    case "kmeans":
      return kmeansMethod(clustering);
    case "gmm":
      return gmmMethod(clustering);
    case "ward":
      return wardMethod();
    case "dbscan":
      return dbscanMethod(clustering);
  }
}
