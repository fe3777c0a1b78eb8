/** The value stage's settings (`"value"` in the configuration). */
import { z } from "zod";

export const valueSettings = z
  .strictObject({
    /** "bgnbd" (one-off buyers are certainly alive) or "mbgnbd" (they may have dropped out) */
    model: z.enum(["bgnbd", "mbgnbd"]).default("bgnbd"),
    /** YYYY-MM-DD: fit on the lines up to this day, check against the rest; null: fit on everything */
    calibration_end: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD")
      .nullable()
      .default(null),
    /** the unit of t_x, T and of the purchase-rate parameters */
    time_unit: z.enum(["week", "day", "month"]).default("week"),
    /** days ahead the expected orders, spend and value are for */
    horizon_days: z.number().int().min(1).max(3650).default(365),
    /** yearly rate future revenue is discounted at in the CLV */
    annual_discount_rate: z.number().min(0).max(1).default(0.1),
  })
  .default({ model: "bgnbd", calibration_end: null, time_unit: "week", horizon_days: 365, annual_discount_rate: 0.1 });

export type ValueSettings = z.infer<typeof valueSettings>;
