/**
 * Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Fader & Hardie 2013 note): a customer's
 * transaction values are Gamma(p, ν) around her mean, ν ~ Gamma(q, γ) across customers (γ is called v here, as in
 * lifetimes). Fitted on the mean value m of each customer's x ≥ 1 repeat transactions; the expected average spend is
 * the posterior mean p(v + x m)/(p x + q − 1), a weighted mean of the population mean p v/(q − 1) and the
 * customer's own m. Assumes spend does not depend on purchase frequency (checked by `frequencySpendCorrelation`).
 */
import { fitModel, type FitOptions, type FitResult } from "./fit.ts";
import { lnGamma } from "./special.ts";

export const GAMMA_GAMMA_PARAMS = ["p", "q", "v"] as const;
export type SpendParams = Record<(typeof GAMMA_GAMMA_PARAMS)[number], number>;

/** Repeat customers only: x >= 1 and m > 0, aligned. */
export interface SpendData {
  x: ArrayLike<number>;
  m: ArrayLike<number>;
}

function negLogLikelihood(d: SpendData) {
  const n = d.x.length;
  // the log-gamma terms depend on x only: computed once per distinct x
  const xValues: number[] = [];
  const xPos = new Map<number, number>();
  const xIndex = new Int32Array(n);
  const logM = new Float64Array(n);
  let sumLogM = 0;
  for (let i = 0; i < n; i++) {
    let k = xPos.get(d.x[i]);
    if (k === undefined) {
      k = xValues.length;
      xValues.push(d.x[i]);
      xPos.set(d.x[i], k);
    }
    xIndex[i] = k;
    logM[i] = Math.log(d.m[i]);
    sumLogM += logM[i];
  }
  const perX = new Float64Array(xValues.length);
  return (logp: number[]) => {
    const [p, q, v] = logp.map(Math.exp);
    const base = -lnGamma(q) + q * Math.log(v);
    for (let k = 0; k < xValues.length; k++) {
      const x = xValues[k];
      perX[k] = base + lnGamma(p * x + q) - lnGamma(p * x) + p * x * Math.log(x);
    }
    let ll = -sumLogM;
    for (let i = 0; i < n; i++) {
      const x = d.x[i];
      const px = p * x;
      ll += perX[xIndex[i]] + px * logM[i] - (px + q) * Math.log(x * d.m[i] + v);
    }
    return -ll;
  };
}

/** The summed Gamma-Gamma log-likelihood (lifetimes' form, which leaves out no term depending on the parameters). */
export function gammaGammaLogLikelihood(p: SpendParams, d: SpendData): number {
  return -negLogLikelihood(d)([p.p, p.q, p.v].map(Math.log));
}

/** Fits Gamma-Gamma by maximum likelihood (from p = q = v = 1). */
export function fitGammaGamma(d: SpendData, options: FitOptions = {}): FitResult<(typeof GAMMA_GAMMA_PARAMS)[number]> {
  return fitModel(GAMMA_GAMMA_PARAMS, negLogLikelihood(d), [0, 0, 0], d.x.length, options);
}

/** E[M | x, m]: the expected average transaction value; the population mean p v / (q − 1) when x = 0. */
export function expectedAverageSpend(p: SpendParams, x: number, m: number): number {
  return (p.p * (p.v + x * m)) / (p.p * x + p.q - 1);
}

/** Pearson correlation of frequency and mean spend among repeat customers (the model assumes it is near 0). */
export function frequencySpendCorrelation(d: SpendData): number {
  const n = d.x.length;
  let sx = 0;
  let sm = 0;
  for (let i = 0; i < n; i++) {
    sx += d.x[i];
    sm += d.m[i];
  }
  const mx = sx / n;
  const mm = sm / n;
  let cxy = 0;
  let cxx = 0;
  let cyy = 0;
  for (let i = 0; i < n; i++) {
    cxy += (d.x[i] - mx) * (d.m[i] - mm);
    cxx += (d.x[i] - mx) ** 2;
    cyy += (d.m[i] - mm) ** 2;
  }
  return cxy / Math.sqrt(cxx * cyy);
}
