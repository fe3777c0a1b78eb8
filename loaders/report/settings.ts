/** The settings of the report: its title, currency, and whether the per-customer list is published. */
import { z } from "zod";

export const reportSettings = z
  .strictObject({
    title: z.string().default("Customer segmentation report"),
    currency: z.string().default("£").describe("the currency symbol shown before amounts"),
    publish_customer_list: z
      .boolean()
      .default(false)
      .describe("publish the per-customer segment list (customer_segments.csv) in the site: internal use only"),
  })
  .prefault({});

export type ReportConfig = z.output<typeof reportSettings>;
