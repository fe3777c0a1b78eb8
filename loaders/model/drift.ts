/**
 * Drift of new data against the data a model was fitted on, three ways:
 * - outside: the share of customers farther from every centre than the training 99th percentile distance (about
 *   1% on the training data itself);
 * - each feature's mean shift, in training standard deviations, on the transformed values the model sees;
 * - each segment's share of the customers against its training share (percentage points).
 * A threshold (loaders/model/settings.ts, configurable as "drift") passed gives one warning line advising to refit.
 */
import type { DriftSettings } from "./settings.ts";
import type { Model } from "./schema.ts";
import type { Scored } from "./score.ts";

export interface DriftReport {
  customers: number;
  distance_p99: number;
  /** share of customers farther than distance_p99 from their nearest centre */
  outside_share: number;
  features: { feature: string; training_mean: number; mean: number; shift_sd: number }[];
  segments: { segment: string; training_share: number; share: number; change: number }[];
  thresholds: DriftSettings;
  /** what passed a threshold, one phrase each */
  passed: string[];
  /** one line when anything passed a threshold, else null */
  warning: string | null;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The drift of scored customers against the model's baseline. */
export function measureDrift(
  model: Pick<Model, "features" | "segments" | "drift_baseline">,
  scored: Pick<Scored, "customers" | "distances" | "transformed">,
  thresholds: DriftSettings,
): DriftReport {
  const n = scored.customers.length;
  const base = model.drift_baseline;
  let outside = 0;
  for (let i = 0; i < n; i++) if (scored.distances[i] > base.distance_p99) outside++;
  const features = model.features.names.map((feature, j) => {
    const values = scored.transformed[j];
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[i];
    const mean = n ? sum / n : 0;
    const sd = base.feature_sd[j] > 0 ? base.feature_sd[j] : 1;
    return { feature, training_mean: base.feature_mean[j], mean, shift_sd: (mean - base.feature_mean[j]) / sd };
  });
  const counts = new Array<number>(model.segments.length).fill(0);
  for (const c of scored.customers) counts[c.cluster]++;
  const segments = model.segments.map((s, j) => ({
    segment: s.name,
    training_share: base.segment_shares[j],
    share: n ? counts[j] / n : 0,
    change: (n ? counts[j] / n : 0) - base.segment_shares[j],
  }));
  const outsideShare = n ? outside / n : 0;
  const passed: string[] = [];
  if (outsideShare > thresholds.outside_share)
    passed.push(
      `${pct(outsideShare)} of customers are farther from every centre than 99% of the training customers were (threshold ${pct(thresholds.outside_share)})`,
    );
  for (const f of features)
    if (Math.abs(f.shift_sd) > thresholds.mean_shift_sd)
      passed.push(
        `${f.feature}'s mean moved ${f.shift_sd.toFixed(2)} training SDs (threshold ${thresholds.mean_shift_sd})`,
      );
  for (const s of segments)
    if (Math.abs(s.change) > thresholds.size_change)
      passed.push(
        `${s.segment} holds ${pct(s.share)} of customers against ${pct(s.training_share)} in training (threshold ${(thresholds.size_change * 100).toFixed(0)} points)`,
      );
  return {
    customers: n,
    distance_p99: base.distance_p99,
    outside_share: outsideShare,
    features,
    segments,
    thresholds,
    passed,
    warning: passed.length
      ? `drift: ${passed.join("; ")}; the segments may no longer describe these customers well: refit the model (npm run pipeline on the new data)`
      : null,
  };
}
