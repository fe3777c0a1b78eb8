/**
 * Do the clusters differ? One-way ANOVA (F, p, eta squared) and Kruskal-Wallis (H with the tie correction, p)
 * per feature across clusters, and a chi-square test of cluster x country (with Cramér's V).
 *
 * Caveat shown in the report: the clusters were formed on these very features, so p-values of the per-feature
 * tests are ~0 by construction; they (and the effect sizes) describe how strongly each feature separates the
 * clusters, not an independent confirmation. ANOVA is run on the clustering scale (after the transform; scaling
 * does not change F), Kruskal-Wallis on ranks (any monotone transform gives the same H).
 */
import { chiSquareSf, fSf } from "./distributions.ts";
import { groupSorted } from "./quantile.ts";

export interface AnovaResult {
  F: number;
  p: number;
  df_between: number;
  df_within: number;
  /** between-cluster sum of squares / total sum of squares */
  eta_squared: number;
}

export interface KruskalResult {
  H: number;
  p: number;
  dof: number;
}

export interface ChiSquareResult {
  chi2: number;
  /** (live rows - 1) x (live columns - 1), rows and columns with a zero total left out */
  dof: number;
  /** P(chi2 >= observed); 1 when dof = 0 (no evidence either way) */
  p: number;
  /** sqrt(chi2 / (n (min(live rows, live columns) - 1))); 0 when a side has one live level */
  cramers_v: number;
  n: number;
  /** the smallest expected cell count */
  min_expected: number;
  /** share of (live) cells with an expected count below 5 */
  small_expected_share: number;
  /** adjusted standardised residuals (O - E) / sqrt(E (1 - row/n) (1 - col/n)), same shape as the table (0 in dead rows/columns) */
  residuals: number[][];
}

/** One-way ANOVA of `values` across the groups given by `labels` (0..k-1; empty groups ignored), as scipy's f_oneway. */
export function oneWayAnova(values: ArrayLike<number>, labels: ArrayLike<number>, k: number): AnovaResult {
  const n = values.length;
  const sums = new Float64Array(k);
  const counts = new Float64Array(k);
  let grand = 0;
  for (let i = 0; i < n; i++) {
    sums[labels[i]] += values[i];
    counts[labels[i]]++;
    grand += values[i];
  }
  grand /= n;
  const means = sums.map((s, j) => (counts[j] ? s / counts[j] : 0));
  let within = 0;
  for (let i = 0; i < n; i++) within += (values[i] - means[labels[i]]) ** 2;
  let between = 0;
  let groups = 0;
  for (let j = 0; j < k; j++)
    if (counts[j]) {
      groups++;
      between += counts[j] * (means[j] - grand) ** 2;
    }
  const dfB = groups - 1;
  const dfW = n - groups;
  const F = between / dfB / (within / dfW);
  return {
    F,
    p: Number.isFinite(F) ? fSf(F, dfB, dfW) : within === 0 && between > 0 ? 0 : NaN,
    df_between: dfB,
    df_within: dfW,
    eta_squared: between / (between + within),
  };
}

/**
 * Kruskal-Wallis H (tie-corrected, as scipy.stats.kruskal) and its chi-square p-value. Ranks without an argsort:
 * each group is sorted natively, then a k-way walk over the distinct values gives every tie block its mid-rank
 * and each group's share of it.
 */
export function kruskalWallis(values: ArrayLike<number>, labels: ArrayLike<number>, k: number): KruskalResult {
  const n = values.length;
  const groups = groupSorted(values, labels, k);
  const heads = new Int32Array(k);
  const start = new Int32Array(k);
  const rankSums = new Float64Array(k);
  let below = 0;
  let ties = 0;
  while (below < n) {
    let v = Infinity;
    for (let j = 0; j < k; j++) if (heads[j] < groups[j].length && groups[j][heads[j]] < v) v = groups[j][heads[j]];
    let t = 0;
    start.set(heads);
    for (let j = 0; j < k; j++) {
      const g = groups[j];
      while (heads[j] < g.length && g[heads[j]] === v) heads[j]++;
      t += heads[j] - start[j];
    }
    if (t === 0) throw new RangeError("kruskalWallis: values must not be NaN");
    const midrank = below + (t + 1) / 2;
    for (let j = 0; j < k; j++) rankSums[j] += (heads[j] - start[j]) * midrank;
    ties += t * t * t - t;
    below += t;
  }
  let s = 0;
  let present = 0;
  for (let j = 0; j < k; j++)
    if (groups[j].length) {
      present++;
      s += (rankSums[j] * rankSums[j]) / groups[j].length;
    }
  const correction = 1 - ties / (n * n * n - n);
  const H = ((12 / (n * (n + 1))) * s - 3 * (n + 1)) / correction;
  const dof = present - 1;
  return { H, p: chiSquareSf(H, dof), dof };
}

/** Pearson's chi-square test of independence on a contingency table (rows/columns with zero total ignored). */
export function chiSquareTest(table: readonly (readonly number[])[]): ChiSquareResult {
  const rowTotals = table.map((r) => r.reduce((a, b) => a + b, 0));
  const colTotals = (table[0] ?? []).map((_, j) => table.reduce((a, r) => a + r[j], 0));
  const n = rowTotals.reduce((a, b) => a + b, 0);
  const rows = rowTotals.flatMap((t, i) => (t > 0 ? [i] : []));
  const cols = colTotals.flatMap((t, j) => (t > 0 ? [j] : []));
  const residuals = table.map((r) => r.map(() => 0));
  let chi2 = 0;
  let minExpected = Infinity;
  let small = 0;
  for (const i of rows)
    for (const j of cols) {
      const e = (rowTotals[i] * colTotals[j]) / n;
      minExpected = Math.min(minExpected, e);
      if (e < 5) small++;
      chi2 += (table[i][j] - e) ** 2 / e;
      const v = e * (1 - rowTotals[i] / n) * (1 - colTotals[j] / n);
      residuals[i][j] = v > 0 ? (table[i][j] - e) / Math.sqrt(v) : 0;
    }
  const dof = Math.max(0, (rows.length - 1) * (cols.length - 1));
  const q = Math.min(rows.length, cols.length) - 1;
  const cells = rows.length * cols.length;
  return {
    chi2,
    dof,
    p: dof > 0 ? chiSquareSf(chi2, dof) : 1,
    cramers_v: q > 0 ? Math.sqrt(chi2 / (n * q)) : 0,
    n,
    min_expected: minExpected,
    small_expected_share: cells ? small / cells : 0,
    residuals,
  };
}

export const OTHER_COUNTRY = "Other";
/** the expected count every cell of a kept country column must reach */
export const MIN_EXPECTED = 5;

export interface CountryChiSquare extends ChiSquareResult {
  /** column labels of `table`: kept countries by customers descending, then "Other" */
  countries: string[];
  /** countries folded into "Other" */
  merged: string[];
  /** counts[cluster][country column] */
  table: number[][];
  note: string;
}

/**
 * Chi-square of cluster x country. A country is kept as its own column only if every cell of it can expect at
 * least MIN_EXPECTED customers, i.e. its customers >= 5 n / (smallest cluster); the rest are merged into "Other"
 * (which may still fall short when few customers are merged: `min_expected` reports it). Null when fewer than
 * two country columns remain.
 */
export function countryChiSquare(
  labels: ArrayLike<number>,
  k: number,
  countries: readonly string[],
): CountryChiSquare | null {
  const n = labels.length;
  const sizes = new Array<number>(k).fill(0);
  const totals = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    sizes[labels[i]]++;
    totals.set(countries[i], (totals.get(countries[i]) ?? 0) + 1);
  }
  const smallest = Math.min(...sizes.filter((s) => s > 0));
  const needed = (MIN_EXPECTED * n) / smallest;
  const byCount = [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const kept = byCount.filter(([, c]) => c >= needed).map(([name]) => name);
  const merged = byCount.filter(([, c]) => c < needed).map(([name]) => name);
  const columns = merged.length ? [...kept, OTHER_COUNTRY] : kept;
  if (columns.length < 2) return null;
  const index = new Map(kept.map((c, j) => [c, j]));
  const table = Array.from({ length: k }, () => new Array<number>(columns.length).fill(0));
  for (let i = 0; i < n; i++) table[labels[i]][index.get(countries[i]) ?? kept.length]++;
  const result = chiSquareTest(table);
  return {
    ...result,
    countries: columns,
    merged,
    table,
    note:
      `${kept.length} countries with at least ${Math.ceil(needed)} customers kept` +
      (merged.length ? `, ${merged.length} smaller ones merged into "${OTHER_COUNTRY}"` : "") +
      (result.min_expected < MIN_EXPECTED
        ? `; smallest expected count ${result.min_expected.toFixed(2)} is below ${MIN_EXPECTED}, read p with care`
        : ""),
  };
}
