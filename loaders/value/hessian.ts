/**
 * Observed information for the value models: the numerical Hessian of the negative log-likelihood at the optimum
 * (central differences on the log-parameters), its inverse (the covariance of the log-parameters) and the standard
 * errors of the parameters by the delta method (se(θ) = θ · se(ln θ)).
 */

/** Central-difference Hessian of `f` at `x` (step h per coordinate). */
export function numericalHessian(f: (x: number[]) => number, x: number[], h = 1e-4): number[][] {
  const n = x.length;
  const at = (di: number, si: number, dj: number, sj: number) => {
    const p = x.slice();
    p[di] += si * h;
    p[dj] += sj * h;
    return f(p);
  };
  const f0 = f(x);
  const H = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    H[i][i] = (at(i, 1, i, 1) - 2 * f0 + at(i, -1, i, -1)) / (4 * h * h);
    for (let j = 0; j < i; j++) {
      const v = (at(i, 1, j, 1) - at(i, 1, j, -1) - at(i, -1, j, 1) + at(i, -1, j, -1)) / (4 * h * h);
      H[i][j] = v;
      H[j][i] = v;
    }
  }
  return H;
}

/**
 * Lower Cholesky factor L (A = L Lᵀ) of a symmetric matrix; null when A is not positive definite (then the optimum
 * is not a strict minimum, or the likelihood is flat in some direction).
 */
export function cholesky(A: number[][]): number[][] | null {
  const n = A.length;
  const L = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = A[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      if (i === j) {
        if (!(s > 0)) return null;
        L[i][i] = Math.sqrt(s);
      } else L[i][j] = s / L[j][j];
    }
  return L;
}

/** Inverse of a symmetric positive definite matrix via its Cholesky factor; null when not positive definite. */
export function inverseSpd(A: number[][]): number[][] | null {
  const L = cholesky(A);
  if (!L) return null;
  const n = A.length;
  // columns of L⁻¹, then A⁻¹ = L⁻ᵀ L⁻¹
  const Li = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let c = 0; c < n; c++) {
    for (let i = c; i < n; i++) {
      let s = i === c ? 1 : 0;
      for (let k = c; k < i; k++) s -= L[i][k] * Li[k][c];
      Li[i][c] = s / L[i][i];
    }
  }
  const out = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = Math.max(i, j); k < n; k++) s += Li[k][i] * Li[k][j];
      out[i][j] = s;
    }
  return out;
}
