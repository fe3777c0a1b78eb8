/**
 * The glossary's entries for a customer-level table (`layout: "customers"`), whose figures are the table's own
 * columns, not lines and invoices: revenue, orders, customers, recency, frequency, spend, tenure and the per-year
 * figures say which columns they are and what period they cover. (The entries the data cannot fill say so in
 * glossary.ts, from what each entry needs.)
 */
import type { ReportContext } from "./context.ts";
import { formatInt, formatNumber } from "./format.ts";

const sum = (columns: readonly string[]) => columns.join(" + ");

/** The definitions of a customer-level table's figures, by entry id (none for other data). */
export function customerTableDefinitions(ctx: ReportContext): Record<string, string> {
  const table = ctx.ingest.customer_table;
  if (!table) return {};
  const c = table.columns;
  const period = ctx.config.period_days;
  const periodText =
    period === null
      ? "the table does not say what period they cover (period_days not set), so per-year figures take them as one year's"
      : `they cover ${formatInt(period)} days (period_days in the configuration)`;
  const definitions: Record<string, string> = {
    revenue: `Each customer's spending as the table gives it, the sum of ${sum(c.monetary)}; ${periodText}. The table has no returns, so there is no gross and net.`,
    order: `A purchase as the table counts it: each customer's orders are the sum of ${sum(c.frequency)}.`,
    customers: `Rows of the table with a customer id that were analysed: ${formatInt(ctx.ingest.customers.length)} (rows set aside are counted on the cleaning account).`,
    recency: `The table's ${c.recency} column: days since the customer's last purchase, as the exporting system counted them.`,
    frequency: `The customer's purchases: ${sum(c.frequency)}.`,
    monetary: `The customer's spending: ${sum(c.monetary)}.`,
    tenure: c.signup_date
      ? `Whole days from the customer's signup date (${c.signup_date}) to the snapshot day (${ctx.headline.snapshot_date}).`
      : "Not available: the table has no signup date.",
    aov: "Spending divided by purchases (of a segment, or of all customers).",
    "orders-a-year":
      period === null
        ? "A segment's purchases per customer, taken as one year's: the table does not say what period they cover (set period_days)."
        : `A segment's purchases per customer divided by the period the table covers (${formatInt(period)} days = ${formatNumber(period / 365.25, 2)} years), for every customer alike.`,
  };
  return definitions;
}
