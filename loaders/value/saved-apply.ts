/**
 * The value stage under a saved model (`npm run build -- --model`): no fit. The saved parameters (model.json
 * `value`) predict every customer's P(alive), expected orders, order value and CLV from her history to the end of
 * the data, and the per-segment figures are summed as the fitted stage sums them. What a fit would add and the
 * model cannot give is left out and said: no standard errors and no intervals (model.json keeps the parameters, not
 * their covariance), no holdout check. The log-likelihoods are the saved parameters' on these data (not a fit's).
 */
import { quantileSorted } from "../stats/quantile.ts";
import { bgnbdLogLikelihood } from "./bgnbd.ts";
import { churnWatch } from "./churn.ts";
import { frequencySpendCorrelation, gammaGammaLogLikelihood } from "./gamma-gamma.ts";
import { mbgnbdLogLikelihood } from "./mbgnbd.ts";
import { dayNumber, summarise } from "./prepare.ts";
import { predictValues } from "./score.ts";
import type { ValueSettings } from "./settings.ts";
import { segmentValues } from "./segment-values.ts";
import type { ValueModel } from "./types.ts";
import type { ValueInput, ValueResult } from "./index.ts";

/** The value result of the saved parameters on `input` (see the module comment); `modelId` names the model. */
export function valueFromSaved(
  input: ValueInput,
  saved: ValueModel,
  settings: ValueSettings,
  modelId: string,
): ValueResult {
  const { purchases } = input;
  const used: ValueSettings = {
    ...settings,
    model: saved.model,
    time_unit: saved.time_unit,
    horizon_days: saved.horizon_days,
    annual_discount_rate: saved.annual_discount_rate,
    calibration_end: null,
  };
  const now = summarise(purchases, dayNumber(input.observation_end), saved.time_unit);
  const values = predictValues(saved, now);
  const n = purchases.ids.length;
  const included = [...now.included.keys()].filter((i) => now.included[i]);
  const repeat = included.filter((i) => now.x[i] > 0);
  const spendCustomers = repeat.filter((i) => now.mean_repeat_value[i] > 0);
  const histories = {
    x: included.map((i) => now.x[i]),
    t_x: included.map((i) => now.t_x[i]),
    T: included.map((i) => now.T[i]),
  };
  const spendData = { x: spendCustomers.map((i) => now.x[i]), m: spendCustomers.map((i) => now.mean_repeat_value[i]) };
  const purchaseLl = (saved.model === "bgnbd" ? bgnbdLogLikelihood : mbgnbdLogLikelihood)(saved.purchase, histories);
  const notFit = { se: null, converged: true, iterations: 0, problem: null };
  const spend = saved.spend;
  const total = values.expected_revenue.reduce((t, x) => t + x, 0);
  // no parameter draws, so no intervals
  const segments = segmentValues(input, values, () => null);
  const allAlive = Float64Array.from(values.p_alive).sort();
  const watch = churnWatch({
    ids: purchases.ids,
    segment: input.segment,
    revenue: input.revenue,
    p_alive: values.p_alive,
    expected_revenue: values.expected_revenue,
  });
  return {
    summary: {
      status: "fitted",
      reason: null,
      needs: null,
      model: saved.model,
      settings: used,
      saved_model: { model_id: modelId, fitted_through: saved.fitted_through },
      period_start: input.period_start,
      fitted_through: saved.fitted_through,
      observation_end: input.observation_end,
      calibration: { customers: now.customers, repeat_customers: repeat.length, days: 0 },
      [saved.model]: { ...saved.purchase, log_likelihood: purchaseLl, ...notFit },
      gamma_gamma: {
        ...spend,
        log_likelihood: spendData.x.length ? gammaGammaLogLikelihood(spend, spendData) : 0,
        ...notFit,
        customers: spendCustomers.length,
        left_out_no_repeat: now.customers - repeat.length,
        left_out_nonpositive_mean: repeat.length - spendCustomers.length,
        frequency_spend_correlation: spendData.x.length > 2 ? frequencySpendCorrelation(spendData) : 0,
        population_mean_spend: spend.q > 1 ? (spend.p * spend.v) / (spend.q - 1) : null,
      },
      totals: {
        customers: n,
        expected_orders: values.expected_orders.reduce((t, x) => t + x, 0),
        expected_revenue: total,
        expected_revenue_interval: null,
        clv: values.clv.reduce((t, x) => t + x, 0),
        p_alive_median: allAlive.length ? quantileSorted(allAlive, 0.5) : 0,
      },
      interval_method: `No intervals: the parameters come from the saved model ${modelId}, which keeps the parameters and not their uncertainty.`,
      segments,
      holdout: null,
      churn_watch: watch.summary,
    },
    model: saved,
    customers: values,
    churn_rows: watch.rows,
    purchases,
    histories: now,
    // no parameter draws: model.json keeps no covariance, so no interval
    draws: null,
    timings: {},
  };
}
