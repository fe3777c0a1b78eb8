/**
 * Minimisation for the value models' maximum-likelihood fits: Nelder-Mead (the adaptive parameters of Gao & Han
 * 2012, as scipy's `adaptive` option) on unconstrained parameters (the models pass log-parameters), restarted from
 * its own optimum until a restart no longer improves, and a central-difference gradient to check the optimum.
 */

export interface MinimiseOptions {
  /** function evaluations in all, restarts included (default 20,000) */
  maxEvaluations?: number;
  /** stop when the simplex spans less than this in every coordinate (default 1e-7)... */
  xTolerance?: number;
  /** ...and its values differ by less than this (default 1e-10, relative to max(1, |f|)) */
  fTolerance?: number;
  /** initial simplex step per coordinate (default 0.5) */
  step?: number;
}

export interface MinimiseResult {
  x: number[];
  value: number;
  /** iterations of the simplex, restarts included */
  iterations: number;
  evaluations: number;
  /** the tolerances were met before the evaluation budget ran out */
  converged: boolean;
}

/**
 * Nelder-Mead minimum of `f` from `start`. Non-finite values are treated as +Infinity (outside the domain).
 * @example nelderMead(([x, y]) => (x - 1) ** 2 + (y + 2) ** 2, [0, 0]).x // ≈ [1, -2]
 */
export function nelderMead(f: (x: number[]) => number, start: number[], options: MinimiseOptions = {}): MinimiseResult {
  const maxEvaluations = options.maxEvaluations ?? 20_000;
  const xTol = options.xTolerance ?? 1e-7;
  const fTol = options.fTolerance ?? 1e-10;
  const n = start.length;
  let evaluations = 0;
  const value = (x: number[]) => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const alpha = 1;
  const beta = 1 + 2 / n;
  const gamma = 0.75 - 1 / (2 * n);
  const delta = 1 - 1 / n;
  let x0 = start.slice();
  let best = value(x0);
  let iterations = 0;
  let converged = false;
  for (let restart = 0; restart < 20 && evaluations < maxEvaluations; restart++) {
    const simplex: number[][] = [x0.slice()];
    const values: number[] = [best];
    for (let i = 0; i < n; i++) {
      const p = x0.slice();
      p[i] += options.step ?? (restart === 0 ? 0.5 : 0.05);
      simplex.push(p);
      values.push(value(p));
    }
    let met = false;
    while (evaluations < maxEvaluations) {
      const order = values.map((_, i) => i).sort((i, j) => values[i] - values[j] || i - j);
      const s = order.map((i) => simplex[i]);
      const v = order.map((i) => values[i]);
      for (let i = 0; i <= n; i++) {
        simplex[i] = s[i];
        values[i] = v[i];
      }
      const spread = Math.max(
        ...simplex.slice(1).map((p) => Math.max(...p.map((c, j) => Math.abs(c - simplex[0][j])))),
      );
      if (spread <= xTol && values[n] - values[0] <= fTol * Math.max(1, Math.abs(values[0]))) {
        met = true;
        break;
      }
      iterations++;
      const centroid = new Array<number>(n).fill(0);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] += simplex[i][j] / n;
      const towards = (t: number) => centroid.map((c, j) => c + t * (simplex[n][j] - c));
      const xr = towards(-alpha);
      const fr = value(xr);
      if (fr < values[0]) {
        const xe = towards(-alpha * beta);
        const fe = value(xe);
        if (fe < fr) [simplex[n], values[n]] = [xe, fe];
        else [simplex[n], values[n]] = [xr, fr];
      } else if (fr < values[n - 1]) {
        [simplex[n], values[n]] = [xr, fr];
      } else {
        const outside = fr < values[n];
        const xc = towards(outside ? -alpha * gamma : gamma);
        const fc = value(xc);
        if (fc < (outside ? fr : values[n])) [simplex[n], values[n]] = [xc, fc];
        else
          for (let i = 1; i <= n; i++) {
            simplex[i] = simplex[i].map((c, j) => simplex[0][j] + delta * (c - simplex[0][j]));
            values[i] = value(simplex[i]);
          }
      }
    }
    let b = 0;
    for (let i = 1; i <= n; i++) if (values[i] < values[b]) b = i;
    const improved = best - values[b] > fTol * Math.max(1, Math.abs(values[b]));
    x0 = simplex[b];
    best = values[b];
    if (!met) break;
    if (restart > 0 && !improved) {
      converged = true;
      break;
    }
  }
  return { x: x0, value: best, iterations, evaluations, converged };
}

/** Central-difference gradient of `f` at `x` (step h per coordinate). */
export function numericalGradient(f: (x: number[]) => number, x: number[], h = 1e-5): number[] {
  return x.map((_, i) => {
    const up = x.slice();
    const down = x.slice();
    up[i] += h;
    down[i] -= h;
    return (f(up) - f(down)) / (2 * h);
  });
}
