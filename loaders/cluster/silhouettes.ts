/**
 * The mean silhouette of many labellings of the same rows at once (the method comparison scores 27 of them on
 * the same customers). Each value equals `silhouette` (cluster/metrics.ts, scikit-learn's `silhouette_score`) of
 * that labelling, up to the order of floating-point sums.
 *
 * How: the rows are grouped into atoms, the sets of rows that share their label in every labelling (the common
 * refinement; on Online Retail's 4,338 customers the mixture's 18 and Ward's 9 labellings make about 200 atoms).
 * For each row, the distances to the rows of each atom are summed once, and each atom's sum is added to the
 * atom's cluster in every labelling. So the n^2 distances are computed once, and the per-labelling work is
 * n x atoms instead of n^2: O(n^2 d + n A m) time for m labellings and A atoms (A <= n), O(n m + A m + sum k)
 * memory. Exact: no sampling beyond the caller's `sample`.
 */
import { type Matrix, takeRows } from "./matrix.ts";

export interface Labelling {
  labels: ArrayLike<number>;
  k: number;
}

/**
 * The atoms of the labellings over n rows (`label(l, i)`: row i's label in labelling l): `atom[i]`, the number of
 * atoms, and per atom its label in each labelling (`atomLabels[a * m + l]`). Atoms are numbered by first row.
 */
function atomsOf(n: number, m: number, label: (l: number, i: number) => number) {
  let atom = new Int32Array(n);
  let count = n > 0 ? 1 : 0;
  for (let l = 0; l < m; l++) {
    // refine: (atom, label) pairs, numbered in order of first appearance
    const ids = new Map<number, number>();
    const next = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const key = atom[i] * 1_048_576 + label(l, i);
      let id = ids.get(key);
      if (id === undefined) {
        id = ids.size;
        ids.set(key, id);
      }
      next[i] = id;
    }
    atom = next;
    count = ids.size;
  }
  const atomLabels = new Int32Array(count * m);
  const seen = new Uint8Array(count);
  for (let i = 0; i < n; i++) {
    const a = atom[i];
    if (seen[a]) continue;
    seen[a] = 1;
    for (let l = 0; l < m; l++) atomLabels[a * m + l] = label(l, i);
  }
  return { atom, count, atomLabels };
}

/**
 * Mean silhouette of each labelling, on all rows or on the `sample` rows (as `sampledSilhouette`). NaN for a
 * labelling unless 2 <= clusters present <= points - 1; 0 for members of singleton clusters.
 */
export function silhouettes(X: Matrix, labellings: readonly Labelling[], sample: Int32Array | null): number[] {
  const m = labellings.length;
  if (!m) return [];
  for (const { k } of labellings)
    if (k >= 1_048_576) throw new RangeError("silhouettes: at most 1,048,575 clusters per labelling");
  const P = sample ? takeRows(X, sample) : X;
  const { data, rows: n, cols: d } = P;
  const labelOf = (l: number, i: number) => labellings[l].labels[sample ? sample[i] : i];
  const { atom, count: A, atomLabels } = atomsOf(n, m, labelOf);
  // column offsets: labelling l's cluster c sums at offset[l] + c
  const offset = new Int32Array(m + 1);
  for (let l = 0; l < m; l++) offset[l + 1] = offset[l] + labellings[l].k;
  const width = offset[m];
  // slot[a * m + l]: labelling l's sum slot of atom a
  const slot = new Int32Array(A * m);
  for (let a = 0; a < A; a++) for (let l = 0; l < m; l++) slot[a * m + l] = offset[l] + atomLabels[a * m + l];
  // the rows ordered by atom (counting sort), so each atom's rows are contiguous
  const start = new Int32Array(A + 1);
  for (let i = 0; i < n; i++) start[atom[i] + 1]++;
  for (let a = 0; a < A; a++) start[a + 1] += start[a];
  const fill = start.slice(0, A);
  const sorted = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const at = fill[atom[i]]++;
    for (let q = 0; q < d; q++) sorted[at * d + q] = data[i * d + q];
  }
  const counts = new Float64Array(width);
  for (let a = 0; a < A; a++) {
    const size = start[a + 1] - start[a];
    for (let l = 0; l < m; l++) counts[slot[a * m + l]] += size;
  }
  const valid = labellings.map((lab, l) => {
    let present = 0;
    for (let c = 0; c < lab.k; c++) if (counts[offset[l] + c] > 0) present++;
    return present >= 2 && present <= n - 1;
  });
  const totals = new Float64Array(m);
  const sums = new Float64Array(width);
  const atomSum = new Float64Array(A);
  const x = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let q = 0; q < d; q++) x[q] = data[i * d + q];
    // the distances from row i to each atom's rows (its own distance, 0, included)
    for (let a = 0; a < A; a++) {
      let s = 0;
      for (let j = start[a], oj = j * d; j < start[a + 1]; j++, oj += d) {
        let t2 = 0;
        for (let q = 0; q < d; q++) {
          const t = x[q] - sorted[oj + q];
          t2 += t * t;
        }
        s += Math.sqrt(t2);
      }
      atomSum[a] = s;
    }
    sums.fill(0);
    for (let a = 0, oa = 0; a < A; a++, oa += m) {
      const s = atomSum[a];
      for (let l = 0; l < m; l++) sums[slot[oa + l]] += s;
    }
    const own = atom[i] * m;
    for (let l = 0; l < m; l++) {
      const mine = slot[own + l];
      if (counts[mine] <= 1) continue;
      const a = sums[mine] / (counts[mine] - 1);
      let b = Infinity;
      for (let c = offset[l]; c < offset[l + 1]; c++)
        if (c !== mine && counts[c] > 0) {
          const v = sums[c] / counts[c];
          if (v < b) b = v;
        }
      const mx = Math.max(a, b);
      if (mx > 0) totals[l] += (b - a) / mx;
    }
  }
  return Array.from(totals, (t, l) => (valid[l] ? t / n : NaN));
}
