/**
 * The settings of cleaning: which lines are set aside (`cleaning`) and the revenue basis (`revenue`). Part of the
 * configuration schema (config/schema.ts); imports nothing above it.
 */
import { z } from "zod";
import { oneOf } from "../config/setting.ts";

export const REVENUE_BASES = ["net", "gross"] as const;
export type RevenueBasis = (typeof REVENUE_BASES)[number];

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern, "i");
    return true;
  } catch {
    return false;
  }
}

export const cleaningSettings = z
  .strictObject({
    drop_cancellations: z.boolean().default(true),
    drop_missing_customer: z.boolean().default(true),
    drop_nonpositive_quantity: z.boolean().default(true),
    drop_nonpositive_price: z.boolean().default(true),
    drop_nonpositive_amount: z
      .boolean()
      .default(true)
      .describe("lines whose amount (when columns.amount is mapped) is zero or negative"),
    drop_non_product_codes: z.boolean().default(true),
    non_product_codes: z
      .array(z.string())
      .default(() => ["POST", "DOT", "M", "D", "C2", "CRUK", "PADS", "S", "B", "BANK CHARGES", "AMAZONFEE"])
      .describe("exact stock codes (case-insensitive) that are not products: postage, bank charges ..."),
    non_product_pattern: z
      .string()
      .refine(isRegExp, { error: "a valid regular expression" })
      .default("^(gift_.*|adjust.*|test.*)$")
      .describe("a regular expression (case-insensitive) for more non-product codes, matched against the whole code"),
    drop_duplicates: z
      .boolean()
      .default(false)
      .describe("drop exact repeats of a line (all columns equal); off by default, as in the canonical policy"),
  })
  .prefault({});

/** Top-level settings of cleaning. */
export const revenueSettings = {
  revenue: oneOf(REVENUE_BASES, '"net" or "gross"')
    .default("net")
    .describe(
      '"net": cancellations net the same customer\'s earlier purchases and customers with net revenue <= 0 are set aside; "gross": purchases as they are',
    ),
};

export type CleaningConfig = z.output<typeof cleaningSettings>;
