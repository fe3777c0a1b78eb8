/**
 * What a line input holds (sources/index.ts): its capabilities from the logical columns it has and, for a
 * multi-table input, the customer table's attributes. A customer-level table says its own (pipeline/customers.ts).
 */
import { capabilitiesOf, type Capability, type Capabilities } from "../capabilities.ts";
import type { LogicalColumn } from "./columns.ts";

/**
 * The capabilities of transaction lines with `columns`; `customerColumns` are a customer table's attribute columns
 * (tables.customers), `categoriesFile` whether a products.csv beside the data names categories.
 */
export function lineCapabilities(
  columns: readonly LogicalColumn[],
  customerColumns: readonly string[] = [],
  categoriesFile = false,
): Capabilities {
  const has = (c: LogicalColumn) => columns.includes(c);
  const held: Capability[] = ["transactions", "returns", "times_of_day", "period"];
  if (has("invoice")) held.push("invoices");
  if (has("quantity")) held.push("quantities");
  if (has("stock_code")) {
    held.push("products");
    if (has("category") || has("description") || categoriesFile) held.push("categories");
    if (has("description")) held.push("descriptions");
  }
  if (has("country")) held.push("countries");
  if (has("channel")) held.push("channels");
  if (has("store")) held.push("stores");
  const demographics = customerColumns.filter((c) => c !== "signup_date");
  if (demographics.length) held.push("demographics");
  if (customerColumns.includes("signup_date")) held.push("signup_dates");
  return capabilitiesOf(held, demographics);
}
