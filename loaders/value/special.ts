/**
 * Special functions for the value models: log-gamma (the project's Lanczos, stats/distributions.ts), log-beta, and
 * the Gauss hypergeometric 2F1 by its series, used after Euler's transformation so its parameters stay small (see
 * bgnbd.ts). Checked against scipy's gammaln, betaln and hyp2f1 (test/fixtures/value/make_expected.py).
 */
import { lnGamma } from "../stats/distributions.ts";

export { lnGamma };

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), for a, b > 0. @example Math.exp(lnBeta(2, 3)) // 1/12 */
export function lnBeta(a: number, b: number): number {
  return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
}

/** ln(e^a + e^b) without overflow; -Infinity terms allowed. @example logAddExp(0, 0) // ln 2 */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** terms summed at most by hyp2f1 before it gives up (NaN) */
const MAX_TERMS = 200_000;

/**
 * The Gauss hypergeometric function 2F1(a, b; c; z) for 0 <= z < 1 and c > 0, by its power series, summed until a
 * term no longer changes the sum. NaN when it has not converged after MAX_TERMS terms (z too close to 1).
 * @example hyp2f1(1, 1, 2, 0.5) // -ln(1 - 0.5) / 0.5 = 1.3862943611198906
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1)) throw new RangeError(`hyp2f1: z must be in [0, 1), got ${z}`);
  let term = 1;
  let sum = 1;
  for (let k = 0; k < MAX_TERMS; k++) {
    term *= (((a + k) * (b + k)) / ((c + k) * (k + 1))) * z;
    sum += term;
    if (Math.abs(term) <= 1e-16 * Math.abs(sum)) return sum;
    if (term === 0) return sum;
  }
  return Number.NaN;
}
