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
 *   recent   Champions             High-Value Loyal      Active Regulars     New / Promising
 *   middle   Valuable, Cooling     Valuable, Cooling     Middle              Occasional Low-Value
 *   lapsed   At-Risk High-Value    At-Risk High-Value    At-Risk             Low-Value Inactive
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
  recent: { top: "Champions", high: "High-Value Loyal", middle: "Active Regulars", low: "New / Promising" },
  middle: { top: "Valuable, Cooling", high: "Valuable, Cooling", middle: "Middle", low: "Occasional Low-Value" },
  lapsed: { top: "At-Risk High-Value", high: "At-Risk High-Value", middle: "At-Risk", low: "Low-Value Inactive" },
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

/** The grid cell's name, or "Recent Low-Value" when the recent, low-value cell is given up as "New / Promising". */
/**
 * Names checked against the members (traits.ts): the grid name of each cluster, moved until every trait it asserts
 * holds for at least half of the members and no lapsed name holds 10% or more new customers; then made unique.
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
  } = checkNames(start, labels, columns, traitThresholds(base), (r, v) => NAME_GRID[r][v]);
  return { names: nameFromPositions(positions, gridNames), positions, checks };
}
