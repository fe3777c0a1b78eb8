/**
 * Ward's hierarchical clustering, exact by the nearest-neighbour chain (Murtagh 1983; as scipy's `linkage(method =
 * "ward")`, which scikit-learn's `AgglomerativeClustering(linkage = "ward")` calls): clusters are kept as sizes
 * and centroids, the Ward distance between A and B is sqrt(2 |A||B| / (|A| + |B|)) x |c_A - c_B| (scipy's merge
 * height), so memory is O(n d) and time O(n^2 d), against the n^2 / 2 distance matrix that `ml-hclust`'s AGNES
 * needs (bench/methods.ts measures both: the chain is far faster and the only one that fits 20,000 customers).
 * The merges are sorted by height (stable) into a dendrogram; cutting it at k undoes the last k - 1 merges.
 *
 * Above WARD_EXACT customers the tree is built on a seeded sample of WARD_EXACT customers, and every other customer
 * joins the cut cluster with the nearest centre (the centres are the means of the cut's sample members).
 * The tree depends only on the data (ties: the earlier cluster wins), so labels are deterministic.
 */
import type { ClusterFit } from "../method.ts";
import { type Matrix, takeRows } from "../matrix.ts";
import { Rng, sampleWithoutReplacement } from "../../stats/random.ts";

/** Exact Ward up to this many customers; a seeded sample of this size above it. */
export const WARD_EXACT = 20_000;

/** One merge, scipy's linkage row: clusters a and b (ids < n are points, n + i the i-th merge) at `height`. */
export interface WardTree {
  n: number;
  /** merges in height order: a, b, height, size of the new cluster */
  a: Int32Array;
  b: Int32Array;
  height: Float64Array;
  size: Int32Array;
}

/** The Ward dendrogram of the rows of X (see the module comment). */
export function wardTree(X: Matrix): WardTree {
  const { rows: n, cols: d } = X;
  const C = Float64Array.from(X.data);
  const size = new Float64Array(n).fill(1);
  // id of the cluster in each slot (points first, merges n + i once sorted; here: provisional slot numbers)
  const active = new Int32Array(n);
  const where = new Int32Array(n);
  for (let i = 0; i < n; i++) active[i] = where[i] = i;
  let nActive = n;
  const ma = new Int32Array(Math.max(n - 1, 0));
  const mb = new Int32Array(Math.max(n - 1, 0));
  const mh = new Float64Array(Math.max(n - 1, 0));
  const chain = new Int32Array(n);
  let top = 0;
  let merges = 0;
  const cost = (p: number, q: number): number => {
    let s = 0;
    const op = p * d;
    const oq = q * d;
    for (let c = 0; c < d; c++) {
      const t = C[op + c] - C[oq + c];
      s += t * t;
    }
    return ((size[p] * size[q]) / (size[p] + size[q])) * s;
  };
  while (nActive > 1) {
    if (top === 0) {
      // start a chain at the lowest active slot
      let lowest = Infinity;
      for (let i = 0; i < nActive; i++) if (active[i] < lowest) lowest = active[i];
      chain[top++] = lowest;
    }
    const x = chain[top - 1];
    const prev = top > 1 ? chain[top - 2] : -1;
    // nearest active cluster to x; the previous chain element wins ties (so the chain cannot cycle)
    let y = prev;
    let best = prev >= 0 ? cost(x, prev) : Infinity;
    const op = x * d;
    const sx = size[x];
    for (let i = 0; i < nActive; i++) {
      const q = active[i];
      if (q === x) continue;
      const oq = q * d;
      let s = 0;
      for (let c = 0; c < d; c++) {
        const t = C[op + c] - C[oq + c];
        s += t * t;
      }
      const v = ((sx * size[q]) / (sx + size[q])) * s;
      if (v < best || (v === best && q < y && y !== prev)) {
        best = v;
        y = q;
      }
    }
    if (y !== prev) {
      chain[top++] = y;
      continue;
    }
    // x and y are reciprocal nearest neighbours: merge into slot min(x, y)
    top -= 2;
    const keep = Math.min(x, y);
    const drop = Math.max(x, y);
    ma[merges] = keep;
    mb[merges] = drop;
    mh[merges] = Math.sqrt(2 * best);
    merges++;
    const s = size[x] + size[y];
    for (let c = 0; c < d; c++) C[keep * d + c] = (size[x] * C[x * d + c] + size[y] * C[y * d + c]) / s;
    size[keep] = s;
    const slot = where[drop];
    active[slot] = active[--nActive];
    where[active[slot]] = slot;
  }
  return sortMerges(n, ma, mb, mh);
}

/**
 * Orders the chain's merges by height (stable) and renames slots to scipy's cluster ids (points 0..n-1, the i-th
 * merge n + i), as scipy's `_hierarchy.label`.
 */
function sortMerges(n: number, ma: Int32Array, mb: Int32Array, mh: Float64Array): WardTree {
  const m = mh.length;
  const order = Array.from({ length: m }, (_, i) => i).sort((p, q) => mh[p] - mh[q] || p - q);
  // union-find over slots: each root carries its current cluster id
  const parent = new Int32Array(n);
  const id = new Int32Array(n);
  const count = new Int32Array(n).fill(1);
  for (let i = 0; i < n; i++) parent[i] = id[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]];
    return x;
  };
  const a = new Int32Array(m);
  const b = new Int32Array(m);
  const height = new Float64Array(m);
  const size = new Int32Array(m);
  order.forEach((j, i) => {
    const ra = find(ma[j]);
    const rb = find(mb[j]);
    const [ia, ib] = id[ra] < id[rb] ? [id[ra], id[rb]] : [id[rb], id[ra]];
    a[i] = ia;
    b[i] = ib;
    height[i] = mh[j];
    size[i] = count[ra] + count[rb];
    parent[rb] = ra;
    count[ra] = size[i];
    id[ra] = n + i;
  });
  return { n, a, b, height, size };
}

/**
 * Flat clusters from the first n - k merges: labels 0..k-1 numbered by each cluster's lowest row (deterministic).
 */
export function cutTree(tree: WardTree, k: number): Int32Array {
  const { n } = tree;
  const parent = new Int32Array(2 * n - 1);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (let i = 0; i < n - k; i++) {
    parent[find(tree.a[i])] = n + i;
    parent[find(tree.b[i])] = n + i;
  }
  const labels = new Int32Array(n);
  const code = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const root = find(i);
    let c = code.get(root);
    if (c === undefined) code.set(root, (c = code.size));
    labels[i] = c;
  }
  return labels;
}

/** Node of the top of a dendrogram: a merge (children) or a leaf (a cluster of the cut at `leaves`). */
export interface DendrogramNode {
  id: number;
  height: number;
  size: number;
  children: number[];
}

/**
 * The top `leaves - 1` merges of the tree, whose leaves are the clusters of the cut at `leaves` (leaf ids are
 * their labels in `cutTree(tree, leaves)`, merge ids n + i as in the tree). Root first.
 */
export function topDendrogram(tree: WardTree, leaves: number): DendrogramNode[] {
  const { n } = tree;
  const m = n - 1;
  const first = n - leaves; // merges [first, m) are shown
  const labels = cutTree(tree, leaves);
  // the cluster id (in tree ids) of each leaf label: the root of each cut cluster
  const rootOf = new Map<number, number>();
  const parent = new Int32Array(2 * n - 1);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (let i = 0; i < first; i++) {
    parent[find(tree.a[i])] = n + i;
    parent[find(tree.b[i])] = n + i;
  }
  const leafSize = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    rootOf.set(r, labels[i]);
    leafSize.set(labels[i], (leafSize.get(labels[i]) ?? 0) + 1);
  }
  const nodes: DendrogramNode[] = [];
  const visit = (treeId: number): number => {
    if (treeId < n + first) {
      const leaf = rootOf.get(treeId) as number;
      nodes.push({ id: leaf, height: 0, size: leafSize.get(leaf) as number, children: [] });
      return leaf;
    }
    const i = treeId - n;
    const children = [visit(tree.a[i]), visit(tree.b[i])];
    nodes.push({ id: treeId, height: tree.height[i], size: tree.size[i], children });
    return treeId;
  };
  if (m >= 0 && leaves >= 1) visit(n + m - 1);
  return nodes.reverse();
}

export interface WardFit extends ClusterFit {
  /** rows the tree was built on (null: all) */
  sample: number | null;
}

/** Means of each label's rows (k x d). */
function centres(X: Matrix, labels: ArrayLike<number>, k: number): Float64Array {
  const { data, rows: n, cols: d } = X;
  const C = new Float64Array(k * d);
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    counts[labels[i]]++;
    for (let c = 0; c < d; c++) C[labels[i] * d + c] += data[i * d + c];
  }
  for (let j = 0; j < k; j++) for (let c = 0; c < d; c++) C[j * d + c] /= counts[j];
  return C;
}

/** Each row's nearest centre (ties: the lower label). Also the model's `assign` for new customers. */
export function nearestCentre(X: Matrix, C: Float64Array, k: number): Int32Array {
  const { data, rows: n, cols: d } = X;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestD = Infinity;
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += (data[i * d + c] - C[j * d + c]) ** 2;
      if (s < bestD) {
        bestD = s;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}

/** The sample the tree is built on (null = all rows), as WARD_EXACT rules. */
export function wardSample(n: number, seed: number, limit = WARD_EXACT): Int32Array | null {
  return n > limit ? sampleWithoutReplacement(n, limit, new Rng(seed)).sort() : null;
}

/** Labels of the cut at k for every row, from a tree on all rows or on `sample` (see the module comment). */
export function wardFromTree(X: Matrix, tree: WardTree, sample: Int32Array | null, k: number): WardFit {
  const d = X.cols;
  const cut = cutTree(tree, k);
  let labels = cut;
  let C: Float64Array;
  if (sample) {
    C = centres(takeRows(X, sample), cut, k);
    labels = nearestCentre(X, C, k);
    sample.forEach((row, i) => (labels[row] = cut[i]));
  } else C = centres(X, cut, k);
  let inertia = 0;
  for (let i = 0; i < X.rows; i++)
    for (let c = 0; c < d; c++) inertia += (X.data[i * d + c] - C[labels[i] * d + c]) ** 2;
  return { k, labels, centroids: C, inertia, sample: sample ? sample.length : null };
}

/** Ward at k (the tree built afresh; the pipeline's method keeps one tree for every k). */
export function fitWard(X: Matrix, k: number, seed: number, limit = WARD_EXACT): WardFit {
  const sample = wardSample(X.rows, seed, limit);
  const tree = wardTree(sample ? takeRows(X, sample) : X);
  return wardFromTree(X, tree, sample, k);
}
