/**
 * value.json: the "Customer value" page. The fitted models (or, when they did not run, why and what data would let
 * them), expected orders, revenue and CLV per segment with their intervals, the P(alive) and expected-orders matrices
 * over recency x frequency, the calibration/holdout check, the churn watch (per-customer rows only under
 * `report.publish_customer_list`), and every sentence of the page, computed here and guarded: a segment's value is
 * called higher or lower than the rest's only when the interval of the difference excludes zero.
 */
import { UNIT_DAYS } from "../../value/prepare.ts";
import { purchaseFunctions } from "../../value/predict.ts";
import type { ValueResult } from "../../value/index.ts";
import type { ReportContext } from "../context.ts";
import { formatInt, formatMoney, formatNumber, formatPercent } from "../format.ts";
import { rnd } from "../facts.ts";
import { horizonWords, MODEL_NAMES, weakDropout } from "../value-figures.ts";

/** largest |correlation| of frequency and spend called weak (the Gamma-Gamma assumption) */
export const WEAK_CORRELATION = 0.3;
/** recency columns of the matrices */
const MATRIX_COLUMNS = 12;
/** most frequency rows of the matrices */
const MATRIX_ROWS = 20;

const UNIT_WORDS = { week: "weeks", day: "days", month: "months" } as const;

/**
 * The matrices of P(alive) and expected orders over the horizon for a customer as old as the oldest (T): rows the
 * repeat purchases x (1 to the 99th percentile, at most MATRIX_ROWS), columns the time since the last purchase.
 */
function matrices(value: ValueResult) {
  const h = value.histories!;
  const s = value.summary;
  const fit = s[s.model]!;
  const params = { r: fit.r, alpha: fit.alpha, a: fit.a, b: fit.b };
  let T = 0;
  const xs: number[] = [];
  for (let i = 0; i < h.x.length; i++)
    if (h.included[i]) {
      T = Math.max(T, h.T[i]);
      if (h.x[i] > 0) xs.push(h.x[i]);
    }
  xs.sort((a, b) => a - b);
  const xMax = Math.max(1, Math.min(MATRIX_ROWS, xs[Math.floor(0.99 * (xs.length - 1))] ?? 1));
  const f = purchaseFunctions(s.model);
  const horizon = s.settings.horizon_days / UNIT_DAYS[s.settings.time_unit];
  const since = Array.from({ length: MATRIX_COLUMNS }, (_, j) => (T * (j + 0.5)) / MATRIX_COLUMNS);
  const rows = Array.from({ length: xMax }, (_, i) => i + 1);
  return {
    T: rnd(T, 1),
    time_unit: s.settings.time_unit,
    since_last: since.map((t) => rnd(t, 1)),
    frequency: rows,
    p_alive: rows.map((x) => since.map((d) => rnd(f.pAlive(params, x, T - d, T), 3))),
    expected_orders: rows.map((x) => since.map((d) => rnd(f.expected(params, x, T - d, T, horizon), 2))),
  };
}

/** value.json (see the module comment). */
export function valueData(ctx: ReportContext): Record<string, unknown> {
  const value = ctx.value;
  const currency = ctx.config.report.currency;
  const money = (x: number) => formatMoney(x, currency);
  if (!value || value.summary.status !== "fitted")
    return {
      fitted: false,
      model: ctx.config.value.model,
      reason: value?.summary.reason ?? "the value stage did not run",
      needs: value?.summary.needs ?? null,
      text: {
        headline: `No customer-value figures: ${value?.summary.reason ?? "the value stage did not run"}.`,
        needs: value?.summary.needs ? `What would let the models run: ${value.summary.needs}.` : null,
      },
    };
  const s = value.summary;
  const fit = s[s.model]!;
  const gg = s.gamma_gamma!;
  const totals = s.totals!;
  const name = MODEL_NAMES[s.model];
  const horizon = s.settings.horizon_days;
  const horizonText = horizonWords(horizon);
  const h = value.histories!;
  let oneOff = 0;
  let included = 0;
  const oneOffAlive: number[] = [];
  for (let i = 0; i < h.x.length; i++)
    if (h.included[i]) {
      included++;
      if (h.x[i] === 0) {
        oneOff++;
        oneOffAlive.push(value.customers!.p_alive[i]);
      }
    }
  oneOffAlive.sort((a, b) => a - b);
  const medianOneOff = oneOffAlive.length ? oneOffAlive[Math.floor((oneOffAlive.length - 1) / 2)] : null;
  const interval = (iv: [number, number] | null) => (iv ? ` (95% interval ${money(iv[0])} to ${money(iv[1])})` : "");
  const segments = s.segments!.map((g) => ({
    segment: g.segment,
    customers: g.customers,
    revenue: rnd(g.revenue),
    expected_orders: rnd(g.expected_orders, 1),
    expected_revenue: rnd(g.expected_revenue),
    expected_revenue_interval: g.expected_revenue_interval?.map((v) => rnd(v)) ?? null,
    mean_expected_revenue: rnd(g.mean_expected_revenue),
    mean_expected_revenue_interval: g.mean_expected_revenue_interval?.map((v) => rnd(v)) ?? null,
    difference_from_rest: rnd(g.difference_from_rest),
    difference_from_rest_interval: g.difference_from_rest_interval?.map((v) => rnd(v)) ?? null,
    separated: g.separated,
    clv: rnd(g.clv),
    clv_stats: {
      n: g.customers,
      p05: rnd(g.clv_quantiles.p05),
      q1: rnd(g.clv_quantiles.p25),
      median: rnd(g.clv_quantiles.p50),
      q3: rnd(g.clv_quantiles.p75),
      p95: rnd(g.clv_quantiles.p95),
      mean: rnd(g.clv_quantiles.mean),
    },
    p_alive_median: rnd(g.p_alive_median, 3),
    likely_inactive: g.likely_inactive,
  }));
  const claims = s
    .segments!.filter((g) => g.separated && g.difference_from_rest_interval)
    .map((g) => {
      const [lo, hi] = g.difference_from_rest_interval!;
      const more = g.separated === "higher";
      return (
        `${g.segment}: ${money(g.mean_expected_revenue)} expected per customer over ${horizonText}, ` +
        `${more ? "more" : "less"} than the other customers' ${money(g.mean_expected_revenue - g.difference_from_rest)} ` +
        `(difference ${money(Math.abs(g.difference_from_rest))}, 95% interval ${money(Math.min(Math.abs(lo), Math.abs(hi)))} to ${money(Math.max(Math.abs(lo), Math.abs(hi)))}).`
      );
    });
  const unseparated = s.segments!.filter((g) => !g.separated).map((g) => g.segment);
  const corr = gg.frequency_spend_correlation;
  const holdout = s.holdout ?? null;
  const watch = s.churn_watch!;
  const unit = UNIT_WORDS[s.settings.time_unit];
  const se = fit.se;

  const text = {
    dropout: weakDropout(value)
      ? `The data barely pins down drop-out: a = ${formatNumber(fit.a, 4)} (standard error ${formatNumber(se!.a, 4)}), b = ${formatNumber(fit.b, 2)} (standard error ${formatNumber(se!.b, 2)}). The model sees few customers leaving, so P(alive) stays near 1 for most of them (median ${formatPercent(totals.p_alive_median)}); a longer history, in which lapsed customers have had time to show it, would let the model tell who has left.`
      : null,
    headline:
      `Over ${horizonText} the ${name} and Gamma-Gamma models expect ${formatNumber(totals.expected_orders, 0)} orders and ` +
      `${money(totals.expected_revenue)} of revenue from the ${formatInt(totals.customers)} customers${interval(totals.expected_revenue_interval)}; ` +
      `discounted at ${formatPercent(s.settings.annual_discount_rate, 0)} a year, ${money(totals.clv)}.`,
    fitted_on: s.saved_model
      ? `Parameters from the saved model ${s.saved_model.model_id}, fitted on the purchases up to ${s.saved_model.fitted_through} and not refitted on these data; the predictions start from each customer's history from ${s.period_start} to ${s.observation_end}. Time in ${unit}.`
      : s.settings.calibration_end === null
        ? `Fitted on every purchase from ${s.period_start} to ${s.observation_end}, time in ${unit}.`
        : `Fitted on the purchases from ${s.period_start} to ${s.fitted_through} (the calibration period); the predictions start from each customer's whole history to ${s.observation_end}. Time in ${unit}.`,
    one_off:
      s.model === "bgnbd"
        ? `Under BG/NBD a customer who has bought on one day only is taken to be active: the model lets customers drop out only after a repeat purchase, so the ${formatInt(oneOff)} one-off buyers (${formatPercent(oneOff / Math.max(1, included))} of the customers) have P(alive) = 1 by assumption, however long ago they bought. Setting value.model to "mbgnbd" fits MBG/NBD, in which they may have dropped out.`
        : `Under MBG/NBD a customer may drop out right after the first purchase, so one-off buyers are not assumed active: the ${formatInt(oneOff)} of them (${formatPercent(oneOff / Math.max(1, included))} of the customers) have a median P(alive) of ${medianOneOff === null ? "–" : formatPercent(medianOneOff)}.`,
    segments: claims,
    unseparated: s.saved_model
      ? "No intervals: the saved model keeps the parameters, not their uncertainty, so no segment's value is claimed to differ from the other customers'."
      : unseparated.length
        ? `The intervals do not separate ${unseparated.join(", ")} from the other customers: no claim is made about ${unseparated.length === 1 ? "its" : "their"} value.`
        : null,
    spend_assumption:
      `Gamma-Gamma assumes a customer's spend per order does not depend on how often she buys. Among the ${formatInt(gg.customers)} repeat customers the correlation of repeat orders and mean order value is ${formatNumber(corr, 2)}: ` +
      (Math.abs(corr) < WEAK_CORRELATION
        ? "weak, as the model assumes."
        : `not weak (|r| >= ${WEAK_CORRELATION}): the expected order values lean towards the ${corr > 0 ? "frequent" : "occasional"} buyers' spend, and should be read with care.`) +
      ` ${s.saved_model ? "Outside the spend model's reach (as in its fit)" : "Left out of the spend fit"}: ${formatInt(gg.left_out_no_repeat)} customers without a repeat purchase${gg.left_out_nonpositive_mean ? ` and ${formatInt(gg.left_out_nonpositive_mean)} whose mean repeat value is zero or less` : ""}; they get the population mean, ${money(gg.population_mean_spend ?? 0)} per order.`,
    holdout: s.saved_model
      ? "No holdout check: the parameters come from the saved model, not from a fit on these data."
      : holdout
        ? `Fitted on the purchases up to ${holdout.calibration_end}, the model predicted ${formatNumber(holdout.predicted_transactions, 0)} transactions by these ${formatInt(holdout.customers)} customers in the ${formatInt(holdout.holdout_days)} days to ${holdout.holdout_end}; they made ${formatInt(holdout.actual_transactions)}` +
          (holdout.total_error_pct === null
            ? "."
            : ` (${holdout.total_error_pct >= 0 ? "+" : ""}${formatNumber(holdout.total_error_pct, 1)}%). Mean absolute error per customer: ${formatNumber(holdout.mean_absolute_error, 2)} transactions.`) +
          (holdout.customers_first_seen_in_holdout
            ? ` ${formatInt(holdout.customers_first_seen_in_holdout)} customers first bought in the holdout and are not in the check.`
            : "")
        : `No holdout check: set value.calibration_end to a day some months before the end of the data (${s.observation_end}) to fit on the purchases up to it and compare the predictions with what happened after.`,
    churn: watch.customers
      ? `${formatInt(watch.customers)} high-value customers (the top quarter by revenue, ${money(watch.high_value_threshold)} or more) have a probability of being active below ${formatPercent(watch.p_alive_threshold, 0)}: ${formatPercent(watch.share)} of the high-value customers. They brought ${money(watch.revenue)} (${formatPercent(watch.revenue_share)} of revenue); the revenue at stake over ${horizonText}, what they would bring if still active less what is expected of them, is ${money(watch.expected_revenue_at_stake)}.`
      : `No high-value customer (the top quarter by revenue, ${money(watch.high_value_threshold)} or more) has a probability of being active below ${formatPercent(watch.p_alive_threshold, 0)}.`,
  };
  return {
    fitted: true,
    model: s.model,
    model_name: name,
    settings: s.settings,
    currency,
    parameters: {
      purchase: {
        r: fit.r,
        alpha: fit.alpha,
        a: fit.a,
        b: fit.b,
        se: fit.se,
        log_likelihood: fit.log_likelihood,
        iterations: fit.iterations,
      },
      spend: { p: gg.p, q: gg.q, v: gg.v, se: gg.se, log_likelihood: gg.log_likelihood, iterations: gg.iterations },
    },
    interval_method: s.interval_method,
    totals: {
      customers: totals.customers,
      expected_orders: rnd(totals.expected_orders, 1),
      expected_revenue: rnd(totals.expected_revenue),
      expected_revenue_interval: totals.expected_revenue_interval?.map((v) => rnd(v)) ?? null,
      clv: rnd(totals.clv),
      p_alive_median: rnd(totals.p_alive_median, 3),
    },
    segments,
    matrix: matrices(value),
    holdout: holdout && {
      ...holdout,
      predicted_transactions: rnd(holdout.predicted_transactions, 1),
      total_error_pct: rnd(holdout.total_error_pct, 1),
      mean_absolute_error: rnd(holdout.mean_absolute_error, 3),
      group_mean_absolute_error: rnd(holdout.group_mean_absolute_error, 3),
      groups: holdout.groups.map((g) => ({
        ...g,
        actual_mean: rnd(g.actual_mean, 3),
        predicted_mean: rnd(g.predicted_mean, 3),
      })),
      weekly: holdout.weekly.map((w) => ({ ...w, predicted: rnd(w.predicted, 1) })),
    },
    churn_watch: {
      ...watch,
      high_value_threshold: rnd(watch.high_value_threshold),
      revenue: rnd(watch.revenue),
      expected_revenue_at_stake: rnd(watch.expected_revenue_at_stake),
      segments: watch.segments.map((g) => ({ ...g, revenue: rnd(g.revenue), value_at_stake: rnd(g.value_at_stake) })),
      // per-customer rows only under the privacy switch
      rows: ctx.config.report.publish_customer_list
        ? value.churn_rows.map(({ customer_id, ...r }) => ({
            customer: customer_id,
            ...r,
            revenue: rnd(r.revenue),
            p_alive: rnd(r.p_alive, 4),
            value_at_stake: rnd(r.value_at_stake),
          }))
        : null,
    },
    text,
  };
}
