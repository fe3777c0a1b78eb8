/**
 * Gaussian mixture by EM, as scikit-learn's `GaussianMixture` (1.2): full or diagonal covariances, each regularised
 * by adding `reg_covar` (1e-6) to its diagonal; E-steps in log space (log-sum-exp); convergence when the mean
 * log-likelihood per sample changes by less than `tol` (1e-3) between iterations, at most `max_iter` (100).
 *
 * Starts: each of `restarts` runs (seeds deriveSeed(seed, k, restart, 0x6a11)) takes k-means++ seeds
 * (cluster/methods/kmeans.ts) refined by Lloyd to convergence, hard-assigns the points to them and takes the
 * responsibilities' Gaussian parameters, as scikit-learn's init_params = "kmeans"; the run with the highest final
 * mean log-likelihood wins (earliest on ties). Above SCREEN_SAMPLE customers the restarts run on one seeded sample
 * of that size. The winner is then iterated on to POLISH_TOL (1e-5; on the sample when there is one, then on all
 * points to `tol`), as the k-means refinement.
 *
 * Outputs: hard labels (highest posterior), centres (the means), each point's highest posterior (membership
 * probability), the mean log-likelihood, and BIC = -2 log L + p ln n with p = k d + (k - 1) + k d (diag) or
 * k d (d + 1) / 2 (full) covariance parameters, as scikit-learn's `bic`.
 */
import type { ClusterFit } from "../method.ts";
import { type Matrix, takeRows } from "../matrix.ts";
import { kmeansPlusPlus, lloyd, meanVariance, SCREEN_SAMPLE } from "./kmeans.ts";
import { deriveSeed, Rng, sampleWithoutReplacement } from "../../stats/random.ts";

export type CovarianceType = "full" | "diag";
export const COVARIANCE_TYPES: readonly CovarianceType[] = ["full", "diag"];

export interface GmmOptions {
  k: number;
  covariance: CovarianceType;
  seed: number;
  restarts: number;
  /** default 100 */
  maxIterations?: number;
  /** default 1e-3 (mean log-likelihood per sample) */
  tol?: number;
  /** default 1e-6 */
  regCovar?: number;
  /** screen restarts on a sample of this many points when there are more (default SCREEN_SAMPLE) */
  screenSample?: number;
}

/** The fitted parameters: enough to assign new customers (`assignGmm`). */
export interface GmmModel {
  k: number;
  d: number;
  covariance: CovarianceType;
  weights: Float64Array;
  /** k x d */
  means: Float64Array;
  /** full: k x d x d covariance matrices; diag: k x d variances */
  covariances: Float64Array;
}

export interface GmmFit extends ClusterFit, GmmModel {
  /** each point's highest posterior probability */
  membership: Float64Array;
  /** mean log-likelihood per sample */
  log_likelihood: number;
  bic: number;
  iterations: number;
  converged: boolean;
  best_restart: number;
}

/** The winning restart is iterated on until the mean log-likelihood changes by less than this (or POLISH_ITERATIONS). */
export const POLISH_TOL = 1e-5;
/** Restarts are compared after converging to this tolerance (at most max_iter iterations). */
export const SCREEN_TOL = 1e-4;
export const POLISH_ITERATIONS = 300;

const LOG_2PI = Math.log(2 * Math.PI);

/** Cholesky factors (lower, k x d x d) of the covariances and each component's log-determinant of covariance. */
function factorise(model: GmmModel): { L: Float64Array; logDet: Float64Array } {
  const { k, d, covariance, covariances } = model;
  const L = new Float64Array(k * d * d);
  const logDet = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    if (covariance === "diag") {
      let s = 0;
      for (let c = 0; c < d; c++) s += Math.log(covariances[j * d + c]);
      logDet[j] = s;
      continue;
    }
    const o = j * d * d;
    let s = 0;
    for (let r = 0; r < d; r++) {
      for (let c = 0; c <= r; c++) {
        let v = covariances[o + r * d + c];
        for (let t = 0; t < c; t++) v -= L[o + r * d + t] * L[o + c * d + t];
        if (r === c) {
          if (!(v > 0))
            throw new RangeError("Gaussian mixture: a covariance matrix is not positive definite (increase reg_covar)");
          L[o + r * d + r] = Math.sqrt(v);
          s += Math.log(v);
        } else L[o + r * d + c] = v / L[o + c * d + c];
      }
    }
    logDet[j] = s;
  }
  return { L, logDet };
}

/**
 * E-step: the posteriors p(j | x_i) into `resp` (n x k); returns the mean log-likelihood. Log densities are
 * normalised by log-sum-exp before exponentiating.
 */
function estep(X: Matrix, model: GmmModel, logp: Float64Array): number {
  // logp holds log densities while a row is computed, then that row's posteriors
  const { data, rows: n, cols: d } = X;
  const { k, means, covariances, weights, covariance } = model;
  const { L, logDet } = factorise(model);
  const logW = Array.from(weights, Math.log);
  const z = new Float64Array(d);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const oi = i * d;
    let max = -Infinity;
    for (let j = 0; j < k; j++) {
      let m = 0;
      if (covariance === "diag") {
        for (let c = 0; c < d; c++) {
          const t = data[oi + c] - means[j * d + c];
          m += (t * t) / covariances[j * d + c];
        }
      } else {
        // solve L z = x - mu
        const o = j * d * d;
        for (let r = 0; r < d; r++) {
          let v = data[oi + r] - means[j * d + r];
          for (let t = 0; t < r; t++) v -= L[o + r * d + t] * z[t];
          z[r] = v / L[o + r * d + r];
          m += z[r] * z[r];
        }
      }
      const lp = logW[j] - 0.5 * (d * LOG_2PI + logDet[j] + m);
      logp[i * k + j] = lp;
      if (lp > max) max = lp;
    }
    let s = 0;
    for (let j = 0; j < k; j++) s += logp[i * k + j] = Math.exp(logp[i * k + j] - max);
    total += max + Math.log(s);
    for (let j = 0; j < k; j++) logp[i * k + j] /= s;
  }
  return total / n;
}

/** M-step from posteriors (scikit-learn's _estimate_gaussian_parameters, nk + 10 eps). */
function mstep(X: Matrix, post: Float64Array, k: number, covariance: CovarianceType, reg: number): GmmModel {
  const { data, rows: n, cols: d } = X;
  const nk = new Float64Array(k).fill(10 * Number.EPSILON);
  const means = new Float64Array(k * d);
  const resp = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const r = post[i * k + j];
      resp[j] = r;
      nk[j] += r;
    }
    for (let j = 0; j < k; j++) {
      const r = resp[j];
      if (r === 0) continue;
      for (let c = 0; c < d; c++) means[j * d + c] += r * data[i * d + c];
    }
  }
  for (let j = 0; j < k; j++) for (let c = 0; c < d; c++) means[j * d + c] /= nk[j];
  const size = covariance === "full" ? d * d : d;
  const cov = new Float64Array(k * size);
  const diff = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const r = post[i * k + j];
      if (r === 0) continue;
      for (let c = 0; c < d; c++) diff[c] = data[i * d + c] - means[j * d + c];
      const o = j * size;
      if (covariance === "diag") for (let c = 0; c < d; c++) cov[o + c] += r * diff[c] * diff[c];
      else
        for (let a = 0; a < d; a++) {
          const ra = r * diff[a];
          for (let b = 0; b <= a; b++) cov[o + a * d + b] += ra * diff[b];
        }
    }
  }
  for (let j = 0; j < k; j++) {
    const o = j * size;
    if (covariance === "diag") for (let c = 0; c < d; c++) cov[o + c] = cov[o + c] / nk[j] + reg;
    else
      for (let a = 0; a < d; a++) {
        for (let b = 0; b <= a; b++) {
          const v = cov[o + a * d + b] / nk[j] + (a === b ? reg : 0);
          cov[o + a * d + b] = v;
          cov[o + b * d + a] = v;
        }
      }
  }
  const weights = nk.map((v) => v / n);
  return { k, d, covariance, weights, means, covariances: cov };
}

interface EmRun {
  model: GmmModel;
  post: Float64Array;
  logLikelihood: number;
  iterations: number;
  converged: boolean;
}

/** EM from a model until the mean log-likelihood changes by less than tol. */
function em(X: Matrix, start: GmmModel, maxIterations: number, tol: number, reg: number): EmRun {
  const post = new Float64Array(X.rows * start.k);
  let model = start;
  let ll = estep(X, model, post);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    model = mstep(X, post, start.k, start.covariance, reg);
    const next = estep(X, model, post);
    const change = next - ll;
    ll = next;
    if (Math.abs(change) < tol) {
      converged = true;
      break;
    }
  }
  return { model, post, logLikelihood: ll, iterations, converged };
}

/** A k-means start: k-means++ seeds, Lloyd, hard responsibilities -> Gaussian parameters. */
function kmeansStart(X: Matrix, k: number, covariance: CovarianceType, seed: number, reg: number): GmmModel {
  const init = kmeansPlusPlus(X, k, new Rng(seed));
  const { labels } = lloyd(X, init, k, 300, 1e-4 * meanVariance(X));
  const post = new Float64Array(X.rows * k);
  for (let i = 0; i < X.rows; i++) post[i * k + labels[i]] = 1;
  return mstep(X, post, k, covariance, reg);
}

/** Number of free parameters (scikit-learn's `_n_parameters`). */
export function gmmParameters(k: number, d: number, covariance: CovarianceType): number {
  const cov = covariance === "full" ? (k * d * (d + 1)) / 2 : k * d;
  return cov + k * d + k - 1;
}

/** Fits the mixture (see the module comment). */
export function fitGmm(X: Matrix, options: GmmOptions): GmmFit {
  const { k, covariance, seed, restarts } = options;
  const maxIterations = options.maxIterations ?? 100;
  const tol = options.tol ?? 1e-3;
  const screenTol = Math.min(tol, SCREEN_TOL);
  const reg = options.regCovar ?? 1e-6;
  const screen = options.screenSample ?? SCREEN_SAMPLE;
  const n = X.rows;
  const S = n > screen ? takeRows(X, sampleWithoutReplacement(n, screen, new Rng(deriveSeed(seed, k, 0x5a)))) : X;
  let best: EmRun | null = null;
  let bestRestart = 0;
  for (let r = 0; r < Math.max(1, restarts); r++) {
    const s = deriveSeed(seed, k, r, 0x6a11);
    const run = em(S, kmeansStart(S, k, covariance, s, reg), maxIterations, screenTol, reg);
    if (!best || run.logLikelihood > best.logLikelihood) {
      best = run;
      bestRestart = r;
    }
  }
  // the winner is iterated on to POLISH_TOL (EM never lowers the likelihood, so this only improves it); on a
  // screening sample, then on all points to `tol`
  let final = em(S, (best as EmRun).model, POLISH_ITERATIONS, Math.min(tol, POLISH_TOL), reg);
  if (S !== X) final = em(X, final.model, maxIterations, tol, reg);
  // a final E-step so labels agree with the returned parameters (as scikit-learn's fit_predict)
  const post = new Float64Array(n * k);
  const ll = estep(X, final.model, post);
  const labels = new Int32Array(n);
  const membership = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let b = 0;
    for (let j = 1; j < k; j++) if (post[i * k + j] > post[i * k + b]) b = j;
    labels[i] = b;
    membership[i] = post[i * k + b];
  }
  const d = X.cols;
  const { means } = final.model;
  let inertia = 0;
  for (let i = 0; i < n; i++)
    for (let c = 0; c < d; c++) inertia += (X.data[i * d + c] - means[labels[i] * d + c]) ** 2;
  return {
    ...final.model,
    labels,
    centroids: means,
    inertia,
    membership,
    log_likelihood: ll,
    bic: -2 * ll * n + gmmParameters(k, d, covariance) * Math.log(n),
    iterations: final.iterations,
    converged: final.converged,
    best_restart: bestRestart,
  };
}

/** Hard labels and highest posteriors of new points under a fitted model. */
export function assignGmm(model: GmmModel, X: Matrix): { labels: Int32Array; membership: Float64Array } {
  const { k } = model;
  const post = new Float64Array(X.rows * k);
  estep(X, model, post);
  const labels = new Int32Array(X.rows);
  const membership = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    let b = 0;
    for (let j = 1; j < k; j++) if (post[i * k + j] > post[i * k + b]) b = j;
    labels[i] = b;
    membership[i] = post[i * k + b];
  }
  return { labels, membership };
}

/** Reorders the components: new component c is old order[c] (labels, means, weights, covariances). */
export function permuteGmm(fit: GmmFit, order: readonly number[]): GmmFit {
  const { k, d } = fit;
  const inverse = new Int32Array(k);
  order.forEach((old, c) => (inverse[old] = c));
  const size = fit.covariance === "full" ? d * d : d;
  const means = new Float64Array(k * d);
  const covariances = new Float64Array(k * size);
  const weights = new Float64Array(k);
  order.forEach((old, c) => {
    means.set(fit.means.subarray(old * d, old * d + d), c * d);
    covariances.set(fit.covariances.subarray(old * size, old * size + size), c * size);
    weights[c] = fit.weights[old];
  });
  return { ...fit, labels: fit.labels.map((l) => inverse[l]), means, centroids: means, covariances, weights };
}

/** Share of each component's members whose highest posterior is under `threshold` (0.8). */
export function uncertainShare(fit: Pick<GmmFit, "labels" | "membership" | "k">, threshold = 0.8): number[] {
  const counts = new Float64Array(fit.k);
  const uncertain = new Float64Array(fit.k);
  for (let i = 0; i < fit.labels.length; i++) {
    counts[fit.labels[i]]++;
    if (fit.membership[i] < threshold) uncertain[fit.labels[i]]++;
  }
  return Array.from(counts, (c, j) => (c ? uncertain[j] / c : 0));
}
