/**
 * Intervals for expected revenue over the horizon, per segment: Krinsky-Robb draws, i.e. a seeded parametric
 * bootstrap of the estimates, drawing the log-parameters of both models from their asymptotic normal distribution
 * (mean the estimate, covariance the inverse observed information) and recomputing every customer's expected revenue
 * for each draw. The 2.5% and 97.5% quantiles of the draws bound the 95% interval. They carry the parameters'
 * uncertainty, not the randomness of the purchases themselves.
 */
import { Rng } from "../stats/random.ts";
import { quantileSorted } from "../stats/quantile.ts";
import { cholesky } from "./hessian.ts";

/** draws per interval */
export const INTERVAL_DRAWS = 200;

/** A standard normal draw (Box-Muller, one of the pair). */
function normal(rng: Rng): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** `draws` parameter vectors drawn from N(ln θ̂, Σ) and exponentiated; [] when Σ has no Cholesky factor. */
export function drawParameters(estimate: number[], logCovariance: number[][], draws: number, rng: Rng): number[][] {
  const L = cholesky(logCovariance);
  if (!L) return [];
  const mean = estimate.map(Math.log);
  const out: number[][] = [];
  for (let d = 0; d < draws; d++) {
    const z = mean.map(() => normal(rng));
    out.push(mean.map((m, i) => Math.exp(m + L[i].reduce((s, l, j) => s + l * z[j], 0))));
  }
  return out;
}

/** The 95% interval [2.5%, 97.5%] of draws (type 7 quantiles). */
export function interval95(values: number[]): [number, number] {
  const sorted = values.slice().sort((a, b) => a - b);
  return [quantileSorted(sorted, 0.025), quantileSorted(sorted, 0.975)];
}
