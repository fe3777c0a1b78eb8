/**
 * Per-customer predictions from a fitted (or saved) value model: the one loop both the value stage and `npm run
 * score` use, so that scoring the training data with model.json gives the pipeline's figures exactly.
 */
import { customerValue } from "./predict.ts";
import type { CustomerSummary } from "./prepare.ts";
import type { CustomerValues, ValueModel } from "./types.ts";

/** P(alive), expected orders, expected order value, CLV and expected revenue of every customer's history. */
export function predictValues(model: ValueModel, histories: CustomerSummary): CustomerValues {
  const n = histories.x.length;
  const values: CustomerValues = {
    p_alive: new Float64Array(n),
    expected_orders: new Float64Array(n),
    expected_order_value: new Float64Array(n),
    clv: new Float64Array(n),
    expected_revenue: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const v = customerValue(
      model.model,
      model.purchase,
      model.spend,
      { x: histories.x[i], t_x: histories.t_x[i], T: histories.T[i], m: histories.mean_repeat_value[i] },
      model,
    );
    values.p_alive[i] = v.p_alive;
    values.expected_orders[i] = v.expected_orders;
    values.expected_order_value[i] = v.expected_order_value;
    values.clv[i] = v.clv;
    values.expected_revenue[i] = v.expected_revenue;
  }
  return values;
}
