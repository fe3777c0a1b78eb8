/**
 * A k-d tree over the rows of a Matrix, any number of columns (kdbush is 2-D only): median splits on the widest
 * side of each node's bounding box, leaves of at most LEAF rows, nodes in flat typed arrays; queries walk an
 * explicit stack and prune a node when the query's distance to its box exceeds the radius. Used by DBSCAN for
 * its radius queries and the k-distance curve; bench/methods.ts measures it against a brute-force scan.
 * Results are deterministic (the build depends only on the data; ties in the median are broken by row order).
 */
import type { Matrix } from "./matrix.ts";

const LEAF = 16;

export interface KdTree {
  X: Matrix;
  /** rows in tree order: node i covers index[lo[i] .. hi[i]) */
  index: Int32Array;
  lo: Int32Array;
  hi: Int32Array;
  /** child nodes (-1 for a leaf) */
  left: Int32Array;
  right: Int32Array;
  /** bounding boxes, nodes x d */
  min: Float64Array;
  max: Float64Array;
}

/** Builds the tree (O(n log n)). */
export function buildKdTree(X: Matrix): KdTree {
  const { data, rows: n, cols: d } = X;
  const index = new Int32Array(n);
  for (let i = 0; i < n; i++) index[i] = i;
  const lo: number[] = [];
  const hi: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const min: number[] = [];
  const max: number[] = [];
  const build = (a: number, b: number): number => {
    const node = lo.length;
    lo.push(a);
    hi.push(b);
    left.push(-1);
    right.push(-1);
    let widest = 0;
    let span = -1;
    for (let c = 0; c < d; c++) {
      let mn = Infinity;
      let mx = -Infinity;
      for (let p = a; p < b; p++) {
        const v = data[index[p] * d + c];
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      min.push(mn);
      max.push(mx);
      if (mx - mn > span) {
        span = mx - mn;
        widest = c;
      }
    }
    if (b - a <= LEAF || span <= 0) return node;
    const mid = (a + b) >>> 1;
    select(index, data, d, widest, a, b - 1, mid);
    const l = build(a, mid);
    const r = build(mid, b);
    left[node] = l;
    right[node] = r;
    return node;
  };
  if (n) build(0, n);
  return {
    X,
    index,
    lo: Int32Array.from(lo),
    hi: Int32Array.from(hi),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    min: Float64Array.from(min),
    max: Float64Array.from(max),
  };
}

/** Quickselect (Hoare partition, median of three pivots): index[k] gets the row of rank k by column `c`. */
function select(index: Int32Array, data: Float64Array, d: number, c: number, l: number, r: number, k: number): void {
  const key = (p: number) => data[index[p] * d + c] + 0;
  while (r > l) {
    const m = (l + r) >>> 1;
    const a = key(l);
    const b = key(m);
    const z = key(r);
    const pivot = a < b ? (b < z ? b : a < z ? z : a) : a < z ? a : b < z ? z : b;
    let i = l;
    let j = r;
    while (i <= j) {
      while (key(i) < pivot) i++;
      while (key(j) > pivot) j--;
      if (i <= j) {
        const t = index[i];
        index[i] = index[j];
        index[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) r = j;
    else if (k >= i) l = i;
    else return;
  }
}

/** Squared distance from point q (row `qi` of `qd`) to node's box. */
function boxDistance(tree: KdTree, node: number, qd: Float64Array, qo: number, d: number): number {
  let s = 0;
  const o = node * d;
  for (let c = 0; c < d; c++) {
    const v = qd[qo + c];
    const a = tree.min[o + c];
    const b = tree.max[o + c];
    const t = v < a ? a - v : v > b ? v - b : 0;
    s += t * t;
  }
  return s;
}

/**
 * Calls `visit(row)` for every row within squared distance `r2` of row `qi` of `Q` (the point itself included
 * when Q is the tree's matrix). Returns how many were visited.
 */
export function forEachWithin(
  tree: KdTree,
  Q: Float64Array,
  qi: number,
  r2: number,
  visit: ((row: number) => void) | null,
  stack: Int32Array = new Int32Array(128),
): number {
  const { data, cols: d } = tree.X;
  if (!tree.lo.length) return 0;
  const qo = qi * d;
  let top = 0;
  stack[top++] = 0;
  let count = 0;
  while (top) {
    const node = stack[--top];
    if (boxDistance(tree, node, Q, qo, d) > r2) continue;
    if (tree.left[node] < 0) {
      for (let p = tree.lo[node]; p < tree.hi[node]; p++) {
        const row = tree.index[p];
        const o = row * d;
        let s = 0;
        for (let c = 0; c < d; c++) {
          const t = data[o + c] - Q[qo + c];
          s += t * t;
        }
        if (s <= r2) {
          count++;
          visit?.(row);
        }
      }
    } else {
      stack[top++] = tree.right[node];
      stack[top++] = tree.left[node];
    }
  }
  return count;
}

/**
 * Distance from row `qi` of Q to its k-th nearest row of the tree (the point itself counts when Q is the tree's
 * matrix: k = 1 gives 0), as scikit-learn's NearestNeighbors(n_neighbors = k).kneighbors.
 */
export function kthNeighbourDistance(tree: KdTree, Q: Float64Array, qi: number, k: number): number {
  const { data, cols: d } = tree.X;
  const qo = qi * d;
  // a sorted ascending list of the k best squared distances
  const best = new Float64Array(k).fill(Infinity);
  const stack = new Int32Array(128);
  let top = 0;
  stack[top++] = 0;
  while (top) {
    const node = stack[--top];
    if (boxDistance(tree, node, Q, qo, d) >= best[k - 1]) continue;
    if (tree.left[node] < 0) {
      for (let p = tree.lo[node]; p < tree.hi[node]; p++) {
        const o = tree.index[p] * d;
        let s = 0;
        for (let c = 0; c < d; c++) {
          const t = data[o + c] - Q[qo + c];
          s += t * t;
        }
        if (s < best[k - 1]) {
          let j = k - 1;
          while (j > 0 && best[j - 1] > s) {
            best[j] = best[j - 1];
            j--;
          }
          best[j] = s;
        }
      }
    } else {
      // nearer child last (popped first)
      const l = tree.left[node];
      const r = tree.right[node];
      const dl = boxDistance(tree, l, Q, qo, d);
      const dr = boxDistance(tree, r, Q, qo, d);
      if (dl <= dr) {
        stack[top++] = r;
        stack[top++] = l;
      } else {
        stack[top++] = l;
        stack[top++] = r;
      }
    }
  }
  return Math.sqrt(best[k - 1]);
}

/**
 * How many rows lie within squared distance `r2` of row `qi` of Q, counting no further than `limit` (DBSCAN only
 * asks whether a point has min_samples neighbours).
 */
export function countWithin(
  tree: KdTree,
  Q: Float64Array,
  qi: number,
  r2: number,
  limit: number,
  stack: Int32Array = new Int32Array(128),
): number {
  const { data, cols: d } = tree.X;
  if (!tree.lo.length) return 0;
  const qo = qi * d;
  let top = 0;
  stack[top++] = 0;
  let count = 0;
  while (top) {
    const node = stack[--top];
    if (boxDistance(tree, node, Q, qo, d) > r2) continue;
    if (tree.left[node] < 0) {
      for (let p = tree.lo[node]; p < tree.hi[node]; p++) {
        const o = tree.index[p] * d;
        let s = 0;
        for (let c = 0; c < d; c++) {
          const t = data[o + c] - Q[qo + c];
          s += t * t;
        }
        if (s <= r2 && ++count >= limit) return count;
      }
    } else {
      stack[top++] = tree.right[node];
      stack[top++] = tree.left[node];
    }
  }
  return count;
}

/**
 * The tree row nearest to row `qi` of Q within squared distance `r2` (the lowest row among equally near ones), or
 * -1 when none is that near. Nearer children are searched first and the radius shrinks to the best distance found.
 */
export function nearestWithin(
  tree: KdTree,
  Q: Float64Array,
  qi: number,
  r2: number,
  stack: Int32Array = new Int32Array(128),
): number {
  const { data, cols: d } = tree.X;
  if (!tree.lo.length) return -1;
  const qo = qi * d;
  let best = -1;
  let bestD = r2;
  let top = 0;
  stack[top++] = 0;
  while (top) {
    const node = stack[--top];
    if (boxDistance(tree, node, Q, qo, d) > bestD) continue;
    if (tree.left[node] < 0) {
      for (let p = tree.lo[node]; p < tree.hi[node]; p++) {
        const row = tree.index[p];
        const o = row * d;
        let s = 0;
        for (let c = 0; c < d; c++) {
          const t = data[o + c] - Q[qo + c];
          s += t * t;
        }
        if (s < bestD || (s === bestD && (best < 0 || row < best))) {
          bestD = s;
          best = row;
        }
      }
    } else {
      const l = tree.left[node];
      const r = tree.right[node];
      if (boxDistance(tree, l, Q, qo, d) <= boxDistance(tree, r, Q, qo, d)) {
        stack[top++] = r;
        stack[top++] = l;
      } else {
        stack[top++] = l;
        stack[top++] = r;
      }
    }
  }
  return best;
}
