/**
 * The value models as saved in model.json (`value`): everything needed to score a customer's (x, t_x, T, mean repeat
 * value) again, plain JSON. One zod schema is the definition (loaders/model/schema.ts uses it for model.json's
 * `value` slot); `ValueModel` is its type.
 */
import { z } from "zod";

const positive = z.number().refine((x) => Number.isFinite(x) && x > 0, "a finite positive number");

export const valueModelSchema = z.strictObject({
  /** the purchase model: "bgnbd" or "mbgnbd" */
  model: z.enum(["bgnbd", "mbgnbd"]),
  /** the unit of t_x, T and of the purchase-rate parameters */
  time_unit: z.enum(["week", "day", "month"]),
  /** days ahead the expected orders, order value and CLV are for */
  horizon_days: z.int().min(1),
  /** yearly rate future revenue is discounted at in the CLV */
  annual_discount_rate: z.number().min(0).max(1),
  /** YYYY-MM-DD: the last day the parameters were fitted on */
  fitted_through: z.string(),
  /** YYYY-MM-DD: the last day of the training histories the training predictions started from */
  observation_end: z.string(),
  /** the purchase model's parameters (BG/NBD or MBG/NBD) */
  purchase: z.strictObject({ r: positive, alpha: positive, a: positive, b: positive }),
  /** the Gamma-Gamma spend model's parameters (q > 1) */
  spend: z.strictObject({ p: positive, q: positive, v: positive }),
});

export type ValueModel = z.infer<typeof valueModelSchema>;
