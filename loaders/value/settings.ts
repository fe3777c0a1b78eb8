/** The value stage's settings (`"value"` in the configuration). Each error message completes "should be ...". */
import { z } from "zod";

export const valueSettings = z
  .strictObject({
    /** "bgnbd" (one-off buyers are certainly alive) or "mbgnbd" (they may have dropped out) */
    model: z.enum(["bgnbd", "mbgnbd"], { error: '"bgnbd" or "mbgnbd"' }).default("bgnbd"),
    /** YYYY-MM-DD: fit on the lines up to this day, check against the rest; null: fit on everything */
    calibration_end: z
      .string({ error: "a calendar date YYYY-MM-DD or null" })
      .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "a calendar date YYYY-MM-DD or null" })
      .refine(
        (d) => {
          const t = Date.parse(`${d}T00:00:00Z`);
          return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === d;
        },
        {
          error: "a calendar date YYYY-MM-DD or null",
        },
      )
      .nullable()
      .default(null),
    /** the unit of t_x, T and of the purchase-rate parameters */
    time_unit: z.enum(["week", "day", "month"], { error: '"week", "day" or "month"' }).default("week"),
    /** days ahead the expected orders, spend and value are for */
    horizon_days: z
      .number({ error: "a whole number of days from 1 to 3650" })
      .int({ error: "a whole number of days from 1 to 3650" })
      .min(1, { error: "a whole number of days from 1 to 3650" })
      .max(3650, { error: "a whole number of days from 1 to 3650" })
      .default(365),
    /** yearly rate future revenue is discounted at in the CLV */
    annual_discount_rate: z
      .number({ error: "a rate from 0 to 1 (0.1 = 10% a year)" })
      .min(0, { error: "a rate from 0 to 1 (0.1 = 10% a year)" })
      .max(1, { error: "a rate from 0 to 1 (0.1 = 10% a year)" })
      .default(0.1),
  })
  .default({ model: "bgnbd", calibration_end: null, time_unit: "week", horizon_days: 365, annual_discount_rate: 0.1 });

export type ValueSettings = z.infer<typeof valueSettings>;
