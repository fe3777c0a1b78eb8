/**
 * The settings of the report: its title, currency, whether the per-customer list is published, and the labels
 * readers see for column names (report/labels.ts adds the defaults of the recognised layouts).
 */
import { z } from "zod";

const LABEL = "a non-empty label";

/** Column name -> the label readers see (`{"MntWines": "Wine"}`). */
export const labelSettings = z
  .record(z.string(), z.string({ error: LABEL }).trim().min(1, { error: LABEL }), {
    error: "an object of column name -> label",
  })
  .default({})
  .describe(
    'column name -> the label readers see, e.g. {"MntWines": "Wine"}; over the defaults for recognised layouts',
  );

export const reportSettings = z
  .strictObject({
    title: z.string().default("Customer segmentation report"),
    currency: z.string().default("£").describe("the currency symbol shown before amounts"),
    publish_customer_list: z
      .boolean()
      .default(false)
      .describe("publish the per-customer segment list (customer_segments.csv) in the site: internal use only"),
    labels: labelSettings,
  })
  .prefault({});

export type ReportConfig = z.output<typeof reportSettings>;
