/**
 * 2-D principal-component projection of the scaled features, for the scatter plot. Eigen-decomposition of the
 * d x d covariance matrix (d <= 7) by cyclic Jacobi rotations: exact to rounding, no dependency. Components are in
 * decreasing variance; each component's sign is fixed so that its largest-|loading| entry is positive (ties: the
 * first such feature), so the picture does not flip between runs or platforms.
 */
import type { Matrix } from "./matrix.ts";

export interface PcaResult {
  /** explained variance ratio of every component (sums to 1), decreasing */
  explained_variance: number[];
  /** loadings[component][feature]: unit eigenvectors, components in decreasing variance */
  loadings: number[][];
  /** feature names of the loadings' columns */
  features: string[];
  /** (pc1, pc2) per customer, input order: [x0, y0, x1, y1, ...] */
  points: Float32Array;
}

/** Eigenvalues and unit eigenvectors (as rows) of a symmetric matrix, eigenvalues decreasing. */
export function symmetricEigen(matrix: readonly (readonly number[])[]): { values: number[]; vectors: number[][] } {
  const d = matrix.length;
  const a = matrix.map((row) => [...row]);
  const v: number[][] = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += a[p][q] * a[p][q];
    if (off < 1e-30) break;
    for (let p = 0; p < d; p++)
      for (let q = p + 1; q < d; q++) {
        if (a[p][q] === 0) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
  }
  const order = Array.from({ length: d }, (_, i) => i).sort((i, j) => a[j][j] - a[i][i] || i - j);
  return { values: order.map((i) => a[i][i]), vectors: order.map((i) => v.map((row) => row[i])) };
}

/** Flips a vector so that its largest-|entry| (first on ties) is positive. */
export function fixSign(vector: number[]): number[] {
  let best = 0;
  for (let i = 1; i < vector.length; i++) if (Math.abs(vector[i]) > Math.abs(vector[best]) + 1e-12) best = i;
  return vector[best] < 0 ? vector.map((x) => -x || 0) : vector;
}

/** The covariance matrix (ddof 1) and column means of X. */
export function covariance(X: Matrix): { cov: number[][]; means: Float64Array } {
  const { data, rows: n, cols: d } = X;
  const means = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) means[c] += data[i * d + c];
  for (let c = 0; c < d; c++) means[c] /= n;
  const cov = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < n; i++)
    for (let p = 0; p < d; p++) {
      const xp = data[i * d + p] - means[p];
      for (let q = p; q < d; q++) cov[p][q] += xp * (data[i * d + q] - means[q]);
    }
  for (let p = 0; p < d; p++)
    for (let q = p; q < d; q++) {
      cov[p][q] /= Math.max(n - 1, 1);
      cov[q][p] = cov[p][q];
    }
  return { cov, means };
}

/** The 2-D projection (a zero second coordinate when there is a single feature). */
export function pca2d(X: Matrix, features: readonly string[]): PcaResult {
  const { data, rows: n, cols: d } = X;
  const { cov, means } = covariance(X);
  const { values, vectors } = symmetricEigen(cov);
  const total = values.reduce((a, b) => a + Math.max(b, 0), 0);
  const loadings = vectors.map(fixSign);
  const points = new Float32Array(2 * n);
  const [u, w] = [loadings[0], loadings[1]];
  for (let i = 0; i < n; i++) {
    let x = 0;
    let y = 0;
    for (let c = 0; c < d; c++) {
      const v = data[i * d + c] - means[c];
      x += v * u[c];
      if (w) y += v * w[c];
    }
    points[2 * i] = x;
    points[2 * i + 1] = y;
  }
  return {
    explained_variance: values.map((v) => (total > 0 ? Math.max(v, 0) / total : 0)),
    loadings,
    features: [...features],
    points,
  };
}
