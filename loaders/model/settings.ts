/**
 * Drift thresholds (`"drift"` in the configuration): when scoring new data with a saved model, a one-line warning
 * advising to refit is printed when any of them is passed. Defaults:
 * - `outside_share` 0.05: more than 5% of the customers are farther from every centre than 99% of the training
 *   customers were from theirs (on the training data this share is 1% by construction);
 * - `mean_shift_sd` 0.5: a feature's mean (transformed, e.g. log1p) moved by more than half a training standard
 *   deviation;
 * - `size_change` 0.1: a segment's share of the customers moved by more than 10 percentage points.
 */
import { z } from "zod";

export const driftSettings = z
  .strictObject({
    outside_share: z.number().gt(0).lte(1).default(0.05),
    mean_shift_sd: z.number().gt(0).default(0.5),
    size_change: z.number().gt(0).lte(1).default(0.1),
  })
  .default({ outside_share: 0.05, mean_shift_sd: 0.5, size_change: 0.1 });

export type DriftSettings = z.infer<typeof driftSettings>;

export const DEFAULT_DRIFT: DriftSettings = driftSettings.parse(undefined);
