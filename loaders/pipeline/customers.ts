/**
 * Ingestion of a customer-level table (`layout: "customers"`): the source's rows (any format of sources/) -> the
 * kept customers' features and the accounting of customers/table.ts. There are no transaction lines: the table
 * `transactions` exists with the canonical columns and no rows (so the views `lines` and `returns` are empty, every
 * line aggregate is empty, and the report leaves those sections out with a note). The connection stays open for
 * the report, as after `ingest`.
 */
import type { Config } from "../config.ts";
import { createLineViews, DROP_REASON_TYPE, LINE_COLUMNS } from "../clean/rules.ts";
import type { ReturnAccounting } from "../clean/returns.ts";
import { capabilitiesOf, type Capabilities, type Capability } from "../capabilities.ts";
import {
  customerTable,
  readCustomerRows,
  resolveCustomerColumns,
  type CustomerColumns,
  type CustomerTableSummary,
} from "../customers/table.ts";
import { duckdbDatabase, openDatabase } from "../db/database.ts";
import { InputError } from "../errors.ts";
import type { DropReason } from "../types.ts";
import type { IngestOptions, IngestResult } from "./ingest-result.ts";
import { count, StageTimer } from "./progress.ts";
import { closeOnce } from "./close.ts";
import type { CustomerRead } from "../sources/index.ts";
import { resolveDateWindow } from "../clean/rules.ts";

const LINE_TYPES: Record<(typeof LINE_COLUMNS)[number], string> = {
  invoice: "VARCHAR",
  stock_code: "VARCHAR",
  description: "VARCHAR",
  quantity: "DOUBLE",
  unit_price: "DOUBLE",
  amount: "DOUBLE",
  revenue: "DOUBLE",
  invoice_date: "TIMESTAMP",
  customer_id: "VARCHAR",
  country: "VARCHAR",
  channel: "VARCHAR",
  category: "VARCHAR",
  store: "VARCHAR",
};

/** The recognised-input block of a customer-level table: file, layout, column -> header, the rule. */
function tableBlock(file: string, format: string, columns: CustomerTableSummary["columns"], rule: string): string {
  const list = (v: string | string[] | null) => (Array.isArray(v) ? v.join(" + ") : v);
  const mapped = Object.entries(columns)
    .filter(([, v]) => v !== null && !(Array.isArray(v) && !v.length))
    .map(([k, v]) => `${k} <- ${list(v as string | string[])}`)
    .join(", ");
  return [
    `segment-report: input ${file}`,
    `  layout:   customer-level table (one row per customer, layout "customers"); ${format}`,
    `  columns:  ${mapped}`,
    `  dates:    no transaction dates (recency as the table gives it)`,
    `  encoding: UTF-8`,
    `  note:     ${rule}`,
    `  note:     no transaction lines: monthly revenue, weekday x hour, products, baskets, returns and geography are left out`,
  ]
    .map((l) => `${l}\n`)
    .join("");
}

/**
 * What a customer-level table holds: customers with their summed columns, and what its mapped columns add. Its
 * country column names each customer's country but not where the revenue was made (the geography page reads that
 * from lines), so it does not give `countries`.
 */
export function tableCapabilities(columns: CustomerTableSummary["columns"]): Capabilities {
  const held: Capability[] = ["customer_parts"];
  if (columns.signup_date !== null) held.push("signup_dates", "period");
  if (columns.responses.length) held.push("responses");
  return capabilitiesOf(held);
}

/**
 * Reads the customer-level table `plan` (sources/index.ts, `customerTableReader`) as one row per customer;
 * InputError (plan and database closed) on bad input.
 */
export async function ingestCustomerTable(
  plan: CustomerRead,
  config: Config,
  options: IngestOptions = {},
  timer = new StageTimer("ingest"),
): Promise<IngestResult> {
  const file = plan.source;
  let columns: CustomerColumns;
  try {
    columns = resolveCustomerColumns(plan.headers, config, file);
  } catch (error) {
    plan.close();
    throw error;
  }
  const { instance, conn } = await openDatabase();
  const db = duckdbDatabase(instance, conn);
  const close = closeOnce(
    () => plan.close(),
    () => db.close(),
  );
  try {
    const relation = plan.relation;
    const rows = await timer.time(
      "read",
      async () => readCustomerRows(conn, await relation(conn), plan.headers, columns, file),
      (r) => `read ${count(r.length)} customer rows`,
    );
    const table = await timer.time(
      "features",
      async () => customerTable(rows, columns, plan.headers, config, file),
      (t) => `kept ${count(t.customers.length)} of ${count(t.rows_in)} customers`,
    );
    if (!table.customers.length)
      throw new InputError(`${file}: no customer left after the checks (${table.summary.rule})`);
    await conn.run(DROP_REASON_TYPE);
    const typed = LINE_COLUMNS.map((c) => `NULL::${LINE_TYPES[c]} AS ${c}`).join(", ");
    await conn.run(
      `CREATE OR REPLACE TABLE transactions AS SELECT ${typed}, NULL::drop_reason AS drop_reason, NULL::DOUBLE AS returned WHERE false`,
    );
    await createLineViews(db);
    // no returns to match (the report reads the per-customer returns table)
    await conn.run(`CREATE OR REPLACE TABLE customer_returns (customer_id VARCHAR, units DOUBLE, netted DOUBLE)`);
    const customers = table.customers;
    const revenue = customers.reduce((s, c) => s + c.monetary, 0);
    const returns: ReturnAccounting = {
      basis: "gross",
      gross_revenue: revenue,
      returned_revenue: 0,
      net_revenue: revenue,
      return_lines: 0,
      matched_lines: 0,
      matched_units: 0,
      unmatched_lines: 0,
      unmatched_units: 0,
      unmatched_value: 0,
      set_aside: { fully_returned: { customers: 0, lines: 0, net_revenue: 0 } },
    };
    const recognised = tableBlock(file, plan.recognition.format, table.summary.columns, table.summary.rule);
    options.onRecognised?.(recognised);
    const notes = [
      table.summary.rule,
      "no transaction lines: monthly revenue, weekday x hour, products, baskets, returns and geography are left out",
    ];
    return {
      db,
      conn,
      config,
      source: file,
      reader: plan.reader,
      ...(plan.ignored ? { ignored_files: plan.ignored } : {}),
      accounting: {
        rows_in: table.rows_in,
        rows_kept: customers.length,
        // a customer table's rows are set aside for its own reasons (customers/table.ts), not the line reasons
        dropped: table.set_aside as unknown as Record<DropReason, number>,
        revenue_without_customer: { lines: 0, revenue: 0 },
        returns,
        revenue_source:
          `Revenue is each customer's spending as the table gives it (${table.summary.columns.monetary.join(" + ")}), ` +
          `and orders their purchases (${table.summary.columns.frequency.join(" + ")}); the table has no returns to deduct.`,
      },
      snapshot_date: table.snapshot_date,
      period_start: table.period_start,
      period_end: table.period_end,
      customers,
      revenue,
      orders: customers.reduce((s, c) => s + c.frequency, 0),
      countries: new Set(customers.map((c) => c.country)).size,
      without_customer: { lines: 0, orders: 0, revenue: 0 },
      date_order: "day-first",
      dates: { format: config.date_format, order: null, order_evident: false, forms: [] },
      encoding: "utf-8",
      date_window: resolveDateWindow(config.plausible_dates, options.today),
      recognised,
      input_columns: [],
      notes,
      tables: null,
      capabilities: tableCapabilities(table.summary.columns),
      customer_table: { ...table.summary, parts: table.parts },
      timings: timer.timings,
      cpu_ms: timer.cpu,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
