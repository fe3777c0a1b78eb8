/** Shared shapes passed between the pipeline's stages. Each stage owns the details of its own output types. */

/** Why an input line was not kept. Every input line is kept or counted under exactly one reason (first match, in this order). */
export const DROP_REASONS = [
  "implausible_date",
  "cancellation",
  "missing_order",
  "missing_customer",
  "nonpositive_quantity",
  "nonpositive_price",
  "nonpositive_amount",
  "non_product_code",
  "duplicate",
  // net revenue only (see loaders/clean/returns.ts): a purchase line whose units were all returned, and every
  // line of a customer whose net revenue is zero or less
  "returned",
  "fully_returned",
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export interface Accounting {
  rows_in: number;
  rows_kept: number;
  /** reason -> lines dropped for it; every reason of DROP_REASONS is present (0 when it never applied or is switched off) */
  dropped: Record<DropReason, number>;
}

/** One customer's features, computed from the kept lines (and the cancellations, for returns). */
export interface CustomerFeatures {
  customer_id: string;
  /** whole days from the day of the last purchase to the snapshot day */
  recency: number;
  /** distinct invoices */
  frequency: number;
  /** summed revenue (quantity x unit price, or the mapped amount), net of matched returns under the net basis */
  monetary: number;
  /** YYYY-MM-DD */
  first_purchase: string;
  /** YYYY-MM-DD */
  last_purchase: string;
  /** whole days from the day of the first purchase to the snapshot day */
  tenure: number;
  /** monetary / frequency */
  avg_order_value: number;
  /** units (summed quantity) per order */
  items_per_order: number;
  /** returned units (matched to the customer's purchases, see clean/returns.ts) / purchased units (before netting) */
  return_rate: number;
  /** the country on most of the customer's kept lines (ties: alphabetical first) */
  country: string;
  /** a customer-level table's numeric columns used as clustering features, by header */
  extra?: Record<string, number>;
}
