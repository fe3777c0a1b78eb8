/**
 * What a clustering method stores in model.json to assign a new point, and how it assigns one. K-Means (and any
 * method whose clusters are centres) stores the centres and assigns the nearest, with the same arithmetic as the
 * fit's assignment step (cluster/methods/kmeans.ts: squared differences summed in feature order, the first centre
 * wins a tie), so scoring the training data gives back every training label. A new method adds its shape to
 * `assignmentSchema` (schema.ts) and a case to `assignmentOf` and `assignPoints`.
 */
import type { Matrix } from "../cluster/matrix.ts";
import type { Assignment } from "./schema.ts";

/**
 * The assignment data of a fitted solution: `centres` are its centroids in scaled units, cluster order. K-Means and
 * Ward (whose model above its exact size is the centres of the cut) assign to the nearest centre exactly. The
 * mixture and DBSCAN have no saved form of their own yet: their groups' centres stand in, which places some
 * customers elsewhere than the fit did; the pipeline counts them (summary.json `model.scoring_mismatches`) and says
 * so in a warning line.
 */
export function assignmentOf(_method: string, centres: readonly (readonly number[])[]): Assignment {
  return { kind: "nearest_centre", centres: centres.map((c) => [...c]) };
}

/** Per row of X: the cluster, and the distance (scaled units) to that cluster's centre. */
export function assignPoints(assignment: Assignment, X: Matrix): { labels: Int32Array; distances: Float64Array } {
  switch (assignment.kind) {
    case "nearest_centre":
      return nearestCentre(assignment.centres, X);
  }
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
