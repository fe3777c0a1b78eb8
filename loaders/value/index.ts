/**
 * The value stage: per-customer histories from the cleaned lines (prepare.ts) -> BG/NBD or MBG/NBD and Gamma-Gamma
 * fitted on the calibration period -> per-customer P(alive), expected orders, expected order value and CLV from the
 * whole history -> per-segment totals with intervals (interval.ts), the holdout check (holdout.ts) and the churn watch
 * (churn.ts). Data that cannot support a fit, or a fit that does not converge, gives `status: "not_fitted"` and one
 * line saying why; never a NaN or a made-up figure.
 */
import type { SqlDatabase } from "../db/database.ts";
import { customerOrderSql } from "../features/customers.ts";
import { deriveSeed, Rng } from "../stats/random.ts";
import { quantileSorted } from "../stats/quantile.ts";
import { BGNBD_PARAMS, fitBgnbd, type PurchaseParams } from "./bgnbd.ts";
import { churnWatch, type ChurnWatchRow } from "./churn.ts";
import type { FitOptions, FitResult } from "./fit.ts";
import { fitGammaGamma, frequencySpendCorrelation, GAMMA_GAMMA_PARAMS, type SpendParams } from "./gamma-gamma.ts";
import { drawTotals, keptDraws, type ParameterDraws } from "./groups.ts";
import { holdoutCheck } from "./holdout.ts";
import { drawParameters, interval95, INTERVAL_DRAWS } from "./interval.ts";
import { fitMbgnbd } from "./mbgnbd.ts";
import { dayNumber, purchasesFromRows, summarise, UNIT_DAYS, type CustomerSummary, type Purchases } from "./prepare.ts";
import type { ValueSettings } from "./settings.ts";
import { predictValues } from "./score.ts";
import { segmentIndex, segmentValues, type DrawInterval } from "./segment-values.ts";
import type { CustomerValues, FitReport, ValueModel, ValueSummary } from "./types.ts";

export type { CustomerValues, ValueModel, ValueSummary } from "./types.ts";
export { valueSettings, type ValueSettings } from "./settings.ts";

/** shortest calibration period (days from the first purchase to the calibration end, both included) fitted */
export const MIN_PERIOD_DAYS = 60;
/** fewest customers with a repeat transaction in the calibration period fitted */
export const MIN_REPEAT_CUSTOMERS = 20;

const NEEDS =
  "a log of dated purchases per customer (customer, date, amount) covering several months, better a year or more, " +
  `in which at least ${MIN_REPEAT_CUSTOMERS} customers bought on more than one day`;

export interface ValueResult {
  summary: ValueSummary;
  /** null when not fitted */
  model: ValueModel | null;
  customers: CustomerValues | null;
  /** the churn watch per customer, ranked by value at stake (publish only under publish_customer_list) */
  churn_rows: ChurnWatchRow[];
  purchases: Purchases | null;
  /** each customer's (x, t_x, T, mean repeat value) at the end of the data, the predictions' inputs; null when not fitted */
  histories: CustomerSummary | null;
  /** the parameter draws the intervals come from (groups.ts recomputes any group's interval from them); null when not fitted */
  draws: ParameterDraws | null;
  /** milliseconds per part: fit, predict, intervals, holdout (wall clock: timings.json only) */
  timings: Record<string, number>;
}

/** The result when the data cannot support the models: one line why, and what data would. */
export function notFitted(settings: ValueSettings, reason: string, extra: Partial<ValueSummary> = {}): ValueResult {
  return {
    summary: { status: "not_fitted", reason, needs: NEEDS, model: settings.model, settings, ...extra },
    model: null,
    customers: null,
    churn_rows: [],
    purchases: null,
    histories: null,
    draws: null,
    timings: {},
  };
}

/** Every customer's purchase days and day revenue from the view `lines`, in the customers' order. */
export async function readPurchases(db: SqlDatabase, ids: string[]): Promise<Purchases> {
  const d = db.dialect;
  const rows = await db.query(
    `SELECT customer_id, ${d.days("DATE '1970-01-01'", "invoice_date::DATE")}::INTEGER AS day, ${d.sum("revenue")} AS value
     FROM lines WHERE customer_id IS NOT NULL GROUP BY customer_id, invoice_date::DATE
     ORDER BY ${customerOrderSql("customer_id", d)}, day`,
  );
  return purchasesFromRows(
    ids,
    rows.map((r) => ({ customer_id: r.customer_id as string, day: Number(r.day), value: Number(r.value) })),
  );
}

function report<P extends string>(fit: FitResult<P>): FitReport<P> {
  return {
    ...fit.params,
    log_likelihood: fit.log_likelihood,
    se: fit.se,
    converged: fit.converged,
    iterations: fit.iterations,
    problem: fit.problem,
  } as FitReport<P>;
}

export interface ValueInput {
  purchases: Purchases;
  /** historic revenue per customer (aligned) */
  revenue: ArrayLike<number>;
  /** segment name per customer (aligned) and the segments in report order */
  segment: readonly string[];
  segments: readonly string[];
  /** YYYY-MM-DD: first purchase in the data, and the last day observed (the day before the snapshot) */
  period_start: string;
  observation_end: string;
  /** seeds the interval draws */
  seed: number;
}

/** Fits and predicts (see the module comment). Pure: the purchases are read by `readPurchases`. */
export function analyseValue(
  input: ValueInput,
  settings: ValueSettings,
  fitOptions: FitOptions = {},
  /** hears each part as it is done (fit, predict, intervals, holdout): the progress lines */
  onStep?: (part: string) => void,
): ValueResult {
  const { purchases } = input;
  const timings: Record<string, number> = {};
  let clock = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - clock);
    clock = now;
    onStep?.(name);
  };
  const unit = settings.time_unit;
  const modelName = settings.model === "bgnbd" ? "BG/NBD" : "MBG/NBD";
  const obsEnd = dayNumber(input.observation_end);
  const calEndDate = settings.calibration_end ?? input.observation_end;
  const calEnd = dayNumber(calEndDate);
  const start = dayNumber(input.period_start);
  if (calEnd < start)
    return notFitted(
      settings,
      `value.calibration_end ${calEndDate} is before the first purchase (${input.period_start}): no calibration period to fit on`,
    );
  if (settings.calibration_end !== null && calEnd >= obsEnd)
    return notFitted(
      settings,
      `value.calibration_end ${calEndDate} leaves no holdout period (the data ends on ${input.observation_end}); set it some months earlier, or null to fit on everything`,
    );
  const days = calEnd - start + 1;
  if (days < MIN_PERIOD_DAYS)
    return notFitted(
      settings,
      `the ${settings.calibration_end ? "calibration " : ""}period is ${days} days (${input.period_start} to ${calEndDate}): the value models need at least ${MIN_PERIOD_DAYS}`,
    );
  const cal = summarise(purchases, calEnd, unit);
  const included = [...cal.included.keys()].filter((i) => cal.included[i]);
  const repeat = included.filter((i) => cal.x[i] > 0);
  const calibration = { customers: cal.customers, repeat_customers: repeat.length, days };
  const base = {
    period_start: input.period_start,
    fitted_through: calEndDate,
    observation_end: input.observation_end,
    calibration,
  };
  if (repeat.length < MIN_REPEAT_CUSTOMERS)
    return notFitted(
      settings,
      `only ${repeat.length} of ${cal.customers} customers bought on more than one day up to ${calEndDate}: the value models need at least ${MIN_REPEAT_CUSTOMERS}`,
      base,
    );
  const histories = {
    x: included.map((i) => cal.x[i]),
    t_x: included.map((i) => cal.t_x[i]),
    T: included.map((i) => cal.T[i]),
  };
  const purchaseFit = settings.model === "bgnbd" ? fitBgnbd(histories, fitOptions) : fitMbgnbd(histories, fitOptions);
  const withPurchase = { ...base, [settings.model]: report(purchaseFit) };
  if (!purchaseFit.converged)
    return notFitted(settings, `the ${modelName} fit did not converge: ${purchaseFit.problem}`, withPurchase);
  const spendCustomers = repeat.filter((i) => cal.mean_repeat_value[i] > 0);
  const spendData = {
    x: spendCustomers.map((i) => cal.x[i]),
    m: spendCustomers.map((i) => cal.mean_repeat_value[i]),
  };
  if (spendCustomers.length < MIN_REPEAT_CUSTOMERS)
    return notFitted(
      settings,
      `only ${spendCustomers.length} repeat customers have a positive mean repeat value: the spend model needs at least ${MIN_REPEAT_CUSTOMERS}`,
      withPurchase,
    );
  const spendFit = fitGammaGamma(spendData, fitOptions);
  const spend = spendFit.params;
  const gamma_gamma = {
    ...report(spendFit),
    customers: spendCustomers.length,
    left_out_no_repeat: cal.customers - repeat.length,
    left_out_nonpositive_mean: repeat.length - spendCustomers.length,
    frequency_spend_correlation: frequencySpendCorrelation(spendData),
    population_mean_spend: spend.q > 1 ? (spend.p * spend.v) / (spend.q - 1) : null,
  };
  const withSpend = { ...withPurchase, gamma_gamma };
  if (!spendFit.converged)
    return notFitted(settings, `the Gamma-Gamma fit did not converge: ${spendFit.problem}`, withSpend);
  if (!(spend.q > 1))
    return notFitted(
      settings,
      `the Gamma-Gamma fit gives q = ${spend.q.toPrecision(3)} <= 1: the expected spend per transaction is unbounded`,
      withSpend,
    );

  lap("fit");
  // predictions from each customer's whole history, with the calibration-period parameters
  const params = purchaseFit.params as PurchaseParams;
  const now = settings.calibration_end === null ? cal : summarise(purchases, obsEnd, unit);
  const n = purchases.ids.length;
  const model: ValueModel = {
    model: settings.model,
    time_unit: unit,
    horizon_days: settings.horizon_days,
    annual_discount_rate: settings.annual_discount_rate,
    fitted_through: calEndDate,
    observation_end: input.observation_end,
    purchase: { ...params },
    spend: { ...spend } as SpendParams,
  };
  const values = predictValues(model, now);

  lap("predict");
  // intervals: Krinsky-Robb draws of both models' parameters
  const rng = new Rng(deriveSeed(input.seed, 20));
  const purchaseDraws = drawParameters(
    BGNBD_PARAMS.map((k) => params[k]),
    purchaseFit.log_covariance!,
    INTERVAL_DRAWS,
    rng,
  );
  const spendDraws = drawParameters(
    GAMMA_GAMMA_PARAMS.map((k) => spend[k]),
    spendFit.log_covariance!,
    INTERVAL_DRAWS,
    rng,
  );
  const k = input.segments.length;
  const { segOf } = segmentIndex(input.segment, input.segments);
  const draws = keptDraws(settings.model, purchaseDraws, spendDraws, settings.horizon_days / UNIT_DAYS[unit]);
  // per draw: per segment, then the total at [k]
  const drawRevenue = drawTotals(draws, now, [{ group: segOf, k }])[0].revenue;
  const iv: DrawInterval = (pick) => (drawRevenue.length > 0 ? interval95(drawRevenue.map(pick)) : null);
  const segments = segmentValues(input, values, iv);
  lap("intervals");
  const allAlive = Float64Array.from(values.p_alive).sort();
  const watch = churnWatch({
    ids: purchases.ids,
    segment: input.segment,
    revenue: input.revenue,
    p_alive: values.p_alive,
    expected_revenue: values.expected_revenue,
  });
  const holdout =
    settings.calibration_end === null
      ? null
      : holdoutCheck(
          settings.model,
          params,
          purchases,
          cal,
          {
            calibrationEnd: calEnd,
            holdoutEnd: obsEnd,
            calibration_end: calEndDate,
            holdout_end: input.observation_end,
          },
          unit,
        );
  lap("holdout");
  return {
    summary: {
      status: "fitted",
      reason: null,
      needs: null,
      model: settings.model,
      settings,
      ...withSpend,
      totals: {
        customers: n,
        expected_orders: values.expected_orders.reduce((t, x) => t + x, 0),
        expected_revenue: values.expected_revenue.reduce((t, x) => t + x, 0),
        expected_revenue_interval: iv((t) => t[k]),
        clv: values.clv.reduce((t, x) => t + x, 0),
        p_alive_median: allAlive.length ? quantileSorted(allAlive, 0.5) : 0,
      },
      interval_method:
        `Krinsky-Robb (a seeded parametric bootstrap of the estimates): ${INTERVAL_DRAWS} draws of both models' log-parameters ` +
        "from their asymptotic normal distribution (covariance from the numerical Hessian); 95% intervals from the " +
        "2.5% and 97.5% quantiles. Parameter uncertainty only, not the randomness of individual purchases." +
        (draws.left_out > 0 ? ` ${draws.left_out} draws with q <= 1 (no finite mean spend) were left out.` : ""),
      segments,
      holdout,
      churn_watch: watch.summary,
    },
    model,
    customers: values,
    churn_rows: watch.rows,
    purchases,
    histories: now,
    draws,
    timings,
  };
}

/** The one line the run prints about the stage. */
export function valueLine(summary: ValueSummary): string {
  if (summary.status === "not_fitted") return `value: not fitted: ${summary.reason}`;
  const fit = summary[summary.model]!;
  const name = summary.model === "bgnbd" ? "BG/NBD" : "MBG/NBD";
  return (
    `value: ${name} r ${fit.r.toPrecision(3)}, alpha ${fit.alpha.toPrecision(3)}, a ${fit.a.toPrecision(3)}, b ${fit.b.toPrecision(3)}` +
    ` (LL ${fit.log_likelihood.toFixed(1)}); Gamma-Gamma p ${summary.gamma_gamma!.p.toPrecision(3)}, q ${summary.gamma_gamma!.q.toPrecision(3)}, v ${summary.gamma_gamma!.v.toPrecision(3)}`
  );
}
