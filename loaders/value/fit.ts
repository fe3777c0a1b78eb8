/**
 * The shared fitter (as lifetimes' BaseFitter): every model gives its parameter names, a negative log-likelihood of
 * its log-parameters and a start; `fitModel` minimises it (optimise.ts), checks the optimum (the simplex met its
 * tolerances, the gradient is near zero, the Hessian is positive definite) and returns the parameters, the
 * log-likelihood, the standard errors from the observed information (hessian.ts) and, when it did not converge, why,
 * in one line. Also the compression of per-customer histories into distinct rows with weights, which the
 * likelihoods sum over.
 */
import { inverseSpd, numericalHessian } from "./hessian.ts";
import { nelderMead, numericalGradient, type MinimiseOptions } from "./optimise.ts";

export interface FitResult<P extends string = string> {
  params: Record<P, number>;
  log_likelihood: number;
  /** standard errors (delta method from the log-parameters' covariance); null when the Hessian is not positive definite */
  se: Record<P, number> | null;
  converged: boolean;
  /** Nelder-Mead iterations, restarts included */
  iterations: number;
  /** why the fit is not trusted, in one line; null when it converged */
  problem: string | null;
  /** covariance of the log-parameters (inverse observed information), for the interval draws; null as `se` */
  log_covariance: number[][] | null;
}

export interface FitOptions extends MinimiseOptions {
  /** largest |gradient| of the negative log-likelihood (per log-parameter) accepted at the optimum, relative to the number of customers (default 1e-4) */
  gradientTolerance?: number;
}

/**
 * Maximum-likelihood fit of a model given as its negative log-likelihood over log-parameters. `customers` scales
 * the gradient check.
 */
export function fitModel<P extends string>(
  names: readonly P[],
  negLogLikelihood: (logParams: number[]) => number,
  start: number[],
  customers: number,
  options: FitOptions = {},
): FitResult<P> {
  const opt = nelderMead(negLogLikelihood, start, options);
  const params = Object.fromEntries(names.map((name, i) => [name, Math.exp(opt.x[i])])) as Record<P, number>;
  const problems: string[] = [];
  if (!Number.isFinite(opt.value)) problems.push("the likelihood is not finite anywhere the optimiser looked");
  else if (!opt.converged) problems.push(`the optimiser did not converge within ${opt.evaluations} evaluations`);
  let se: Record<P, number> | null = null;
  let cov: number[][] | null = null;
  if (Number.isFinite(opt.value)) {
    const gradient = numericalGradient(negLogLikelihood, opt.x);
    const worst = Math.max(...gradient.map(Math.abs));
    if (!(worst <= (options.gradientTolerance ?? 1e-4) * Math.max(1, customers)))
      problems.push(`the gradient at the optimum is not zero (largest ${worst.toPrecision(3)})`);
    if (opt.x.some((v) => Math.abs(v) > 25)) problems.push("a parameter ran off to 0 or infinity");
    cov = inverseSpd(numericalHessian(negLogLikelihood, opt.x));
    if (cov && cov.every((row, i) => row[i] > 0 && Number.isFinite(row[i])))
      se = Object.fromEntries(names.map((name, i) => [name, params[name] * Math.sqrt(cov![i][i])])) as Record<
        P,
        number
      >;
    else {
      cov = null;
      problems.push("the likelihood is flat in some direction at the optimum (no standard errors)");
    }
  }
  return {
    params,
    log_likelihood: -opt.value,
    se,
    converged: problems.length === 0,
    iterations: opt.iterations,
    problem: problems.length ? problems.join("; ") : null,
    log_covariance: cov,
  };
}

/** Per-customer repeat-purchase histories in the model's time unit. */
export interface Histories {
  /** repeat transactions (purchase days after the first) */
  x: ArrayLike<number>;
  /** time from the first to the last purchase */
  t_x: ArrayLike<number>;
  /** time from the first purchase to the end of the period */
  T: ArrayLike<number>;
}

/** Distinct (x, t_x, T) rows with their counts, and the distinct x values (the log-gamma terms depend on x only). */
export interface GroupedHistories {
  x: Float64Array;
  t_x: Float64Array;
  T: Float64Array;
  weight: Float64Array;
  /** index of each row's x in `xValues` (the log-gamma terms depend on x only) */
  xIndex: Int32Array;
  xValues: number[];
  /** the same for T and t_x (their logarithms are computed once per distinct value) */
  TIndex: Int32Array;
  TValues: number[];
  txIndex: Int32Array;
  txValues: number[];
  customers: number;
}

/** Distinct values of a column and each row's index among them. */
function distinct(values: Float64Array): { index: Int32Array; values: number[] } {
  const pos = new Map<number, number>();
  const out: number[] = [];
  const index = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    let p = pos.get(values[i]);
    if (p === undefined) {
      p = out.length;
      out.push(values[i]);
      pos.set(values[i], p);
    }
    index[i] = p;
  }
  return { index, values: out };
}

/** Groups identical histories (the likelihood is a sum over customers: identical rows are counted once, weighted). */
export function groupHistories(h: Histories): GroupedHistories {
  const rows = new Map<string, number>();
  const order: string[] = [];
  for (let i = 0; i < h.x.length; i++) {
    const key = `${h.x[i]}|${h.t_x[i]}|${h.T[i]}`;
    const seen = rows.get(key);
    if (seen === undefined) {
      rows.set(key, 1);
      order.push(key);
    } else rows.set(key, seen + 1);
  }
  const n = order.length;
  const out = {
    x: new Float64Array(n),
    t_x: new Float64Array(n),
    T: new Float64Array(n),
    weight: new Float64Array(n),
  };
  order.forEach((key, i) => {
    const [x, tx, T] = key.split("|").map(Number);
    out.x[i] = x;
    out.t_x[i] = tx;
    out.T[i] = T;
    out.weight[i] = rows.get(key)!;
  });
  const xs = distinct(out.x);
  const Ts = distinct(out.T);
  const txs = distinct(out.t_x);
  return {
    ...out,
    xIndex: xs.index,
    xValues: xs.values,
    TIndex: Ts.index,
    TValues: Ts.values,
    txIndex: txs.index,
    txValues: txs.values,
    customers: h.x.length,
  };
}
