/**
 * BG/NBD (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way"): while alive a customer buys as a Poisson
 * process with rate λ ~ Gamma(r, α); after each repeat purchase she drops out with probability p ~ Beta(a, b).
 * Log-likelihood (their eq. 6) in log-gamma form; P(alive) (eq. 11) and the conditional expected purchases in the
 * next t (eq. 10), whose 2F1 is taken through Euler's transformation so that its series stays small and converges
 * fast: ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; z) = (1−z)^(a−1) · 2F1(a+b−1−r, a−1; a+b+x−1; z),
 * z = t/(α+T+t).
 */
import {
  fitModel,
  groupHistories,
  type FitOptions,
  type FitResult,
  type GroupedHistories,
  type Histories,
} from "./fit.ts";
import { hyp2f1, lnGamma, logAddExp } from "./special.ts";

export const BGNBD_PARAMS = ["r", "alpha", "a", "b"] as const;
export type PurchaseParams = Record<(typeof BGNBD_PARAMS)[number], number>;

/** The summed BG/NBD log-likelihood of grouped histories at (r, α, a, b). */
export function bgnbdLogLikelihood(p: PurchaseParams, h: Histories): number {
  const g = groupHistories(h);
  return -purchaseNegLogLikelihood(g, 0)([p.r, p.alpha, p.a, p.b].map(Math.log));
}

/**
 * The negative log-likelihood over log-parameters shared by BG/NBD (`shift` 0) and MBG/NBD (`shift` 1, where a
 * customer may also drop out at the first purchase): per customer
 * lnΓ(r+x) − lnΓ(r) + r·ln α + lnΓ(a+b) − lnΓ(b) + lnΓ(b+x+s) − lnΓ(a+b+x+s)
 *   + ln[(α+T)^−(r+x) + (a/(b+x−1+s))·(α+t_x)^−(r+x)], the second term only for x > 0 under BG/NBD.
 * Terms that depend on x, T or t_x alone are computed once per distinct value.
 */
export function purchaseNegLogLikelihood(g: GroupedHistories, shift: 0 | 1) {
  const logT = new Float64Array(g.TValues.length);
  const logTx = new Float64Array(g.txValues.length);
  const perX = new Float64Array(g.xValues.length);
  const dropX = new Float64Array(g.xValues.length);
  return (logp: number[]) => {
    const [r, alpha, a, b] = logp.map(Math.exp);
    const base = r * Math.log(alpha) - lnGamma(r) + lnGamma(a + b) - lnGamma(b);
    const la = Math.log(a);
    for (let k = 0; k < g.xValues.length; k++) {
      const x = g.xValues[k];
      perX[k] = base + lnGamma(r + x) + lnGamma(b + x + shift) - lnGamma(a + b + x + shift);
      dropX[k] = x > 0 || shift === 1 ? la - Math.log(b + x - 1 + shift) : -Infinity;
    }
    for (let k = 0; k < g.TValues.length; k++) logT[k] = Math.log(alpha + g.TValues[k]);
    for (let k = 0; k < g.txValues.length; k++) logTx[k] = Math.log(alpha + g.txValues[k]);
    let ll = 0;
    for (let i = 0; i < g.x.length; i++) {
      const x = g.x[i];
      const a3 = -(r + x) * logT[g.TIndex[i]];
      const a4 = dropX[g.xIndex[i]] - (r + x) * logTx[g.txIndex[i]];
      ll += g.weight[i] * (perX[g.xIndex[i]] + logAddExp(a3, a4));
    }
    return -ll;
  };
}

/** Fits BG/NBD by maximum likelihood (from r = α = a = b = 1, as lifetimes). */
export function fitBgnbd(h: Histories, options: FitOptions = {}): FitResult<(typeof BGNBD_PARAMS)[number]> {
  const g = groupHistories(h);
  return fitModel(BGNBD_PARAMS, purchaseNegLogLikelihood(g, 0), [0, 0, 0, 0], g.customers, options);
}

/** P(alive | x, t_x, T) (eq. 11): 1 for a customer without a repeat purchase (the model's assumption). */
export function bgnbdPAlive(p: PurchaseParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  return (
    1 / (1 + Math.exp(Math.log(p.a) - Math.log(p.b + x - 1) + (p.r + x) * Math.log((p.alpha + T) / (p.alpha + tx))))
  );
}

/** E[purchases in (T, T + t] | x, t_x, T] (eq. 10). */
export function bgnbdExpected(p: PurchaseParams, x: number, tx: number, T: number, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = p;
  const z = t / (alpha + T + t);
  const tail = Math.pow(1 - z, a - 1) * hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z);
  return ((a + b + x - 1) / (a - 1)) * (1 - tail) * bgnbdPAlive(p, x, tx, T);
}
