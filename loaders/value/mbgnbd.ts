/**
 * MBG/NBD (Batislam, Denizel & Filiztekin 2007): BG/NBD where a customer may also drop out right after the first
 * purchase, so a one-off buyer's P(alive) falls with time instead of staying 1. Likelihood, P(alive) and conditional
 * expected purchases as lifetimes' ModifiedBetaGeoFitter; the 2F1 through Euler's transformation as in bgnbd.ts:
 * ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x+1; a+b+x; z) = (1−z)^(a−1) · 2F1(a+b−r, a−1; a+b+x; z).
 */
import { BGNBD_PARAMS, purchaseNegLogLikelihood, type PurchaseParams } from "./bgnbd.ts";
import { fitModel, groupHistories, type FitOptions, type FitResult, type Histories } from "./fit.ts";
import { hyp2f1 } from "./special.ts";

/** The summed MBG/NBD log-likelihood at (r, α, a, b). */
export function mbgnbdLogLikelihood(p: PurchaseParams, h: Histories): number {
  return -purchaseNegLogLikelihood(groupHistories(h), 1)([p.r, p.alpha, p.a, p.b].map(Math.log));
}

/** Fits MBG/NBD by maximum likelihood (from r = α = a = b = 1). */
export function fitMbgnbd(h: Histories, options: FitOptions = {}): FitResult<(typeof BGNBD_PARAMS)[number]> {
  const g = groupHistories(h);
  return fitModel(BGNBD_PARAMS, purchaseNegLogLikelihood(g, 1), [0, 0, 0, 0], g.customers, options);
}

/** P(alive | x, t_x, T) under MBG/NBD: below 1 for one-off buyers too. */
export function mbgnbdPAlive(p: PurchaseParams, x: number, tx: number, T: number): number {
  return 1 / (1 + Math.exp(Math.log(p.a) - Math.log(p.b + x) + (p.r + x) * Math.log((p.alpha + T) / (p.alpha + tx))));
}

/** E[purchases in (T, T + t] | x, t_x, T] under MBG/NBD. */
export function mbgnbdExpected(p: PurchaseParams, x: number, tx: number, T: number, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = p;
  const z = t / (alpha + T + t);
  const tail = Math.pow(1 - z, a - 1) * hyp2f1(a + b - r, a - 1, a + b + x, z);
  return ((a + b + x) / (a - 1)) * (1 - tail) * mbgnbdPAlive(p, x, tx, T);
}
