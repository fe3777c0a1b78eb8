/**
 * Clustering features: pick the configured columns, reject non-finite values, transform (log1p where a feature is
 * skewed), drop redundant extra features by correlation, and scale.
 *
 * Transform rule (`clustering.transform: "auto"`, the default): a feature gets log1p when the skewness of its raw
 * values (Fisher-Pearson g1, as scipy.stats.skew) has |g1| > `clustering.skew_threshold` (1 by default, the usual
 * line for "highly skewed"), no value is negative and log1p lowers |g1|; otherwise it is left as it is. Spend and order counts are
 * right-skewed (g1 of 3 to 20 on retail data) and log1p brings them near symmetric; a uniform recency (0 to 99
 * days, g1 0.00) would be bent into a left-skewed one (g1 -1.55) that invents a group of very recent customers.
 * "log1p" and "none" apply to every feature. Each feature's skewness before and after is kept (`skew`) for the
 * methodology page.
 *
 * Why `standard` scaling (population sd, as sklearn's StandardScaler) by default: it is what the reference
 * pipeline does, and after the transform the RFM columns are close to symmetric, so mean/sd are good location/scale
 * estimates and every feature gets unit variance, which is what k-means' squared Euclidean distance implicitly
 * weights by (equal spherical variance per feature). `robust` (median / IQR, type-7 quartiles as sklearn's
 * RobustScaler) is there for data whose transformed features still have heavy tails. A zero sd or IQR (a constant
 * feature) gets scale 1, as sklearn does, and a warning.
 *
 * Correlation rule: Pearson r on the transformed values (scaling does not change r). recency, frequency and
 * monetary are the base of the method and are never dropped (a base pair above the threshold only warns);
 * each extra feature, in configured order, is dropped when |r| with any feature already kept exceeds
 * `clustering.correlation_threshold`, and the drop is reported with the partner and r.
 */
import type { ClusteringConfig, FeatureName } from "../config.ts";
import type { FeatureTransform } from "./settings.ts";
import { InputError } from "../errors.ts";
import type { CustomerFeatures } from "../types.ts";
import { fromColumns, type Matrix } from "./matrix.ts";
import { quantileSorted, skewness, sortedCopy } from "../stats/quantile.ts";

export const BASE_FEATURES: readonly FeatureName[] = ["recency", "frequency", "monetary"];

export interface DroppedFeature {
  feature: FeatureName;
  correlated_with: FeatureName;
  r: number;
}

export interface FeatureSet {
  /** scaled features, one row per customer (input order), one column per used feature */
  matrix: Matrix;
  used: FeatureName[];
  dropped: DroppedFeature[];
  /** the configured rule ("auto", "log1p" or "none") */
  transform: ClusteringConfig["transform"];
  /** per used feature: what it got */
  transforms: FeatureTransform[];
  /** per configured feature: raw skewness, the transform chosen and the skewness after it */
  skew: FeatureSkew[];
  scaler: ClusteringConfig["scaler"];
  /** per used feature, in transformed units: scaled = (transformed - center) / scale */
  center: number[];
  scale: number[];
  /** Pearson r between all configured features (transformed), in configured order */
  correlation: { features: FeatureName[]; r: number[][] };
  warnings: string[];
}

export interface FeatureSkew {
  feature: FeatureName;
  before: number;
  transform: FeatureTransform;
  after: number;
}

/**
 * The transform of one feature under the configured rule: "auto" gives log1p when |skewness| of the raw values
 * exceeds the threshold, no value is negative (log1p needs values >= 0) and log1p makes it less skewed; otherwise
 * the feature is left as it is.
 */
export function chooseTransform(
  values: ArrayLike<number>,
  rule: ClusteringConfig["transform"],
  threshold: number,
): FeatureTransform {
  if (rule !== "auto") return rule;
  for (let i = 0; i < values.length; i++) if (values[i] < 0) return "none";
  const before = Math.abs(skewness(values));
  if (!(before > threshold)) return "none";
  const logged = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) logged[i] = Math.log1p(values[i]);
  return Math.abs(skewness(logged)) < before ? "log1p" : "none";
}

/** A customer's value of a feature: a computed one, or a customer-level table's column (`extra`). */
export function featureValue(customer: CustomerFeatures, name: FeatureName): unknown {
  return name in customer && name !== "extra" ? customer[name as keyof CustomerFeatures] : customer.extra?.[name];
}

/** One feature column of the customers, rejecting non-finite values with an InputError naming the customer. */
export function featureColumn(customers: readonly CustomerFeatures[], name: FeatureName): Float64Array {
  const out = new Float64Array(customers.length);
  for (let i = 0; i < customers.length; i++) {
    const v = featureValue(customers[i], name);
    if (typeof v !== "number" || !Number.isFinite(v))
      throw new InputError(
        `feature "${name}" of customer ${customers[i].customer_id} is not a finite number (${String(v)})`,
      );
    out[i] = v;
  }
  return out;
}

/** Applies the transform; log1p rejects negative values (InputError naming the feature and customer). */
export function transformColumn(
  values: Float64Array,
  transform: FeatureTransform,
  name: string,
  ids: readonly string[],
): Float64Array {
  if (transform === "none") return Float64Array.from(values);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    if (values[i] < 0)
      throw new InputError(
        `feature "${name}" of customer ${ids[i]} is negative (${values[i]}); log1p needs values >= 0`,
      );
    out[i] = Math.log1p(values[i]);
  }
  return out;
}

/** Inverse of `transformColumn` for one value. */
export function untransform(value: number, transform: FeatureTransform): number {
  return transform === "log1p" ? Math.expm1(value) : value;
}

/** Pearson correlation of two equal-length columns (NaN when one is constant). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma;
    const db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** The symmetric correlation matrix of the columns (diagonal 1). */
export function correlationMatrix(columns: readonly ArrayLike<number>[]): number[][] {
  const d = columns.length;
  const r = Array.from({ length: d }, () => new Array<number>(d).fill(1));
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) r[i][j] = r[j][i] = pearson(columns[i], columns[j]);
  return r;
}

/**
 * Which features to keep given their correlation matrix (see the module comment for the rule).
 * Returns indices into `names` in the order: base features (configured order), then kept extras.
 */
export function selectByCorrelation(
  names: readonly FeatureName[],
  r: readonly number[][],
  threshold: number,
): { keep: number[]; dropped: DroppedFeature[]; warnings: string[] } {
  const keep: number[] = [];
  const dropped: DroppedFeature[] = [];
  const warnings: string[] = [];
  const base = names.flatMap((n, i) => (BASE_FEATURES.includes(n) ? [i] : []));
  const extra = names.flatMap((n, i) => (BASE_FEATURES.includes(n) ? [] : [i]));
  for (const i of base) {
    for (const j of keep)
      if (Math.abs(r[i][j]) > threshold)
        warnings.push(
          `${names[j]} and ${names[i]} correlate at r = ${r[i][j].toFixed(3)} (above ${threshold}); both kept as base RFM features`,
        );
    keep.push(i);
  }
  for (const i of extra) {
    let partner = -1;
    for (const j of keep)
      if (Math.abs(r[i][j]) > threshold && (partner < 0 || Math.abs(r[i][j]) > Math.abs(r[i][partner]))) partner = j;
    if (partner >= 0) dropped.push({ feature: names[i], correlated_with: names[partner], r: r[i][partner] });
    else keep.push(i);
  }
  return { keep, dropped, warnings };
}

/** A spread at most this share of a column's size is rounding noise: the column is constant. */
const CONSTANT_TOLERANCE = 1e-10;

/** Location and scale of one (transformed) column for the scaler; a zero scale becomes 1. */
export function scalerParameters(
  values: Float64Array,
  scaler: ClusteringConfig["scaler"],
): { center: number; scale: number } {
  const n = values.length;
  if (scaler === "robust") {
    const sorted = sortedCopy(values);
    const iqr = quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25);
    return { center: quantileSorted(sorted, 0.5), scale: iqr > 0 ? iqr : 1 };
  }
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  const sd = Math.sqrt(ss / n);
  // a constant column's computed sd is rounding noise (about 1e-14 of its mean over 20,000 equal values), not 0:
  // relative to the mean, it is a zero scale (scaling by it would turn equal values into noise of size 1)
  return { center: mean, scale: sd > CONSTANT_TOLERANCE * Math.abs(mean) && sd > 0 ? sd : 1 };
}

/**
 * The whole feature stage for the configured clustering features. `fixed` (one per configured feature) replaces
 * the rule, as when a saved model's transforms are applied to other data.
 */
export function buildFeatures(
  customers: readonly CustomerFeatures[],
  config: ClusteringConfig,
  fixed?: readonly FeatureTransform[],
): FeatureSet {
  const names = [...new Set(config.features)];
  const ids = customers.map((c) => c.customer_id);
  const raw = names.map((name) => featureColumn(customers, name));
  const chosen = raw.map((values, i) => fixed?.[i] ?? chooseTransform(values, config.transform, config.skew_threshold));
  const transformed = raw.map((values, i) => transformColumn(values, chosen[i], names[i], ids));
  const skew = names.map((feature, i) => ({
    feature,
    before: skewness(raw[i]),
    transform: chosen[i],
    after: skewness(transformed[i]),
  }));
  const r = correlationMatrix(transformed);
  const { keep, dropped, warnings } = selectByCorrelation(names, r, config.correlation_threshold);
  const center: number[] = [];
  const scale: number[] = [];
  const scaled = keep.map((i) => {
    const p = scalerParameters(transformed[i], config.scaler);
    if (p.scale === 1 && isConstant(transformed[i]))
      warnings.push(`feature ${names[i]} is constant: it cannot separate customers`);
    center.push(p.center);
    scale.push(p.scale);
    const out = new Float64Array(transformed[i].length);
    for (let j = 0; j < out.length; j++) out[j] = (transformed[i][j] - p.center) / p.scale;
    return out;
  });
  return {
    matrix: fromColumns(scaled),
    used: keep.map((i) => names[i]),
    dropped,
    transform: config.transform,
    transforms: keep.map((i) => chosen[i]),
    skew,
    scaler: config.scaler,
    center,
    scale,
    correlation: { features: names, r },
    warnings,
  };
}

function isConstant(values: Float64Array): boolean {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return max - min <= CONSTANT_TOLERANCE * Math.max(Math.abs(min), Math.abs(max));
}

/** A point in scaled feature space back in original units, per used feature. */
export function toOriginalUnits(
  point: ArrayLike<number>,
  features: Pick<FeatureSet, "used" | "center" | "scale" | "transforms">,
): Record<string, number> {
  const out: Record<string, number> = {};
  features.used.forEach(
    (name, j) => (out[name] = untransform(point[j] * features.scale[j] + features.center[j], features.transforms[j])),
  );
  return out;
}
