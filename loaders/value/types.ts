/** The value stage's outputs: the plain-JSON fitted model (for model.json / scoring) and the summary. */
import type { PurchaseParams } from "./bgnbd.ts";
import type { ChurnWatch } from "./churn.ts";
import type { SpendParams } from "./gamma-gamma.ts";
import type { HoldoutCheck } from "./holdout.ts";
import type { PurchaseModel } from "./predict.ts";
import type { ValueSettings } from "./settings.ts";

export type { ValueModel } from "./saved.ts";

/** Per customer, aligned with the customers. */
export interface CustomerValues {
  p_alive: Float64Array;
  expected_orders: Float64Array;
  expected_order_value: Float64Array;
  clv: Float64Array;
  expected_revenue: Float64Array;
}

/** A fitted model's report: parameters, log-likelihood, standard errors, convergence. */
export type FitReport<P extends string> = Record<P, number> & {
  log_likelihood: number;
  se: Record<P, number> | null;
  converged: boolean;
  iterations: number;
  /** why the fit is not trusted (one line); null when it converged */
  problem: string | null;
};

export interface Quantiles {
  p05: number;
  p10: number;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
  p95: number;
  mean: number;
}

export interface SegmentValue {
  segment: string;
  customers: number;
  /** historic revenue */
  revenue: number;
  expected_orders: number;
  /** undiscounted, over the horizon, with its 95% interval */
  expected_revenue: number;
  expected_revenue_interval: [number, number] | null;
  /** per customer, with its interval */
  mean_expected_revenue: number;
  mean_expected_revenue_interval: [number, number] | null;
  /** the segment's mean expected revenue per customer minus the other customers', with its interval */
  difference_from_rest: number;
  difference_from_rest_interval: [number, number] | null;
  /** "higher"/"lower" when the difference's interval excludes 0, else null */
  separated: "higher" | "lower" | null;
  clv: number;
  clv_quantiles: Quantiles;
  p_alive_median: number;
  /** customers with P(alive) below one half */
  likely_inactive: number;
}

export interface ValueSummary {
  /** "fitted": the models ran and converged; "not_fitted": `reason` says why, in one line */
  status: "fitted" | "not_fitted";
  reason: string | null;
  /** what data would support a fit, when it did not run */
  needs: string | null;
  model: PurchaseModel;
  settings: ValueSettings;
  /** set when the parameters came from a saved model (npm run build -- --model), not from a fit on these data */
  saved_model?: { model_id: string; fitted_through: string };
  /** YYYY-MM-DD */
  period_start?: string;
  fitted_through?: string;
  observation_end?: string;
  calibration?: { customers: number; repeat_customers: number; days: number };
  bgnbd?: FitReport<keyof PurchaseParams>;
  mbgnbd?: FitReport<keyof PurchaseParams>;
  gamma_gamma?: FitReport<keyof SpendParams> & {
    customers: number;
    left_out_no_repeat: number;
    left_out_nonpositive_mean: number;
    /** Pearson correlation of repeat transactions and mean repeat value (the model assumes none) */
    frequency_spend_correlation: number;
    /** p v / (q − 1): the expected average spend of a customer without a repeat purchase */
    population_mean_spend: number | null;
  };
  totals?: {
    customers: number;
    expected_orders: number;
    expected_revenue: number;
    expected_revenue_interval: [number, number] | null;
    clv: number;
    p_alive_median: number;
  };
  /** how the intervals were computed */
  interval_method?: string;
  segments?: SegmentValue[];
  holdout?: HoldoutCheck | null;
  churn_watch?: ChurnWatch;
}
