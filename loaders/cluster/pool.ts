/**
 * The k search's fits in worker threads. The fits of different k are independent, so with more than one core
 * each worker takes the next k as it finishes one, while the main thread names and profiles the k values already
 * fitted (cluster/search.ts). Every k is fitted by `fitAndScore` with its own seed, as in the process, so the
 * results are the same bits whatever the number of threads or the order the workers finish in. The method
 * comparison's mixtures (cluster/compare.ts) go through the same pool, one job a mixture, taken in their order.
 *
 * Threads: SEGMENT_THREADS (a whole number >= 1; 1 keeps everything in the process), else the cores node sees.
 * Below PARALLEL_MIN_ROWS customers, or for a method whose k values share work (Ward's one tree, DBSCAN's one fit),
 * the search stays in the process: starting workers would cost more than it saves.
 * The worker is `fit-worker.ts`: the bundle `loaders/cli/launch.mjs` made of it (its path in
 * `globalThis.__segmentFitWorker`), or the TypeScript file through tsx.
 */
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { ClusteringConfig } from "../config.ts";
import { InputError } from "../errors.ts";
import type { KOutcome } from "./fit-k.ts";
import type { FitWorkerData, KJob, PoolJob } from "./fit-worker.ts";
import type { Matrix } from "./matrix.ts";

/** Below this many customers the k search runs in the process. */
export const PARALLEL_MIN_ROWS = 3000;
/** The methods whose k values are fitted independently of each other. */
const INDEPENDENT_METHODS = new Set(["kmeans", "gmm"]);

/** The number of threads for the k search: SEGMENT_THREADS, else the cores node sees. */
export function searchThreads(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.SEGMENT_THREADS;
  if (given === undefined || given === "") return availableParallelism();
  if (!/^[1-9][0-9]*$/.test(given.trim()))
    throw new InputError(
      `SEGMENT_THREADS: expected a whole number of threads (1 or more), got ${JSON.stringify(given)}`,
    );
  return Number(given.trim());
}

/**
 * The worker: the bundle, or (running from source) a bootstrap that registers tsx in the worker thread and then
 * imports the TypeScript file (node 20 does not carry the main thread's tsx hooks into a worker).
 */
function workerScript(): { script: string | URL; eval: boolean } {
  const bundled = (globalThis as { __segmentFitWorker?: string }).__segmentFitWorker;
  if (bundled) return { script: pathToFileURL(bundled), eval: false };
  const api = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const file = JSON.stringify(new URL("./fit-worker.ts", import.meta.url).href);
  return { script: `import(${api}).then((tsx) => (tsx.register(), import(${file})));`, eval: true };
}

/** A copy of `values` in shared memory (made once; every worker reads the same bytes). */
function shared(values: Float64Array | Int32Array): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(values.byteLength);
  new Uint8Array(buffer).set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  return buffer;
}

/** Jobs in worker threads; each job's outcome is awaited by its position in the list the pool was started with. */
export interface Pool<T> {
  /** how many worker threads it runs */
  threads: number;
  /** the outcome of the job at `index` */
  outcome(index: number): Promise<T>;
  /** stops the workers (safe to call more than once) */
  close(): Promise<void>;
}

export interface PoolInput<J extends PoolJob> {
  X: Matrix;
  monetary: ArrayLike<number>;
  sample: Int32Array | null;
  clustering: ClusteringConfig;
  /** in the order they are wanted: each worker takes the next one as it finishes one */
  jobs: J[];
  threads: number;
}

/**
 * Starts the workers for the jobs, or returns null when they should run in the process: fewer than 2 threads or
 * jobs, or fewer than PARALLEL_MIN_ROWS rows.
 */
export function startPool<J extends PoolJob, T>(input: PoolInput<J>): Pool<T> | null {
  const { X, jobs } = input;
  const workers = Math.min(input.threads, jobs.length);
  if (workers < 2 || X.rows < PARALLEL_MIN_ROWS) return null;
  const data: FitWorkerData = {
    data: shared(X.data),
    rows: X.rows,
    cols: X.cols,
    monetary: shared(Float64Array.from(input.monetary)),
    sample: input.sample ? shared(input.sample) : null,
    clustering: input.clustering,
  };
  const settle = new Map<number, { resolve(o: T): void; reject(e: Error): void }>();
  const outcomes = jobs.map((_, id) => {
    const promise = new Promise<T>((resolve, reject) => settle.set(id, { resolve, reject }));
    promise.catch(() => undefined); // awaited by the caller, or dropped when it stopped early
    return promise;
  });
  let next = 0;
  const failAll = (error: Error): void => {
    for (const s of settle.values()) s.reject(error);
    settle.clear();
  };
  const { script, eval: isCode } = workerScript();
  const pool = Array.from({ length: workers }, () => {
    const worker = new Worker(script, { workerData: data, eval: isCode });
    const give = (): void => {
      if (next < jobs.length) worker.postMessage({ id: next, job: jobs[next++] });
    };
    worker.on("message", (message: { id: number; outcome?: T; error?: string }) => {
      const s = settle.get(message.id);
      settle.delete(message.id);
      if (message.error === undefined) s?.resolve(message.outcome as T);
      else s?.reject(new Error(`clustering in a worker thread: ${message.error}`));
      give();
    });
    worker.on("error", (error) => failAll(error));
    worker.on("exit", (code) => {
      if (settle.size)
        failAll(new Error(`a clustering worker thread stopped (exit code ${code}) before its work was done`));
    });
    give();
    return worker;
  });
  let closed: Promise<void> | null = null;
  return {
    threads: workers,
    outcome: (index) => outcomes[index] ?? Promise.reject(new Error(`no job ${index} in the pool`)),
    close: () => (closed ??= Promise.all(pool.map((w) => w.terminate())).then(() => undefined)),
  };
}

/**
 * The k search's pool (the jobs' `ask` values in order), or null to stay in the process: see startPool, and a
 * method whose k values share work (Ward's one tree, DBSCAN's one fit).
 */
export function startKPool(input: PoolInput<KJob>): Pool<KOutcome> | null {
  return INDEPENDENT_METHODS.has(input.clustering.method) ? startPool<KJob, KOutcome>(input) : null;
}
