/**
 * What a clustering method stores in model.json to assign a new point, and how it assigns one.
 * - K-Means (and any method whose clusters are centres) stores the centres and assigns the nearest, with the same
 *   arithmetic as the fit's assignment step (cluster/methods/kmeans.ts: squared differences summed in feature order,
 *   the first centre wins a tie), so scoring the training data gives back every training label. Ward stores the
 *   centres of its cut too (exact: its clusters are the nearest-centre cells on these data, as the round trip checks).
 * - The Gaussian mixture stores its weights, means and covariances and assigns the component of the highest
 *   posterior with the fit's own E-step (`assignGmm`, cluster/methods/gmm.ts), which is how the fit labels its
 *   customers: exact.
 * - DBSCAN stores its groups' centres and assigns the nearest (its own rule, "within eps of a core point", would
 *   need the core points, which are customers' feature vectors, and model.json holds no customer data): scoring
 *   its training data places some customers elsewhere than the fit; the pipeline counts them (summary.json
 *   `model.scoring_mismatches`) and says so in a warning line.
 * A new method adds its shape to `assignmentSchema` (schema.ts) and a case to `assignmentOf` and `assignPoints`.
 */
import type { Matrix } from "../cluster/matrix.ts";
import { assignGmm, type CovarianceType, type GmmModel } from "../cluster/methods/gmm.ts";
import type { Assignment } from "./schema.ts";

/** A fitted Gaussian mixture in cluster order (plain arrays): what the mixture's assignment saves. */
export interface MixtureParameters {
  covariance: CovarianceType;
  weights: number[];
  /** k x d */
  means: number[][];
  /** per component: d x d row by row (full) or d variances (diag) */
  covariances: number[][];
}

/**
 * The assignment data of a fitted solution: `centres` are its centroids in scaled units, cluster order; `mixture`
 * the mixture's parameters when the method is the Gaussian mixture (see the module comment).
 */
export function assignmentOf(
  method: string,
  centres: readonly (readonly number[])[],
  mixture?: MixtureParameters | null,
): Assignment {
  if (method === "gmm" && mixture)
    return {
      kind: "gaussian_mixture",
      covariance: mixture.covariance,
      weights: [...mixture.weights],
      centres: mixture.means.map((m) => [...m]),
      covariances: mixture.covariances.map((c) => [...c]),
    };
  return { kind: "nearest_centre", centres: centres.map((c) => [...c]) };
}

/**
 * Per row of X: the cluster, and the distance (scaled units) to that cluster's centre (the mixture: its mean).
 * Throws a RangeError for a mixture whose covariance is not positive definite (load.ts checks that first).
 */
export function assignPoints(assignment: Assignment, X: Matrix): { labels: Int32Array; distances: Float64Array } {
  switch (assignment.kind) {
    case "nearest_centre":
      return nearestCentre(assignment.centres, X);
    case "gaussian_mixture": {
      const { labels } = assignGmm(gmmModel(assignment, X.cols), X);
      return { labels, distances: distancesTo(assignment.centres, X, labels) };
    }
  }
}

/** The mixture of a saved assignment as the method's model (flat arrays). */
function gmmModel(a: Extract<Assignment, { kind: "gaussian_mixture" }>, d: number): GmmModel {
  return {
    k: a.weights.length,
    d,
    covariance: a.covariance,
    weights: Float64Array.from(a.weights),
    means: Float64Array.from(a.centres.flat()),
    covariances: Float64Array.from(a.covariances.flat()),
  };
}

/** Each row's Euclidean distance to its label's centre. */
function distancesTo(centres: readonly (readonly number[])[], X: Matrix, labels: Int32Array): Float64Array {
  const { data, rows: n, cols: d } = X;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = centres[labels[i]];
    let s = 0;
    for (let j = 0; j < d; j++) {
      const t = data[i * d + j] - c[j];
      s += t * t;
    }
    out[i] = Math.sqrt(s);
  }
  return out;
}

function nearestCentre(
  centres: readonly (readonly number[])[],
  X: Matrix,
): { labels: Int32Array; distances: Float64Array } {
  const { data, rows: n, cols: d } = X;
  const k = centres.length;
  const C = new Float64Array(k * d);
  centres.forEach((c, j) => C.set(c, j * d));
  const labels = new Int32Array(n);
  const distances = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const oi = i * d;
    let best = Infinity;
    let b = 0;
    for (let j = 0; j < k; j++) {
      const oj = j * d;
      let dist = 0;
      for (let c = 0; c < d; c++) {
        const t = data[oi + c] - C[oj + c];
        dist += t * t;
      }
      if (dist < best) {
        best = dist;
        b = j;
      }
    }
    labels[i] = b;
    distances[i] = Math.sqrt(best);
  }
  return { labels, distances };
}
