/**
 * Per-customer predictions from fitted parameters: P(alive), expected purchases over a horizon, expected average
 * spend and the discounted value (CLV). The CLV sums, month by month (365.25/12 days; the last step may be shorter),
 * the expected purchases in the month times the expected average spend, discounted at the annual rate to the end of
 * the month: CLV = E[M] · Σₖ (E[Y(tₖ)] − E[Y(tₖ₋₁)]) · (1 + d)^(−tₖ/365.25 days).
 */
import { bgnbdExpected, bgnbdPAlive, type PurchaseParams } from "./bgnbd.ts";
import { expectedAverageSpend, type SpendParams } from "./gamma-gamma.ts";
import { mbgnbdExpected, mbgnbdPAlive } from "./mbgnbd.ts";
import { UNIT_DAYS, type TimeUnit } from "./prepare.ts";

export type PurchaseModel = "bgnbd" | "mbgnbd";

/** The purchase model's P(alive) and conditional expectation. */
export function purchaseFunctions(model: PurchaseModel) {
  return model === "bgnbd"
    ? { pAlive: bgnbdPAlive, expected: bgnbdExpected }
    : { pAlive: mbgnbdPAlive, expected: mbgnbdExpected };
}

/** month length in days for the CLV's discounting steps */
export const MONTH_DAYS = 365.25 / 12;

/** The CLV's step ends in days: every month, then the horizon. */
export function clvSteps(horizonDays: number): number[] {
  const steps: number[] = [];
  for (let k = 1; k * MONTH_DAYS < horizonDays; k++) steps.push(k * MONTH_DAYS);
  steps.push(horizonDays);
  return steps;
}

export interface CustomerValue {
  p_alive: number;
  /** expected orders (transactions) over the horizon */
  expected_orders: number;
  expected_order_value: number;
  /** discounted expected revenue over the horizon */
  clv: number;
  /** undiscounted expected revenue over the horizon */
  expected_revenue: number;
}

/** One customer's predictions at (x, t_x, T, mean repeat value). */
export function customerValue(
  model: PurchaseModel,
  purchase: PurchaseParams,
  spend: SpendParams,
  h: { x: number; t_x: number; T: number; m: number },
  settings: { time_unit: TimeUnit; horizon_days: number; annual_discount_rate: number },
): CustomerValue {
  const f = purchaseFunctions(model);
  const per = UNIT_DAYS[settings.time_unit];
  const value = expectedAverageSpend(spend, h.m > 0 ? h.x : 0, h.m);
  let discounted = 0;
  let previous = 0;
  for (const days of clvSteps(settings.horizon_days)) {
    const e = f.expected(purchase, h.x, h.t_x, h.T, days / per);
    discounted += (e - previous) * Math.pow(1 + settings.annual_discount_rate, -days / 365.25);
    previous = e;
  }
  return {
    p_alive: f.pAlive(purchase, h.x, h.t_x, h.T),
    expected_orders: previous,
    expected_order_value: value,
    clv: discounted * value,
    expected_revenue: previous * value,
  };
}
