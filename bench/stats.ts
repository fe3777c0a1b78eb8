/** Summaries of repeated measurements: median (the headline figure), spread, and ratios between two medians. */

/** Middle value of `values` (mean of the two middle values for an even count); NaN for an empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
  /** (max - min) / median: how noisy the runs were */
  spread: number;
}

/** Median, extremes and relative spread of `values`. */
export function summarize(values: readonly number[]): Summary {
  const m = median(values);
  const min = values.length ? Math.min(...values) : NaN;
  const max = values.length ? Math.max(...values) : NaN;
  return { n: values.length, median: m, min, max, spread: m > 0 ? (max - min) / m : NaN };
}

/** `a / b`, or null when either side is missing or b is zero. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a == null || b == null || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return a / b;
}

/**
 * Per-key medians over a list of records (stage timings of each run): every key seen in any run, in first-seen
 * order; a key missing from some runs is summarised over the runs that have it.
 */
export function medianByKey(records: readonly Record<string, number>[]): Record<string, number> {
  const keys: string[] = [];
  for (const record of records) for (const key of Object.keys(record)) if (!keys.includes(key)) keys.push(key);
  const out: Record<string, number> = {};
  for (const key of keys) {
    out[key] = median(records.flatMap((r) => (typeof r[key] === "number" ? [r[key]] : [])));
  }
  return out;
}
