/**
 * A worker thread of the clustering pool (cluster/pool.ts): rebuilds the clustering method from the configuration,
 * views the shared feature matrix, and answers each job it is sent: one k of the k search (`fitAndScore`), or one
 * Gaussian mixture of the method comparison (`fitGmm` from the K-Means start).
 */
import { parentPort, workerData } from "node:worker_threads";
import type { ClusteringConfig } from "../config.ts";
import { fitAndScore, type KOutcome } from "./fit-k.ts";
import { fitGmm, type CovarianceType } from "./methods/gmm.ts";
import { clusterMethod } from "./methods/index.ts";

/** What the pool gives each worker: the matrix, monetary and silhouette sample in shared memory, the settings. */
export interface FitWorkerData {
  data: SharedArrayBuffer;
  rows: number;
  cols: number;
  monetary: SharedArrayBuffer;
  sample: SharedArrayBuffer | null;
  clustering: ClusteringConfig;
}

/** One k of the k search, with this seed. */
export interface KJob {
  kind: "k";
  ask: number;
  seed: number;
}

/** One mixture of the method comparison (cluster/compare.ts), its first restart started from `start`'s groups. */
export interface GmmJob {
  kind: "gmm";
  k: number;
  covariance: CovarianceType;
  seed: number;
  restarts: number;
  start: Int32Array;
}

/** What the comparison reads of a mixture. */
export interface GmmOutcome {
  labels: Int32Array;
  membership: Float64Array;
  bic: number;
  log_likelihood: number;
}

export type PoolJob = KJob | GmmJob;

if (parentPort) {
  const port = parentPort;
  const given = workerData as FitWorkerData;
  const X = { data: new Float64Array(given.data), rows: given.rows, cols: given.cols };
  const monetary = new Float64Array(given.monetary);
  const sample = given.sample ? new Int32Array(given.sample) : null;
  const method = clusterMethod(given.clustering);
  const answer = (job: PoolJob): KOutcome | GmmOutcome => {
    if (job.kind === "k") return fitAndScore(X, monetary, method, job.ask, job.seed, sample);
    const { k, covariance, seed, restarts, start } = job;
    const fit = fitGmm(X, { k, covariance, seed, restarts, start });
    return { labels: fit.labels, membership: fit.membership, bic: fit.bic, log_likelihood: fit.log_likelihood };
  };
  port.on("message", ({ id, job }: { id: number; job: PoolJob }) => {
    try {
      port.postMessage({ id, outcome: answer(job) });
    } catch (error) {
      port.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
    }
  });
}
