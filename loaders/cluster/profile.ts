/**
 * Cluster profiles in original units, the deterministic cluster order, and the clusters x RFM-segments cross-tab.
 */
import { groupValues, medianInPlace } from "../stats/quantile.ts";
import type { ClusterPosition, NameCheck } from "./traits.ts";

export type { ClusterPosition };

/** The per-customer columns profiles are computed from (input order). */
export interface ProfileColumns {
  recency: ArrayLike<number>;
  frequency: ArrayLike<number>;
  monetary: ArrayLike<number>;
  avg_order_value: ArrayLike<number>;
  items_per_order: ArrayLike<number>;
  return_rate: ArrayLike<number>;
}

export interface ClusterProfile {
  cluster: number;
  name: string;
  size: number;
  share_customers: number;
  revenue: number;
  share_revenue: number;
  median_recency: number;
  median_frequency: number;
  median_monetary: number;
  mean_avg_order_value: number;
  mean_items_per_order: number;
  mean_return_rate: number;
  /** the k-means centroid back in original units, per clustering feature */
  centroid: Record<string, number>;
  /** the centroid in scaled feature space */
  centroid_scaled: number[];
  /** the basis of the name (filled by naming) */
  position: ClusterPosition | null;
  /** the name checked against the members: each trait's share, the share the whole name holds for (naming) */
  name_check: NameCheck | null;
}

/** Per-cluster medians (type 7) of a column, by selection (no full sort). */
export function groupMedians(values: ArrayLike<number>, labels: ArrayLike<number>, k: number): number[] {
  return groupValues(values, labels, k).map(medianInPlace);
}

/**
 * The deterministic cluster order: by median monetary (original units) descending, then size descending, then
 * the original label. Returns old labels in new order (cluster 0 = the highest-value cluster). A density method's
 * groups that are no cluster go last: its merged small clusters (`small`), then its noise (`noise`).
 */
export function clusterOrder(
  monetary: ArrayLike<number>,
  labels: ArrayLike<number>,
  k: number,
  noise: number | null = null,
  small: number | null = null,
): number[] {
  const medians = groupMedians(monetary, labels, k);
  const sizes = new Array<number>(k).fill(0);
  for (let i = 0; i < labels.length; i++) sizes[labels[i]]++;
  const order = Array.from({ length: k }, (_, j) => j)
    .sort((a, b) => medians[b] - medians[a] || 0 || sizes[b] - sizes[a] || a - b)
    .filter((j) => j !== noise && j !== small);
  if (small !== null) order.push(small);
  if (noise !== null) order.push(noise);
  return order;
}

/** Profiles of the k clusters of a labelling (names and positions left empty for naming). */
export function profileClusters(
  columns: ProfileColumns,
  labels: ArrayLike<number>,
  k: number,
  centroids: { original: Record<string, number>[]; scaled: number[][] },
): ClusterProfile[] {
  const n = labels.length;
  const med = (col: ArrayLike<number>) => groupMedians(col, labels, k);
  const groupMean = (col: ArrayLike<number>) => {
    const sums = new Float64Array(k);
    const counts = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      sums[labels[i]] += col[i];
      counts[labels[i]]++;
    }
    return Array.from(sums, (s, j) => (counts[j] ? s / counts[j] : NaN));
  };
  const sizes = new Array<number>(k).fill(0);
  const revenue = new Array<number>(k).fill(0);
  let total = 0;
  for (let i = 0; i < n; i++) {
    sizes[labels[i]]++;
    revenue[labels[i]] += columns.monetary[i];
    total += columns.monetary[i];
  }
  const [mr, mf, mm] = [med(columns.recency), med(columns.frequency), med(columns.monetary)];
  const [aov, ipo, rr] = [
    groupMean(columns.avg_order_value),
    groupMean(columns.items_per_order),
    groupMean(columns.return_rate),
  ];
  return Array.from({ length: k }, (_, j) => ({
    cluster: j,
    name: "",
    size: sizes[j],
    share_customers: n ? sizes[j] / n : 0,
    revenue: revenue[j],
    share_revenue: total ? revenue[j] / total : 0,
    median_recency: mr[j],
    median_frequency: mf[j],
    median_monetary: mm[j],
    mean_avg_order_value: aov[j],
    mean_items_per_order: ipo[j],
    mean_return_rate: rr[j],
    centroid: centroids.original[j],
    centroid_scaled: centroids.scaled[j],
    position: null,
    name_check: null,
  }));
}

/** Clusters x RFM segments: counts[cluster][segment index], segments in the given order. */
export interface Crosstab {
  clusters: string[];
  segments: string[];
  counts: number[][];
}

/** The cross-tab of cluster labels against RFM segment names. */
export function crosstab(
  labels: ArrayLike<number>,
  clusterNames: readonly string[],
  segments: readonly string[],
  segmentOrder: readonly string[],
): Crosstab {
  const index = new Map(segmentOrder.map((s, i) => [s, i]));
  const counts = clusterNames.map(() => new Array<number>(segmentOrder.length).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const s = index.get(segments[i]);
    if (s !== undefined) counts[labels[i]][s]++;
  }
  return { clusters: [...clusterNames], segments: [...segmentOrder], counts };
}
