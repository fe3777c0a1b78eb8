/**
 * Business names for clusters, from their profile, never from their position.
 *
 * Rule: each cluster's median recency, frequency and monetary (original units) is placed in the whole customer
 * base as a mid-rank percentile (0..1; ties share the middle of their block, so "1 order" does not count as high).
 * recentness = 1 - recency percentile, value = mean of the frequency and monetary percentiles. Recentness is
 * "recent" at >= 0.6, "lapsed" at <= 0.4, else "middle"; value is "top" at >= 0.85 (the typical member is in the
 * top 15% on both), "high" at >= 0.65 (a name that promises high value needs a clearly upper-third median),
 * "low" at <= 0.4, else "middle". The grid gives the name:
 *
 *            value top             value high            value middle        value low
 *   recent   Top-Value Active      High-Value Active     Active Regulars     Recent Starters
 *   middle   High-Value Cooling    High-Value Cooling    Middle              Low-Value Occasional
 *   lapsed   High-Value Lapsed     High-Value Lapsed     Lapsed              Low-Value Lapsed
 *
 * The cluster vocabulary (Top-Value, High-Value, Low-Value, Active, Regulars, Recent, Starters, Cooling, Middle,
 * Occasional, Lapsed) shares no word with the RFM segments' names (Champions, Loyal Customers, At Risk, Lost ...)
 * but the scale words high, low and top, so that a reader never takes a cluster for an RFM segment; a configured
 * RFM name that equals a cluster name gets " (cluster)" on the cluster (`distinctFromRfm`). A value word is held
 * against the rest of the customers (traits.ts): "High-Value" or "Top-Value" only when the interval of the
 * segment's median spend over the rest's supports "clearly above".
 *
 * Clusters sharing a name are told apart by the dimension on which their percentiles differ most, spend first
 * (recency or frequency must differ by 0.05 more to be used instead): "(higher spend)" / "(lower spend)",
 * "(more frequent)" / ..., "(more recent)" / ... for two, "highest / mid / lowest" for three, "tier i of n"
 * beyond; ties keep cluster order. Names are always unique.
 */
import type { ClusterPosition } from "./profile.ts";
import { midrankPercentile } from "../stats/quantile.ts";
import { checkNames, type NameCheck, type TraitColumns, traitThresholds } from "./traits.ts";

export const RECENT_LEVEL = 0.6;
export const LAPSED_LEVEL = 0.4;
export const TOP_VALUE_LEVEL = 0.85;
export const HIGH_VALUE_LEVEL = 0.65;
export const LOW_VALUE_LEVEL = 0.4;

export const NAME_GRID: Record<ClusterPosition["recency_level"], Record<ClusterPosition["value_level"], string>> = {
  recent: { top: "Top-Value Active", high: "High-Value Active", middle: "Active Regulars", low: "Recent Starters" },
  middle: { top: "High-Value Cooling", high: "High-Value Cooling", middle: "Middle", low: "Low-Value Occasional" },
  lapsed: { top: "High-Value Lapsed", high: "High-Value Lapsed", middle: "Lapsed", low: "Low-Value Lapsed" },
};

/** Ascending copies of the whole base's recency, frequency and monetary (the reference distributions). */
export interface BaseDistributions {
  recency: Float64Array;
  frequency: Float64Array;
  monetary: Float64Array;
}

/** A cluster's medians in original units. */
export interface ClusterMedians {
  median_recency: number;
  median_frequency: number;
  median_monetary: number;
}

/** Where a cluster sits in the base, and its levels. */
export function clusterPosition(medians: ClusterMedians, base: BaseDistributions): ClusterPosition {
  const recency_pct = midrankPercentile(base.recency, medians.median_recency);
  const frequency_pct = midrankPercentile(base.frequency, medians.median_frequency);
  const monetary_pct = midrankPercentile(base.monetary, medians.median_monetary);
  const recentness = 1 - recency_pct;
  const value = (frequency_pct + monetary_pct) / 2;
  return {
    recency_pct,
    frequency_pct,
    monetary_pct,
    recentness,
    value,
    recency_level: recentness >= RECENT_LEVEL ? "recent" : recentness <= LAPSED_LEVEL ? "lapsed" : "middle",
    value_level:
      value >= TOP_VALUE_LEVEL
        ? "top"
        : value >= HIGH_VALUE_LEVEL
          ? "high"
          : value <= LOW_VALUE_LEVEL
            ? "low"
            : "middle",
  };
}

const WORDS = {
  monetary_pct: {
    two: ["higher spend", "lower spend"],
    three: ["highest spend", "mid spend", "lowest spend"],
    tier: "spend tier",
  },
  frequency_pct: {
    two: ["more frequent", "less frequent"],
    three: ["most frequent", "mid frequency", "least frequent"],
    tier: "frequency tier",
  },
  recentness: {
    two: ["more recent", "less recent"],
    three: ["most recent", "mid recency", "least recent"],
    tier: "recency tier",
  },
} as const;

/** how much more another dimension must differ than spend to name the difference instead */
export const SPEND_PREFERENCE = 0.05;

/** Unique names for clusters from their positions (see the module comment). */
export function nameFromPositions(positions: readonly ClusterPosition[], gridNames?: readonly string[]): string[] {
  const names = gridNames ? [...gridNames] : positions.map((p) => NAME_GRID[p.recency_level][p.value_level]);
  const groups = new Map<string, number[]>();
  names.forEach((name, i) => groups.set(name, [...(groups.get(name) ?? []), i]));
  const out = [...names];
  for (const [base, members] of groups) {
    if (members.length < 2) continue;
    const spread = (key: keyof typeof WORDS) => {
      const v = members.map((i) => positions[i][key]);
      return Math.max(...v) - Math.min(...v);
    };
    let key: keyof typeof WORDS = "monetary_pct";
    for (const other of ["frequency_pct", "recentness"] as const)
      if (spread(other) > spread(key) + (key === "monetary_pct" ? SPEND_PREFERENCE : 0)) key = other;
    const ranked = [...members].sort((a, b) => positions[b][key] - positions[a][key] || a - b);
    const words = WORDS[key];
    ranked.forEach((i, r) => {
      const suffix =
        ranked.length === 2
          ? words.two[r]
          : ranked.length === 3
            ? words.three[r]
            : `${words.tier} ${r + 1} of ${ranked.length}`;
      out[i] = `${base} (${suffix})`;
    });
  }
  return out;
}

/** Names and positions for clusters given their medians and the base distributions (no member check). */
export function nameClusters(
  clusters: readonly ClusterMedians[],
  base: BaseDistributions,
): { names: string[]; positions: ClusterPosition[] } {
  const positions = clusters.map((c) => clusterPosition(c, base));
  return { names: nameFromPositions(positions), positions };
}

/**
 * Names checked against the members (traits.ts): the grid name of each cluster, moved until every trait it asserts
 * holds for at least half of the members and no lapsed name holds 10% or more new customers; then made unique.
 * `base` holds the sorted columns of `columns`' customers.
 */
export function nameClustersChecked(
  clusters: readonly ClusterMedians[],
  base: BaseDistributions,
  labels: ArrayLike<number>,
  columns: TraitColumns,
): { names: string[]; positions: ClusterPosition[]; checks: NameCheck[] } {
  const start = clusters.map((c) => clusterPosition(c, base));
  const {
    positions,
    checks,
    names: gridNames,
  } = checkNames(start, labels, columns, traitThresholds(base), (r, v) => NAME_GRID[r][v], base.monetary);
  return { names: nameFromPositions(positions, gridNames), positions, checks };
}

const nameKey = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z]+/g, " ")
    .trim();

/**
 * Cluster names that cannot be mistaken for an RFM segment's: a cluster name equal to a (configured) RFM segment
 * name, ignoring case and punctuation, gets " (cluster)".
 */
export function distinctFromRfm(names: readonly string[], rfmNames: readonly string[]): string[] {
  const rfm = new Set(rfmNames.map(nameKey));
  return names.map((name) => (rfm.has(nameKey(name)) ? `${name} (cluster)` : name));
}
