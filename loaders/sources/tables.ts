/**
 * A multi-table input (`tables` in the configuration): order lines and/or orders, with a product table and a
 * customer table, as a shop database exports them. Each table is read and validated on its own (a bad value names
 * its own file and line), then the lines are joined to their orders on the invoice and to their products on the
 * stock code, in the lines' file order, into the canonical `transactions` table:
 * - `orders` alone is an order log (one line per order, the order amount as the line's amount);
 * - `lines` alone is a line file like any other;
 * - both: the customer, date, country and channel come from the order; a line whose order is missing is set aside
 *   as `missing_order` (column `order_missing`);
 * - `products`: description (when the lines have none) and category come from it; a line whose product is missing
 *   is kept with an unknown category and counted (column `product_missing`);
 * - `customers`: read into the table `customer_info` (customer_id, age_range, signup_date and the configured
 *   demographic columns), joined by the report on the customer id.
 * A duplicate key in the orders, products or customers table stops the run with one line naming the file, the
 * line and the key.
 */
import { basename } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { Config, TableConfig, TablesConfig } from "../config.ts";
import { InputError } from "../errors.ts";
import { queryRows } from "../db/sql.ts";
import { headerIndex, LOGICAL_COLUMNS, type ColumnIndex, type LogicalColumn } from "./columns.ts";
import {
  customerIdSql,
  delimitedFormat,
  planRead,
  quoteRows,
  readCsvSql,
  readFile,
  textSql,
  type ReadPlan,
  type ReadResult,
} from "./csv.ts";
import type { PlannedRead, Recognition, SourceReader, TablesRead } from "./reader.ts";

export type { TablesRead } from "./reader.ts";
import { timestampSql, type DateOrder } from "./dates.ts";
import { openSource } from "./file.ts";

/** A dimension table (products, customers): its file, and logical name -> header index. */
interface DimensionPlan {
  plan: ReadPlan;
  columns: Record<string, number>;
  name: keyof TablesConfig;
}

function origin(config: Config): string {
  return config.config_file ?? "the configuration";
}

/** The settings planRead takes, for one table: its own delimiter and columns, the run's dates, ids and encoding. */
function tableSettings(config: Config, table: TableConfig) {
  return {
    delimiter: table.delimiter,
    columns: table.columns,
    config_file: config.config_file,
    date_format: config.date_format,
    customer_id_normalise: config.customer_id_normalise,
    encoding: config.encoding,
  };
}

async function planTable(config: Config, name: "lines" | "orders", others: TablesConfig): Promise<ReadPlan> {
  const table = config.tables![name] as TableConfig;
  const source = await openSource(table.data, config.encoding);
  const joined = name === "lines" ? others.orders !== undefined : others.lines !== undefined;
  const required = (found: ColumnIndex): LogicalColumn[] => {
    if (name === "orders")
      return joined ? ["invoice", "customer_id", "invoice_date"] : ["customer_id", "invoice_date", "amount"];
    const base: LogicalColumn[] = found.amount === undefined ? ["quantity", "unit_price"] : [];
    if (others.products) base.push("stock_code");
    return joined ? ["invoice", ...base] : ["invoice_date", "customer_id", ...base];
  };
  const allowed = (
    name === "lines"
      ? undefined
      : ["invoice", "customer_id", "invoice_date", "amount", "quantity", "country", "channel", "store"]
  ) as LogicalColumn[] | undefined;
  return planRead(source, tableSettings(config, table), {
    setting: `tables.${name}.columns`,
    allowed,
    required,
  });
}

/** Plans a dimension table: `required` logical names must be found (mapped header, else the logical name). */
async function planDimension(
  config: Config,
  name: "products" | "customers",
  names: readonly string[],
  required: string,
): Promise<DimensionPlan> {
  const table = config.tables![name] as TableConfig;
  const source = await openSource(table.data, config.encoding);
  // a plan without logical columns, for the file's delimiter, headers and encoding; the columns are found below
  const plan = planRead(source, { ...tableSettings(config, table), columns: {} }, { allowed: [], required: () => [] });
  const headers = plan.headers;
  const columns: Record<string, number> = {};
  for (const logical of names) {
    const mapped = table.columns[logical];
    if (mapped !== undefined)
      columns[logical] = headerIndex(
        headers,
        mapped,
        source.path,
        `tables.${name}.columns.${logical} in ${origin(config)}`,
      );
    else if (logical === required || headers.some((h) => h === logical))
      columns[logical] = headerIndex(
        headers,
        logical,
        source.path,
        `tables.${name}.columns.${logical} in ${origin(config)}: map it`,
      );
  }
  for (const extra of table.demographics ?? [])
    columns[`demographic:${extra}`] = headerIndex(
      headers,
      extra,
      source.path,
      `tables.${name}.demographics in ${origin(config)}`,
    );
  return { plan, columns, name };
}

/** Stops with one line when `key` repeats in `table` (naming the file, both lines and the key). */
async function checkUnique(
  conn: DuckDBConnection,
  table: string,
  key: string,
  file: string,
  header: string,
  what: string,
): Promise<void> {
  const rows = await queryRows<{ key: string; first: number; second: number }>(
    conn,
    `SELECT ${key} AS key, (list(rowid ORDER BY rowid))[1]::BIGINT AS first, (list(rowid ORDER BY rowid))[2]::BIGINT AS second
     FROM ${table} WHERE ${key} IS NOT NULL GROUP BY ${key} HAVING count(*) > 1 ORDER BY second LIMIT 1`,
  );
  if (!rows.length) return;
  const { key: value, first, second } = rows[0];
  throw new InputError(
    `${file}: line ${Number(second) + 2}: duplicate ${header} ${JSON.stringify(value)} (also on line ${Number(first) + 2}); the ${what} table must have one row per ${header}`,
  );
}

/** Stops with one line at the first row of `table` where `condition` holds. */
async function checkRows(
  conn: DuckDBConnection,
  table: string,
  condition: string,
  message: (line: number, value: string | null) => string,
  value = "NULL",
): Promise<void> {
  const rows = await queryRows<{ row: number; value: string | null }>(
    conn,
    `SELECT rowid::BIGINT AS row, ${value} AS value FROM ${table} WHERE ${condition} ORDER BY rowid LIMIT 1`,
  );
  if (rows.length) throw new InputError(message(Number(rows[0].row) + 2, rows[0].value));
}

async function readProducts(conn: DuckDBConnection, dim: DimensionPlan): Promise<void> {
  const c = (name: string) => (dim.columns[name] === undefined ? "NULL::VARCHAR" : textSql(`c${dim.columns[name]}`));
  const file = dim.plan.source.path;
  await conn.run(
    `CREATE OR REPLACE TABLE src_products AS SELECT ${c("stock_code")} AS stock_code, ${c("description")} AS description, ${c("category")} AS category FROM ${readCsvSql(dim.plan)}`,
  );
  const header = dim.plan.headers[dim.columns.stock_code];
  await checkRows(
    conn,
    "src_products",
    "stock_code IS NULL",
    (line) => `${file}: line ${line}: ${header} is empty, expected a product code`,
  );
  await checkUnique(conn, "src_products", "stock_code", file, header, "products");
}

async function readCustomers(conn: DuckDBConnection, dim: DimensionPlan, config: Config): Promise<string[]> {
  const file = dim.plan.source.path;
  const raw = (name: string) => `c${dim.columns[name]}`;
  const out: string[] = [];
  const select = [`${customerIdSql(textSql(raw("customer_id")), config.customer_id_normalise)} AS customer_id`];
  if (dim.columns.age_range !== undefined) {
    select.push(`${textSql(raw("age_range"))} AS age_range`);
    out.push("age_range");
  }
  const signup = dim.columns.signup_date !== undefined;
  if (signup) {
    select.push(`${textSql(raw("signup_date"))} AS signup_text`);
    out.push("signup_date");
  }
  for (const key of Object.keys(dim.columns).filter((k) => k.startsWith("demographic:"))) {
    const name = key.slice("demographic:".length);
    select.push(`${textSql(raw(key))} AS ${JSON.stringify(name)}`);
    out.push(name);
  }
  await conn.run(
    `CREATE OR REPLACE TABLE src_customer_text AS SELECT ${select.join(", ")} FROM ${readCsvSql(dim.plan)}`,
  );
  const header = dim.plan.headers[dim.columns.customer_id];
  await checkRows(
    conn,
    "src_customer_text",
    "customer_id IS NULL",
    (line) => `${file}: line ${line}: ${header} is empty, expected a customer id`,
  );
  await checkUnique(conn, "src_customer_text", "customer_id", file, header, "customers");
  let order: DateOrder = "month-first";
  if (signup) {
    const bad = (o: DateOrder) =>
      `signup_text IS NOT NULL AND (${timestampSql("signup_text", { format: config.date_format, order: o })}) IS NULL`;
    const failing = await queryRows<{ n: number }>(
      conn,
      `SELECT count(*)::DOUBLE AS n FROM src_customer_text WHERE ${bad(order)}`,
    );
    if (failing[0].n > 0) order = "day-first";
    const dateHeader = dim.plan.headers[dim.columns.signup_date];
    await checkRows(
      conn,
      "src_customer_text",
      bad(order),
      (line, value) =>
        `${file}: line ${line}: ${dateHeader} ${JSON.stringify(value)} is not a date (expected e.g. 2010-12-01 or 12/1/2010)`,
      "signup_text",
    );
  }
  const columns = out.map((name) =>
    name === "signup_date"
      ? `(${timestampSql("signup_text", { format: config.date_format, order })})::DATE AS signup_date`
      : JSON.stringify(name),
  );
  await conn.run(
    `CREATE OR REPLACE TABLE customer_info AS SELECT customer_id${columns.map((c) => `, ${c}`).join("")} FROM src_customer_text ORDER BY rowid`,
  );
  await conn.run("DROP TABLE src_customer_text");
  return out;
}

/** The tables reader: accepts a configuration with `tables`. */
export const tablesReader: SourceReader = {
  name: "tables",
  accepts: (config: Config) => config.tables !== null,
  async plan(config: Config): Promise<PlannedRead> {
    const tables = config.tables as TablesConfig;
    const lines = tables.lines ? await planTable(config, "lines", tables) : null;
    const orders = tables.orders ? await planTable(config, "orders", tables) : null;
    const products = tables.products
      ? await planDimension(config, "products", ["stock_code", "description", "category"], "stock_code")
      : null;
    const customers = tables.customers
      ? await planDimension(config, "customers", ["customer_id", "age_range", "signup_date"], "customer_id")
      : null;
    const files = Object.fromEntries(Object.entries(tables).map(([name, t]) => [name, (t as TableConfig).data]));
    const main = (lines ?? orders) as ReadPlan;
    const plans = [lines, orders].filter((p): p is ReadPlan => p !== null);
    const recognition: Recognition = {
      format: `tables: ${Object.entries(files)
        .map(([name, file]) => `${name} ${basename(file)}`)
        .join(", ")}; ${delimitedFormat(main)}`,
      layout: `tables in ${origin(config)}`,
      columns: LOGICAL_COLUMNS.flatMap(({ name }) => {
        const plan = plans.find((p) => p.columns[name] !== undefined);
        return plan
          ? [
              [name, `${basename(plan.source.path)}: ${plan.headers[plan.columns[name] as number]}`] as [
                LogicalColumn,
                string,
              ],
            ]
          : [];
      }),
    };
    return {
      reader: "tables",
      source: config.data,
      headers: main.headers,
      recognition,
      /** rows of `transactions` are rows of the lines table (or of the orders table, read alone) */
      async quote(conn: DuckDBConnection, rows: number[], column: LogicalColumn) {
        if (main.columns[column] !== undefined) return quoteRows(conn, main, rows, column);
        const places = await quoteRows(
          conn,
          main,
          rows,
          main.columns.invoice !== undefined ? "invoice" : (Object.keys(main.columns)[0] as LogicalColumn),
        );
        const texts = await queryRows<{ row: number; v: string | null }>(
          conn,
          `SELECT rowid::BIGINT AS row, ${column}::VARCHAR AS v FROM transactions WHERE list_contains([${rows.map((r) => Math.trunc(r)).join(", ")}], rowid)`,
        );
        const byRow = new Map(texts.map((t) => [Number(t.row), t.v ?? ""]));
        return rows.map((row, i) => ({ where: places[i].where, text: byRow.get(row) ?? "" }));
      },
      close() {
        for (const p of [lines, orders, products?.plan, customers?.plan]) p?.cleanup();
      },
      async read(conn: DuckDBConnection, derived: Record<string, string>, table = "transactions"): Promise<ReadResult> {
        const customerColumns = customers ? await readCustomers(conn, customers, config) : null;
        const info: TablesRead = {
          files,
          joined_orders: lines !== null && orders !== null,
          joined_products: lines !== null && products !== null,
          customer_columns: customerColumns,
        };
        if (!lines) {
          const read = await readFile(conn, orders as ReadPlan, derived, table);
          return { ...read, tables: info };
        }
        const lineRead = await readFile(conn, lines, {}, "src_lines");
        let orderRead: ReadResult | null = null;
        if (orders) {
          orderRead = await readFile(conn, orders, {}, "src_orders");
          await checkUnique(
            conn,
            "src_orders",
            "invoice",
            orders.source.path,
            orders.headers[orders.columns.invoice as number],
            "orders",
          );
        }
        if (products) await readProducts(conn, products);
        const has = (plan: ReadPlan | null, name: LogicalColumn) => plan !== null && plan.columns[name] !== undefined;
        const fromOrder = (name: LogicalColumn) => (has(orders, name) ? `coalesce(o.${name}, l.${name})` : `l.${name}`);
        const country = has(orders, "country")
          ? "CASE WHEN o.country IS NULL OR o.country = 'Unknown' THEN l.country ELSE o.country END"
          : "l.country";
        const fromProduct = (name: "description" | "category") =>
          products && products.columns[name] !== undefined
            ? has(lines, name)
              ? `coalesce(l.${name}, p.${name})`
              : `p.${name}`
            : `l.${name}`;
        const select = [
          "l.rowid AS rid",
          "l.invoice",
          "l.stock_code",
          `${fromProduct("description")} AS description`,
          "l.quantity",
          "l.unit_price",
          "l.amount",
          "l.revenue",
          `${fromOrder("invoice_date")} AS invoice_date`,
          `${fromOrder("customer_id")} AS customer_id`,
          `${country} AS country`,
          `${fromOrder("channel")} AS channel`,
          `${fromProduct("category")} AS category`,
          `${fromOrder("store")} AS store`,
          `${orders ? "o.invoice IS NULL" : "false"} AS order_missing`,
          `${products ? "l.stock_code IS NOT NULL AND p.stock_code IS NULL" : "false"} AS product_missing`,
          // the reader's bookkeeping columns (dates.ts, customer id merges), from the table the value came from
          `${has(orders, "invoice_date") ? "coalesce(o.date_form, l.date_form)" : "l.date_form"} AS date_form`,
          `${has(orders, "customer_id") ? "coalesce(o.customer_spelling, l.customer_spelling)" : "l.customer_spelling"} AS customer_spelling`,
        ];
        const joins = [
          orders ? "LEFT JOIN src_orders o ON o.invoice = l.invoice" : "",
          products ? "LEFT JOIN src_products p ON p.stock_code = l.stock_code" : "",
        ].join(" ");
        const extra = Object.entries(derived)
          .map(([name, sql]) => `, ${sql} AS ${name}`)
          .join("");
        await conn.run(
          `CREATE OR REPLACE TABLE ${table} AS SELECT * EXCLUDE (rid)${extra} FROM (SELECT ${select.join(", ")} FROM src_lines l ${joins}) ORDER BY rid`,
        );
        await conn.run("DROP TABLE src_lines");
        if (products) await conn.run("DROP TABLE src_products");
        const columns = new Set<LogicalColumn>([...lineRead.columns, ...(orderRead?.columns ?? [])]);
        if (products?.columns.description !== undefined) columns.add("description");
        if (products?.columns.category !== undefined) columns.add("category");
        const dated = orderRead ?? lineRead;
        return { ...lineRead, date_order: dated.date_order, dates: dated.dates, columns: [...columns], tables: info };
      },
    };
  },
};

/** Counts of a multi-table input beyond the drop reasons: nothing the join loses goes unsaid. */
export interface TableCounts {
  /** kept lines whose stock code is not in the products table (category unknown) */
  lines_without_product: number | null;
  /** orders of the orders table with no line in the lines table */
  orders_without_lines: number | null;
  /** customers with kept lines who are not in the customers table (demographics unknown) */
  customers_not_in_table: number | null;
  /** customers of the customers table without a kept line (not segmented) */
  table_customers_without_orders: number | null;
  /** rows of the customers table */
  table_customers: number | null;
}

/** The counts, after cleaning (`lines` is the view of kept lines). */
export async function tableCounts(
  conn: DuckDBConnection,
  info: TablesRead,
  table = "transactions",
): Promise<TableCounts> {
  const one = async (sql: string) =>
    Number((await queryRows<{ n: number }>(conn, `SELECT (${sql})::DOUBLE AS n`))[0].n);
  const kept = `SELECT DISTINCT customer_id FROM ${table} WHERE drop_reason IS NULL AND customer_id IS NOT NULL`;
  const customers = info.customer_columns !== null;
  return {
    lines_without_product: info.joined_products
      ? await one(`SELECT count(*) FROM ${table} WHERE drop_reason IS NULL AND product_missing`)
      : null,
    orders_without_lines: info.joined_orders
      ? await one(
          `SELECT count(*) FROM src_orders o WHERE NOT EXISTS (SELECT 1 FROM ${table} t WHERE t.invoice = o.invoice)`,
        )
      : null,
    customers_not_in_table: customers
      ? await one(`SELECT count(*) FROM (${kept}) k WHERE k.customer_id NOT IN (SELECT customer_id FROM customer_info)`)
      : null,
    table_customers_without_orders: customers
      ? await one(`SELECT count(*) FROM customer_info WHERE customer_id NOT IN (${kept})`)
      : null,
    table_customers: customers ? await one("SELECT count(*) FROM customer_info") : null,
  };
}

/** One line per count that is not zero, for the run's output and the methodology. */
export function tableNotes(counts: TableCounts, info: TablesRead): string[] {
  const n = (x: number) => x.toLocaleString("en-US");
  const files = Object.fromEntries(Object.entries(info.files).map(([name, path]) => [name, basename(path as string)]));
  const out: string[] = [];
  if (counts.lines_without_product)
    out.push(
      `${n(counts.lines_without_product)} kept lines have a product code that is not in the products table (${files.products}): kept, category unknown`,
    );
  if (counts.orders_without_lines)
    out.push(
      `${n(counts.orders_without_lines)} orders of ${files.orders} have no line in ${files.lines}: not counted as orders`,
    );
  if (counts.customers_not_in_table)
    out.push(
      `${n(counts.customers_not_in_table)} customers are not in the customers table (${files.customers}): segmented, demographics unknown`,
    );
  if (counts.table_customers_without_orders)
    out.push(
      `${n(counts.table_customers_without_orders)} customers of the customers table have no kept order: not segmented`,
    );
  return out;
}
