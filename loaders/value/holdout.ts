/**
 * The calibration/holdout check (the chart lifetimes' `plot_calibration_purchases_vs_holdout_purchases` and
 * PyMC-Marketing draw): the customers who bought in the calibration period, their predicted against actual
 * transactions in the holdout, grouped by calibration-period repeat transactions, with the error stated; and the
 * predicted against actual cumulative holdout transactions week by week.
 */
import type { PurchaseParams } from "./bgnbd.ts";
import { purchaseFunctions, type PurchaseModel } from "./predict.ts";
import { UNIT_DAYS, type CustomerSummary, type Purchases, type TimeUnit } from "./prepare.ts";

/** calibration repeat transactions are grouped 0, 1, ..., GROUP_CAP − 1 and GROUP_CAP or more */
export const GROUP_CAP = 7;

export interface HoldoutGroup {
  /** "0", "1", ..., "7+" */
  repeat_transactions: string;
  customers: number;
  actual_mean: number;
  predicted_mean: number;
}

export interface HoldoutCheck {
  /** YYYY-MM-DD: the last calibration day and the last holdout day */
  calibration_end: string;
  holdout_end: string;
  holdout_days: number;
  /** customers who bought in the calibration period (customers first seen in the holdout are not in the check) */
  customers: number;
  customers_first_seen_in_holdout: number;
  actual_transactions: number;
  predicted_transactions: number;
  /** (predicted − actual) / actual, percent; null without actual transactions */
  total_error_pct: number | null;
  /** mean |predicted − actual| per customer */
  mean_absolute_error: number;
  /** mean |predicted mean − actual mean| over the groups, weighted by customers */
  group_mean_absolute_error: number;
  groups: HoldoutGroup[];
  /** end of each holdout week (the last may be shorter), cumulative actual and predicted transactions */
  weekly: { day: number; actual: number; predicted: number }[];
}

/** The holdout check for fitted parameters; `calibration` summarises the calibration period. */
export function holdoutCheck(
  model: PurchaseModel,
  params: PurchaseParams,
  purchases: Purchases,
  calibration: CustomerSummary,
  span: { calibrationEnd: number; holdoutEnd: number; calibration_end: string; holdout_end: string },
  unit: TimeUnit,
): HoldoutCheck {
  const f = purchaseFunctions(model);
  const per = UNIT_DAYS[unit];
  const holdoutDays = span.holdoutEnd - span.calibrationEnd;
  const weekEnds: number[] = [];
  for (let d = 7; d < holdoutDays; d += 7) weekEnds.push(d);
  weekEnds.push(holdoutDays);
  const actualWeekly = new Float64Array(weekEnds.length);
  const predictedWeekly = new Float64Array(weekEnds.length);
  const groups = Array.from({ length: GROUP_CAP + 1 }, () => ({ customers: 0, actual: 0, predicted: 0 }));
  let customers = 0;
  let firstInHoldout = 0;
  let actualTotal = 0;
  let predictedTotal = 0;
  let absolute = 0;
  for (let i = 0; i < purchases.ids.length; i++) {
    if (!calibration.included[i]) {
      if (purchases.start[i + 1] > purchases.start[i]) firstInHoldout++;
      continue;
    }
    customers++;
    const x = calibration.x[i];
    const tx = calibration.t_x[i];
    const T = calibration.T[i];
    let actual = 0;
    for (let k = purchases.start[i]; k < purchases.start[i + 1]; k++) {
      const d = purchases.day[k] - span.calibrationEnd;
      if (d <= 0 || d > holdoutDays) continue;
      actual++;
      actualWeekly[Math.min(Math.ceil(d / 7) - 1, weekEnds.length - 1)]++;
    }
    for (let w = 0; w < weekEnds.length; w++) predictedWeekly[w] += f.expected(params, x, tx, T, weekEnds[w] / per);
    const predicted = f.expected(params, x, tx, T, holdoutDays / per);
    const g = groups[Math.min(x, GROUP_CAP)];
    g.customers++;
    g.actual += actual;
    g.predicted += predicted;
    actualTotal += actual;
    predictedTotal += predicted;
    absolute += Math.abs(predicted - actual);
  }
  let cumulative = 0;
  const weekly = weekEnds.map((day, w) => {
    cumulative += actualWeekly[w];
    return { day, actual: cumulative, predicted: predictedWeekly[w] };
  });
  const kept = groups
    .map((g, x) => ({
      repeat_transactions: x === GROUP_CAP ? `${GROUP_CAP}+` : String(x),
      customers: g.customers,
      actual_mean: g.customers ? g.actual / g.customers : 0,
      predicted_mean: g.customers ? g.predicted / g.customers : 0,
    }))
    .filter((g) => g.customers > 0);
  return {
    calibration_end: span.calibration_end,
    holdout_end: span.holdout_end,
    holdout_days: holdoutDays,
    customers,
    customers_first_seen_in_holdout: firstInHoldout,
    actual_transactions: actualTotal,
    predicted_transactions: predictedTotal,
    total_error_pct: actualTotal > 0 ? (100 * (predictedTotal - actualTotal)) / actualTotal : null,
    mean_absolute_error: customers ? absolute / customers : 0,
    group_mean_absolute_error: customers
      ? kept.reduce((s, g) => s + g.customers * Math.abs(g.predicted_mean - g.actual_mean), 0) / customers
      : 0,
    groups: kept,
    weekly,
  };
}
