/**
 * Reads the input file into the DuckDB table `transactions`, one row per data line in file order (so
 * `rowid + 2` is the line number for files without line breaks inside quoted fields), with typed columns:
 * invoice, stock_code, description (VARCHAR, trimmed, NULL when empty), quantity, unit_price, revenue (DOUBLE),
 * invoice_date (TIMESTAMP), customer_id (VARCHAR, `17850.0` written `17850`, NULL when missing), country
 * (VARCHAR, "Unknown" when missing), plus columns derived by the caller (the cleaning's drop reason).
 * The SELECT must stay a projection of the file (no joins, no IN lists DuckDB would turn into joins): only then does
 * CREATE TABLE AS keep file order. Every value of the required columns must parse: the first one that does not
 * stops the run with an InputError naming the file, the line, the column and what was expected.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { Config } from "../config.ts";
import { InputError } from "../errors.ts";
import {
  chooseDelimiter,
  resolveColumns,
  splitLine,
  type ColumnIndex,
  type Delimiter,
  type LogicalColumn,
} from "./columns.ts";
import { sqlString } from "../db/sql.ts";
import { timestampSql, type DateOrder } from "./dates.ts";
import type { SourceFile } from "./file.ts";

/** What to read and how: decided from the header line and the configuration, before DuckDB reads anything. */
export interface ReadPlan {
  source: SourceFile;
  delimiter: Delimiter;
  /** the header's column names, as in the file (trimmed, without quotes) */
  headers: string[];
  /** logical column -> index in `headers` */
  columns: ColumnIndex;
}

/** Decides the delimiter and finds the columns; throws an InputError when a required column is missing. */
export function planRead(source: SourceFile, config: Pick<Config, "delimiter" | "columns" | "config_file">): ReadPlan {
  const delimiter = chooseDelimiter(config.delimiter, source.path, source.headerLine);
  const headers = splitLine(source.headerLine, delimiter);
  const origin = config.config_file ?? "the configuration";
  const columns = resolveColumns(headers, { mapping: config.columns, origin }, source.path);
  return { source, delimiter, headers, columns };
}

/** The `read_csv(...)` call for a plan: every column VARCHAR and named c0, c1, ...; no sniffing. */
export function readCsvSql(plan: ReadPlan): string {
  const columns = plan.headers.map((_, i) => `'c${i}': 'VARCHAR'`).join(", ");
  return (
    `read_csv(${sqlString(plan.source.path)}, header = true, auto_detect = false, delim = ${sqlString(plan.delimiter)},` +
    ` quote = '"', escape = '"', compression = '${plan.source.gzip ? "gzip" : "none"}', columns = {${columns}})`
  );
}

function raw(plan: ReadPlan, name: LogicalColumn): string | null {
  const index = plan.columns[name];
  return index === undefined ? null : `c${index}`;
}

/** SQL number parse of a text column; in semicolon-separated files a decimal comma (`2,55`) is accepted too. */
function numberSql(column: string, delimiter: Delimiter): string {
  const value = `TRY_CAST(${column} AS DOUBLE)`; // the cast ignores outer spaces
  return delimiter === ";" ? `COALESCE(${value}, TRY_CAST(replace(${column}, ',', '.') AS DOUBLE))` : value;
}

/**
 * The SELECT producing the typed columns (then `derived`, evaluated over the typed columns) from the file.
 * @param derived extra output columns: name -> SQL expression over the typed columns
 */
export function typedSelectSql(plan: ReadPlan, order: DateOrder, derived: Record<string, string> = {}): string {
  const col = (name: LogicalColumn) => raw(plan, name) as string;
  const description = raw(plan, "description");
  const country = raw(plan, "country");
  // trim only values with an outer space: trim() copies every string it sees, a large share of the read's cost
  const text = (column: string) =>
    `CASE WHEN ${column} = '' THEN NULL WHEN starts_with(${column}, ' ') OR ends_with(${column}, ' ') THEN NULLIF(trim(${column}), '') ELSE ${column} END`;
  const finite = (column: string) => `CASE WHEN isfinite(${column}) THEN ${column} END`;
  // layer 1: trimmed text, numbers; layer 2: finite numbers, dates, customer ids; layer 3: revenue, derived columns
  const layer1 = [
    `${text(col("invoice"))} AS invoice`,
    `${text(col("stock_code"))} AS stock_code`,
    `${description ? text(description) : "NULL::VARCHAR"} AS description`,
    `${numberSql(col("quantity"), plan.delimiter)} AS quantity_value`,
    `${numberSql(col("unit_price"), plan.delimiter)} AS price_value`,
    `${text(col("invoice_date"))} AS date_text`,
    `${text(col("customer_id"))} AS customer_text`,
    `COALESCE(${country ? text(country) : "NULL"}, 'Unknown') AS country`,
  ];
  const customer =
    `CASE WHEN list_contains(['nan', 'null', 'none'], lower(customer_text)) THEN NULL` +
    ` WHEN contains(customer_text, '.') THEN regexp_replace(customer_text, '\\.0+$', '') ELSE customer_text END`;
  const layer2 = [
    "invoice",
    "stock_code",
    "description",
    `${finite("quantity_value")} AS quantity`,
    `${finite("price_value")} AS unit_price`,
    `${timestampSql("date_text", order)} AS invoice_date`,
    `${customer} AS customer_id`,
    "country",
  ];
  const layer3 = [
    "invoice",
    "stock_code",
    "description",
    "quantity",
    "unit_price",
    "quantity * unit_price AS revenue",
    "invoice_date",
    "customer_id",
    "country",
    ...Object.entries(derived).map(([name, sql]) => `${sql} AS ${name}`),
  ];
  return [
    `SELECT ${layer3.join(", ")}`,
    `FROM (SELECT ${layer2.join(", ")}`,
    `FROM (SELECT ${layer1.join(", ")}`,
    `FROM ${readCsvSql(plan)}))`,
  ].join("\n");
}

/** Turns DuckDB's multi-line CSV error into one line naming the file and the line. */
export function csvErrorMessage(message: string, file: string): string | null {
  const at = /CSV Error on Line: (\d+)/.exec(message);
  if (!at) return null;
  const line = at[1];
  const columns = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  if (columns) return `${file}: line ${line}: expected ${columns[1]} fields (as in the header), found ${columns[2]}`;
  if (/unicode|utf-?8/i.test(message)) return `${file}: line ${line}: not valid UTF-8 text (save the file as UTF-8)`;
  if (/unterminated quote/i.test(message))
    return `${file}: line ${line}: a quoted field is not closed (unterminated quote)`;
  const detail = message
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !/^(Invalid Input Error|Original Line|Possible)/.test(l))[0];
  return `${file}: line ${line}: cannot be read as ${detail ? `CSV (${detail})` : "CSV"}`;
}

/** Runs a statement reading the file, turning DuckDB's CSV and decompression errors into InputErrors. */
async function runReading(conn: DuckDBConnection, sql: string, file: string): Promise<void> {
  try {
    await conn.run(sql);
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    const csv = csvErrorMessage(message, file);
    if (csv) throw new InputError(csv);
    if (/gzip|zlib|decompress|inflate/i.test(message))
      throw new InputError(`${file}: not a valid gzip file (${message.split("\n")[0]})`);
    throw error;
  }
}

/** Columns whose values must all parse, with what is expected of them. */
const CHECKED: readonly { name: LogicalColumn; expected: "text" | "number" | "date" }[] = [
  { name: "invoice", expected: "text" },
  { name: "stock_code", expected: "text" },
  { name: "quantity", expected: "number" },
  { name: "invoice_date", expected: "date" },
  { name: "unit_price", expected: "number" },
];

/** A value that did not parse. */
export interface BadValue {
  /** 0-based data row (file order) */
  row: number;
  column: LogicalColumn;
  header: string;
  /** the text in the file, null when empty */
  text: string | null;
  expected: "text" | "number" | "date";
  /** lines with at least one bad value */
  lines: number;
}

/** Finds the first (in file order, then column order) value of a required column that did not parse. */
export async function findBadValue(
  conn: DuckDBConnection,
  plan: ReadPlan,
  table = "transactions",
): Promise<BadValue | null> {
  const checks = CHECKED.map((c) => `${c.name} IS NULL`);
  const first = await conn.runAndReadAll(
    `SELECT rowid::BIGINT AS row, ${checks.map((c, i) => `${c} AS bad${i}`).join(", ")}, count(*) OVER ()::BIGINT AS lines
     FROM ${table} WHERE ${checks.join(" OR ")} ORDER BY rowid LIMIT 1`,
  );
  const rows = first.getRowObjectsJS();
  if (!rows.length) return null;
  const hit = rows[0];
  const row = Number(hit.row);
  // the file column order decides which bad value of the line is reported
  const bad = CHECKED.filter((_, i) => hit[`bad${i}`] === true).sort(
    (a, b) => (plan.columns[a.name] as number) - (plan.columns[b.name] as number),
  )[0];
  const index = plan.columns[bad.name] as number;
  const text = (
    await conn.runAndReadAll(`SELECT c${index} AS v FROM ${readCsvSql(plan)} LIMIT 1 OFFSET ${row}`)
  ).getRowObjectsJS();
  const value = text.length ? (text[0].v as string | null) : null;
  return {
    row,
    column: bad.name,
    header: plan.headers[index],
    text: value !== null && value.trim() !== "" ? value : null,
    expected: bad.expected,
    lines: Number(hit.lines),
  };
}

/** The one-line message for a bad value. */
export function badValueMessage(bad: BadValue, file: string): string {
  const where = `${file}: line ${bad.row + 2}: ${bad.header}`;
  const more =
    bad.lines > 1 ? ` (${bad.lines.toLocaleString("en-US")} lines have unreadable values; this is the first)` : "";
  if (bad.text === null) {
    const what = bad.expected === "text" ? "a value" : bad.expected === "number" ? "a number" : "a date";
    return `${where} is empty, expected ${what}${more}`;
  }
  const shown = JSON.stringify(bad.text.length > 60 ? `${bad.text.slice(0, 60)}...` : bad.text);
  if (bad.expected === "number") return `${where} ${shown} is not a number${more}`;
  return `${where} ${shown} is not a date (expected e.g. 2010-12-01 08:26:00 or 12/1/2010 8:26)${more}`;
}

/** Whether `text` parses as a date with `order`. */
async function parsesAs(conn: DuckDBConnection, text: string, order: DateOrder): Promise<boolean> {
  const sql = `SELECT (${timestampSql("t", order)}) IS NOT NULL AS ok FROM (SELECT trim(${sqlString(text)}) AS t)`;
  return (await conn.runAndReadAll(sql)).getRowObjectsJS()[0].ok === true;
}

export interface ReadResult {
  rows: number;
  /** how day/month dates were read */
  date_order: DateOrder;
}

/**
 * Creates `table` from the file: typed columns and `derived` columns, validated. Dates in slash form are read
 * month first (US spreadsheets); when a date only parses day first, the whole file is read again day first.
 * Throws an InputError for a file DuckDB cannot read, a file without data rows, or a value that does not parse.
 */
export async function readTransactions(
  conn: DuckDBConnection,
  plan: ReadPlan,
  derived: Record<string, string> = {},
  table = "transactions",
): Promise<ReadResult> {
  const file = plan.source.path;
  let order: DateOrder = "month-first";
  await runReading(conn, `CREATE OR REPLACE TABLE ${table} AS ${typedSelectSql(plan, order, derived)}`, file);
  const count = (await conn.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM ${table}`)).getRowObjectsJS()[0].n;
  const rows = Number(count);
  if (rows === 0) throw new InputError(`${file}: no data rows (only a header line)`);
  let bad = await findBadValue(conn, plan, table);
  if (bad && bad.column === "invoice_date" && bad.text !== null && (await parsesAs(conn, bad.text, "day-first"))) {
    order = "day-first";
    await runReading(conn, `CREATE OR REPLACE TABLE ${table} AS ${typedSelectSql(plan, order, derived)}`, file);
    const retry = await findBadValue(conn, plan, table);
    if (retry) throw new InputError(badValueMessage(retry.column === "invoice_date" ? bad : retry, file));
    bad = null;
  }
  if (bad) throw new InputError(badValueMessage(bad, file));
  return { rows, date_order: order };
}
