/**
 * Reads the input file into the DuckDB table `transactions`, one row per data record in file order (`rowid + 2`
 * is the record number; lines.ts finds the physical line for messages), with typed columns: invoice, stock_code,
 * description (VARCHAR, trimmed, NULL when empty), quantity, unit_price, revenue (DOUBLE), invoice_date
 * (TIMESTAMP), customer_id (VARCHAR, normalised by `customer_id_normalise`, NULL when missing), country (VARCHAR,
 * "Unknown" when missing), date_form (the shape of the date, see dates.ts), customer_spelling (a hash of the id as
 * written when normalising changed it), plus columns derived by the caller (the cleaning's drop reason).
 * The SELECT must stay a projection of the file (no joins, no IN lists DuckDB would turn into joins): only then does
 * CREATE TABLE AS keep file order. Every value of the required columns must parse: the first one that does not
 * stops the run with an InputError naming the file, the line, the column and what was expected.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { Config } from "../config.ts";
import { InputError } from "../errors.ts";
import {
  chooseDelimiter,
  layoutName,
  resolveColumns,
  splitLine,
  type ColumnIndex,
  type Delimiter,
  type LogicalColumn,
  type MappingSource,
  LOGICAL_COLUMNS,
} from "./columns.ts";
import {
  checkDateFormatError,
  configuredOrder,
  dateFormName,
  dateFormSql,
  dayMonthPartsSql,
  decideDateOrder,
  orderConflictMessage,
  timestampSql,
  type DateForms,
  type DateReading,
} from "./dates.ts";
import { forcedEncoding, transcodeToUtf8, type Encoding } from "./encoding.ts";
import { firstOddLineEnd, placeLabel, placeOfDuckLine, placesOfRows } from "./lines.ts";
import { sqlString } from "../db/sql.ts";
import { checkGzip, type SourceFile } from "./file.ts";
import type { ReadResult } from "./reader.ts";

export type { DatesRead, ReadResult } from "./reader.ts";

/** What to read and how: decided from the header line and the configuration, before DuckDB reads anything. */
export interface ReadPlan {
  source: SourceFile;
  delimiter: Delimiter;
  /** the header's column names, as in the file (trimmed, without quotes) */
  headers: string[];
  /** logical column -> index in `headers` */
  columns: ColumnIndex;
  /** "Online Retail (recognised)", "mapped in segment.config.json" ... */
  layout: string;
  /** how dates are parsed; `order` is provisional until readTransactions decides it from the column */
  dates: DateReading;
  customer_id_normalise: Config["customer_id_normalise"];
  /** the encoding setting, and the encoding the file is read in (settled by readTransactions) */
  encoding_setting: Config["encoding"];
  encoding: Encoding;
  /** why the encoding was chosen, for the recognised block */
  encoding_reason: string;
  /** the file DuckDB reads: the input, or a UTF-8 copy of it (see encoding.ts) */
  input: { path: string; gzip: boolean };
  /** removes temporary files (the UTF-8 copy); safe to call more than once */
  cleanup(): void;
  /** the configuration file, for messages about settings */
  origin: string;
  /**
   * the rows as a SQL relation with every column VARCHAR, named c0, c1, ... in input order, when they are not
   * read_csv of `input` (Excel rows staged in a table, a Parquet or JSON lines file cast to text: sources/relation.ts)
   */
  relation?: string;
  /** where data rows (0-based) are, for messages, when not lines of a delimited file ("sheet "X" row 5") */
  places?: (rows: number[]) => Promise<string[]>;
}

/** Decides the delimiter and finds the columns; throws an InputError when a required column is missing. */
export function planRead(
  source: SourceFile,
  config: Pick<Config, "delimiter" | "columns" | "config_file"> &
    Partial<Pick<Config, "date_format" | "customer_id_normalise" | "encoding">>,
  options: Pick<MappingSource, "setting" | "allowed" | "required"> = {},
): ReadPlan {
  const delimiter = chooseDelimiter(config.delimiter, source.path, source.headerLine);
  return planFromHeaders(source, splitLine(source.headerLine, delimiter), delimiter, config, options);
}

/** The plan for an input whose header is known (`headers`): its columns found, its dates and ids as configured. */
export function planFromHeaders(
  source: SourceFile,
  headers: string[],
  delimiter: Delimiter,
  config: Pick<Config, "columns" | "config_file"> &
    Partial<Pick<Config, "date_format" | "customer_id_normalise" | "encoding">>,
  options: Pick<MappingSource, "setting" | "allowed" | "required"> = {},
): ReadPlan {
  const origin = config.config_file ?? "the configuration";
  const mapping: MappingSource = { mapping: config.columns, origin, ...options };
  const columns = resolveColumns(headers, mapping, source.path);
  const format = config.date_format ?? "auto";
  const setting = config.encoding ?? "auto";
  return {
    source,
    delimiter,
    headers,
    columns,
    layout: layoutName(headers, columns, mapping),
    dates: { format, order: configuredOrder(format) ?? "month-first" },
    customer_id_normalise: config.customer_id_normalise ?? "numeric",
    encoding_setting: setting,
    encoding: source.encoding,
    encoding_reason:
      forcedEncoding(setting) !== null
        ? `set by "encoding"`
        : source.encoding === "utf-8"
          ? ""
          : "the header line is not valid UTF-8",
    input: { path: source.path, gzip: source.gzip },
    cleanup: () => {},
    origin,
  };
}

/** The `read_csv(...)` call for a plan: every column VARCHAR and named c0, c1, ...; no sniffing. */
export function readCsvSql(plan: Pick<ReadPlan, "headers" | "delimiter" | "input"> & Partial<ReadPlan>): string {
  if (plan.relation) return plan.relation;
  const columns = plan.headers.map((_, i) => `'c${i}': 'VARCHAR'`).join(", ");
  return (
    `read_csv(${sqlString(plan.input.path)}, header = true, auto_detect = false, delim = ${sqlString(plan.delimiter)},` +
    ` quote = '"', escape = '"', compression = '${plan.input.gzip ? "gzip" : "none"}', columns = {${columns}})`
  );
}

function raw(plan: ReadPlan, name: LogicalColumn): string | null {
  const index = plan.columns[name];
  return index === undefined ? null : `c${index}`;
}

/**
 * SQL: the customer id from its trimmed text. `nan`, `null` and `none` (any case) are missing. Under "numeric", an
 * id of digits with an optional `.0...` (spreadsheet exports) is written as its number (`0017850`, `17850.0` ->
 * `17850`); under "trim" the trimmed text is the id.
 */
export function customerIdSql(column: string, rule: Config["customer_id_normalise"]): string {
  const missing = `WHEN list_contains(['nan', 'null', 'none'], lower(${column})) THEN NULL`;
  // Unicode NFC: an id typed with a precomposed é and one with e + combining accent are one customer
  const nfc = `nfc_normalize(${column})`;
  if (rule === "trim") return `CASE ${missing} ELSE ${nfc} END`;
  // only ids starting with 0 or holding a dot can change: the others skip the regular expression
  return (
    `CASE ${missing} WHEN (starts_with(${column}, '0') OR contains(${column}, '.')) AND regexp_full_match(${column}, '[0-9]+(\\.0+)?')` +
    ` THEN COALESCE(NULLIF(ltrim(regexp_replace(${column}, '\\.0+$', ''), '0'), ''), '0') ELSE ${nfc} END`
  );
}

/** SQL: trimmed text of a VARCHAR column, NULL when empty (trim only values with an outer space: trim() copies every string it sees, a large share of the read's cost). */
export function textSql(column: string): string {
  return `CASE WHEN ${column} = '' THEN NULL WHEN starts_with(${column}, ' ') OR ends_with(${column}, ' ') THEN NULLIF(trim(${column}), '') ELSE ${column} END`;
}

/** SQL number parse of a text column; in semicolon-separated files a decimal comma (`2,55`) is accepted too. */
function numberSql(column: string, delimiter: Delimiter): string {
  const value = `TRY_CAST(${column} AS DOUBLE)`; // the cast ignores outer spaces
  return delimiter === ";" ? `COALESCE(${value}, TRY_CAST(replace(${column}, ',', '.') AS DOUBLE))` : value;
}

/**
 * The SELECT producing the typed columns (then `derived`, evaluated over the typed columns) from the file.
 * Columns the file does not have are NULL, except quantity (1: without a quantity each line counts as one unit)
 * and country ("Unknown"). Revenue is the amount when one is mapped, else quantity x unit price.
 * @param derived extra output columns: name -> SQL expression over the typed columns
 */
export function typedSelectSql(plan: ReadPlan, derived: Record<string, string> = {}): string {
  const text = (name: LogicalColumn, fallback = "NULL::VARCHAR") => {
    const column = raw(plan, name);
    return column ? textSql(column) : fallback;
  };
  const number = (name: LogicalColumn, fallback = "NULL::DOUBLE") => {
    const column = raw(plan, name);
    return column ? numberSql(column, plan.delimiter) : fallback;
  };
  const finite = (column: string) => `CASE WHEN isfinite(${column}) THEN ${column} END`;
  // layer 1: trimmed text, numbers; layer 2: finite numbers, dates, customer ids; layer 3: revenue, derived columns
  const layer1 = [
    `${text("invoice")} AS invoice`,
    `${text("stock_code")} AS stock_code`,
    `${text("description")} AS description`,
    `${number("quantity", "1::DOUBLE")} AS quantity_value`,
    `${number("unit_price")} AS price_value`,
    `${number("amount")} AS amount_value`,
    `${text("invoice_date")} AS date_text`,
    `${text("customer_id")} AS customer_text`,
    `${raw(plan, "customer_id") ?? "NULL::VARCHAR"} AS customer_raw`,
    `COALESCE(${text("country", "NULL")}, 'Unknown') AS country`,
    `${text("channel")} AS channel`,
    `${text("category")} AS category`,
    `${text("store")} AS store`,
  ];
  const layer2 = [
    "invoice",
    "stock_code",
    "description",
    `${finite("quantity_value")} AS quantity`,
    `${finite("price_value")} AS unit_price`,
    `${finite("amount_value")} AS amount`,
    `${timestampSql("date_text", plan.dates)} AS invoice_date`,
    "date_text",
    `${dayMonthPartsSql("date_text")} AS date_parts`,
    `${customerIdSql("customer_text", plan.customer_id_normalise)} AS customer_id`,
    "customer_raw",
    "country",
    "channel",
    "category",
    "store",
  ];
  const layer3 = [
    "invoice",
    "stock_code",
    "description",
    "quantity",
    "unit_price",
    "amount",
    `${plan.columns.amount === undefined ? "quantity * unit_price" : "amount"} AS revenue`,
    "invoice_date",
    "customer_id",
    "country",
    "channel",
    "category",
    "store",
    `${dateFormSql("date_text", "date_parts")} AS date_form`,
    `CASE WHEN customer_id IS NOT NULL AND customer_raw IS DISTINCT FROM customer_id THEN hash(customer_raw) END AS customer_spelling`,
    ...Object.entries(derived).map(([name, sql]) => `${sql} AS ${name}`),
  ];
  return [
    `SELECT ${layer3.join(", ")}`,
    `FROM (SELECT ${layer2.join(", ")}`,
    `FROM (SELECT ${layer1.join(", ")}`,
    `FROM ${readCsvSql(plan)}))`,
  ].join("\n");
}

/** DuckDB's line number in its CSV error (records and blank lines, a multi-line record counted once), or null. */
export function csvErrorLine(message: string): number | null {
  const at = /CSV Error on Line: (\d+)/.exec(message);
  return at ? Number(at[1]) : null;
}

/**
 * Turns DuckDB's multi-line CSV error into one line naming the file and the line (`where`: "line 8 (record 7)";
 * default DuckDB's own line number).
 */
export function csvErrorMessage(message: string, file: string, where?: string, encodingHint = false): string | null {
  const line = csvErrorLine(message);
  if (line === null) return null;
  const at = where ?? `line ${line}`;
  const columns = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  if (columns) return `${file}: ${at}: expected ${columns[1]} fields (as in the header), found ${columns[2]}`;
  if (/unicode|utf-?8/i.test(message))
    return `${file}: ${at}: not valid UTF-8 text (save the file as UTF-8${encodingHint ? ', or set "encoding" to "windows-1252"' : ""})`;
  if (/unterminated quote/i.test(message)) return `${file}: ${at}: a quoted field is not closed (unterminated quote)`;
  const detail = message
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !/^(Invalid Input Error|Original Line|Possible)/.test(l))[0];
  return `${file}: ${at}: cannot be read as ${detail ? `CSV (${detail})` : "CSV"}`;
}

/** Runs a statement reading the file, turning DuckDB's CSV and decompression errors into InputErrors. */
async function runReading(conn: DuckDBConnection, sql: string, plan: ReadPlan): Promise<void> {
  const file = plan.source.path;
  try {
    await conn.run(sql);
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    checkDateFormatError(error, plan.dates.format, plan.origin);
    const duckLine = csvErrorLine(message);
    if (duckLine !== null) {
      const where = placeLabel(await placeOfDuckLine(plan.source, duckLine));
      throw new InputError(csvErrorMessage(message, file, where, plan.encoding === "utf-8") as string);
    }
    if (/gzip|zlib|decompress|inflate/i.test(message)) {
      if (plan.source.gzip) await checkGzip(file); // names what is wrong: cut short, trailing junk, damaged
      throw new InputError(`${file}: not a valid gzip file (${message.split("\n")[0]})`);
    }
    if (/state machine/i.test(message)) {
      const odd = await firstOddLineEnd(plan.source);
      if (odd !== null)
        throw new InputError(
          `${file}: line ${odd}: the line ends differently from the first line (a carriage return alone, or mixed \\r\\n and \\n); save the file with one kind of line end`,
        );
    }
    // anything else DuckDB's CSV reader rejects is about the file, not the program
    if (/^Invalid Input Error/.test(message))
      throw new InputError(
        `${file}: cannot be read as CSV (${message.split("\n")[0].replace(/^Invalid Input Error: /, "")})`,
      );
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
  { name: "amount", expected: "number" },
];

/** A value that did not parse. */
export interface BadValue {
  /** 0-based data row (file order) */
  row: number;
  /** "line 5", or "line 7 (record 6)" when blank lines or multi-line fields come before (default: record number) */
  where?: string;
  column: LogicalColumn;
  header: string;
  /** the text in the file, null when empty */
  text: string | null;
  expected: "text" | "number" | "date";
  /** lines with at least one bad value */
  lines: number;
  /** for dates: what was expected (the configured format), else undefined */
  format?: string;
}

/** The raw text of a logical column in data row `row` (0-based), read from the file again. */
export async function cellText(
  conn: DuckDBConnection,
  plan: ReadPlan,
  row: number,
  column: LogicalColumn,
): Promise<string | null> {
  const index = plan.columns[column] as number;
  const text = (
    await conn.runAndReadAll(`SELECT c${index} AS v FROM ${readCsvSql(plan)} LIMIT 1 OFFSET ${row}`)
  ).getRowObjectsJS();
  return text.length ? (text[0].v as string | null) : null;
}

/** "line 5" or "line 7 (record 6)" for each data row. */
export async function rowPlaces(plan: ReadPlan, rows: number[]): Promise<string[]> {
  if (plan.places) return plan.places(rows);
  const places = await placesOfRows(plan.source, rows);
  return rows.map((row) => placeLabel(places.get(row) as { line: number; record: number }));
}

/** Finds the first (in file order, then column order) value of a required column that did not parse. */
export async function findBadValue(
  conn: DuckDBConnection,
  plan: ReadPlan,
  table = "transactions",
): Promise<BadValue | null> {
  const checked = CHECKED.filter((c) => plan.columns[c.name] !== undefined);
  if (!checked.length) return null;
  const checks = checked.map((c) => `${c.name} IS NULL`);
  const first = await conn.runAndReadAll(
    `SELECT rowid::BIGINT AS row, ${checks.map((c, i) => `${c} AS bad${i}`).join(", ")}, count(*) OVER ()::BIGINT AS lines
     FROM ${table} WHERE ${checks.join(" OR ")} ORDER BY rowid LIMIT 1`,
  );
  const rows = first.getRowObjectsJS();
  if (!rows.length) return null;
  const hit = rows[0];
  const row = Number(hit.row);
  // the file column order decides which bad value of the line is reported
  const bad = checked
    .filter((_, i) => hit[`bad${i}`] === true)
    .sort((a, b) => (plan.columns[a.name] as number) - (plan.columns[b.name] as number))[0];
  const index = plan.columns[bad.name] as number;
  const value = await cellText(conn, plan, row, bad.name);
  return {
    row,
    where: (await rowPlaces(plan, [row]))[0],
    column: bad.name,
    header: plan.headers[index],
    text: value !== null && value.trim() !== "" ? value : null,
    expected: bad.expected,
    lines: Number(hit.lines),
    ...(bad.expected === "date" ? { format: plan.dates.format } : {}),
  };
}

/**
 * The largest magnitude a figure of one line may have. Beyond them a figure is a typing or export error (a
 * quantity of 1e23), and doubles stop holding pennies (2^53 is about 9e15): a run stops rather than report it.
 */
export const PLAUSIBLE = { quantity: 1e9, unit_price: 1e12, amount: 1e15, revenue: 1e15 } as const;

/** The first line where a figure leaves the finite or plausible range, as a one-line message; null when none does. */
export async function findOutOfRange(
  conn: DuckDBConnection,
  plan: ReadPlan,
  table = "transactions",
): Promise<string | null> {
  const checks = (["quantity", "unit_price", "amount"] as const)
    .filter((name) => plan.columns[name] !== undefined)
    .map((name) => ({ name, sql: `abs(${name}) > ${PLAUSIBLE[name]}` }));
  const revenue = { name: "revenue" as const, sql: `(NOT isfinite(revenue) OR abs(revenue) > ${PLAUSIBLE.revenue})` };
  const all = [...checks, revenue];
  const hit = (
    await conn.runAndReadAll(
      `SELECT rowid::BIGINT AS row, ${all.map((c, i) => `${c.sql} AS bad${i}`).join(", ")}, count(*) OVER ()::BIGINT AS lines
       FROM ${table} WHERE ${all.map((c) => c.sql).join(" OR ")} ORDER BY rowid LIMIT 1`,
    )
  ).getRowObjectsJS()[0];
  if (!hit) return null;
  const row = Number(hit.row);
  const where = (await rowPlaces(plan, [row]))[0];
  const lines = Number(hit.lines);
  const more = lines > 1 ? ` (${lines.toLocaleString("en-US")} lines are out of range; this is the first)` : "";
  const limit = (n: number) => n.toExponential(0).replace("e+", "e");
  const quoted = async (name: LogicalColumn) => JSON.stringify(((await cellText(conn, plan, row, name)) ?? "").trim());
  const own = checks.find((_, i) => hit[`bad${i}`] === true);
  if (own)
    return (
      `${plan.source.path}: ${where}: ${plan.headers[plan.columns[own.name] as number]} ${await quoted(own.name)} is beyond the plausible range` +
      ` (at most ${limit(PLAUSIBLE[own.name])} in size); correct the value or the column mapping${more}`
    );
  return (
    `${plan.source.path}: ${where}: the line's revenue (${plan.headers[plan.columns.quantity as number] ?? "quantity"} ${await quoted("quantity")}` +
    ` x ${plan.headers[plan.columns.unit_price as number] ?? "unit price"} ${await quoted("unit_price")}) is beyond the range a figure can hold` +
    ` (at most ${limit(PLAUSIBLE.revenue)}); correct the value${more}`
  );
}

/** Lines whose quantity is not a whole number (weights, lengths, or a shifted column), and the first of them. */
export async function fractionalQuantities(
  conn: DuckDBConnection,
  plan: ReadPlan,
  table = "transactions",
): Promise<ReadResult["fractional_quantities"]> {
  if (plan.columns.quantity === undefined) return undefined;
  const hit = (
    await conn.runAndReadAll(
      `SELECT count(*)::BIGINT AS lines, min(rowid)::BIGINT AS first FROM ${table} WHERE quantity <> trunc(quantity)`,
    )
  ).getRowObjectsJS()[0];
  const lines = Number(hit.lines);
  if (!lines) return undefined;
  const row = Number(hit.first);
  return {
    lines,
    where: (await rowPlaces(plan, [row]))[0],
    text: ((await cellText(conn, plan, row, "quantity")) ?? "").trim(),
  };
}

/** What a date in `format` looks like, for messages. */
function expectedDate(format: string | undefined): string {
  switch (format ?? "auto") {
    case "auto":
      return "e.g. 2010-12-01 08:26:00, 12/1/2010 8:26, 20101201 or an Excel day number";
    case "iso":
      return "an ISO date such as 2010-12-01 08:26:00, as date_format is set to iso";
    case "month-first":
    case "day-first":
      return `a date such as ${format === "month-first" ? "12/31/2010 8:26" : "31/12/2010 8:26"} or 2010-12-31 08:26:00, as date_format is set to ${format}`;
    case "yyyymmdd":
      return "a date such as 20101231, as date_format is set to yyyymmdd";
    case "excel":
      return "an Excel day number such as 40513.35, as date_format is set to excel";
    default:
      return `the date_format ${JSON.stringify(format)}`;
  }
}

/** Excel's error values, as a cell or a CSV export shows them. */
const EXCEL_ERROR = /^#(DIV\/0!|N\/A|VALUE!|REF!|NAME\?|NUM!|NULL!|GETTING_DATA|SPILL!|CALC!)$/;

/** The one-line message for a bad value. */
export function badValueMessage(bad: BadValue, file: string): string {
  const where = `${file}: ${bad.where ?? `line ${bad.row + 2}`}: ${bad.header}`;
  const more =
    bad.lines > 1 ? ` (${bad.lines.toLocaleString("en-US")} lines have unreadable values; this is the first)` : "";
  if (bad.text === null) {
    const what = bad.expected === "text" ? "a value" : bad.expected === "number" ? "a number" : "a date";
    return `${where} is empty, expected ${what}${more}`;
  }
  const shown = JSON.stringify(bad.text.length > 60 ? `${bad.text.slice(0, 60)}...` : bad.text);
  if (EXCEL_ERROR.test(bad.text))
    return `${where} ${shown} is an error value from the spreadsheet (a formula that failed), expected ${bad.expected === "number" ? "a number" : "a date"}${more}`;
  if (bad.text.startsWith("="))
    return `${where} ${shown} is a formula whose value the workbook does not hold (it failed, e.g. #DIV/0!, or the workbook was saved without calculating), expected ${bad.expected === "number" ? "a number" : "a date"}${more}`;
  if (bad.expected === "number") return `${where} ${shown} is not a number${more}`;
  return `${where} ${shown} is not a date (expected ${expectedDate(bad.format)})${more}`;
}

/** Logical column -> the input's header, for the recognised block. */
export function recognisedColumns(plan: Pick<ReadPlan, "columns" | "headers">): [LogicalColumn, string][] {
  return (Object.entries(plan.columns) as [LogicalColumn, number][]).map(([name, i]) => [name, plan.headers[i]]);
}

/** The logical columns a plan found, in LOGICAL_COLUMNS order. */
export function planColumns(plan: ReadPlan): LogicalColumn[] {
  return LOGICAL_COLUMNS.map((c) => c.name).filter((name) => plan.columns[name] !== undefined);
}

/**
 * Without an invoice column each line is one order: numbers the lines `line <n>` (n the record number, as
 * `rowid + 2`). An UPDATE after the read, as the read must stay a projection of the file.
 */
export async function numberLines(conn: DuckDBConnection, plan: ReadPlan, table: string): Promise<void> {
  if (plan.columns.invoice === undefined)
    await conn.run(`UPDATE ${table} SET invoice = 'line ' || (rowid + 2)::VARCHAR`);
}

/** readTransactions, with a gzipped file checked for completeness alongside (a truncated file explains any read error). */
export async function readFile(
  conn: DuckDBConnection,
  plan: ReadPlan,
  derived: Record<string, string> = {},
  table = "transactions",
): Promise<ReadResult> {
  const [read, gzip] = await Promise.allSettled([
    readTransactions(conn, plan, derived, table),
    plan.source.gzip ? checkGzip(plan.source.path) : Promise.resolve(),
  ]);
  if (gzip.status === "rejected") throw gzip.reason;
  if (read.status === "rejected") throw read.reason;
  return read.value;
}

/** Per date_form code, the lines and first row. */
async function dateForms(conn: DuckDBConnection, table: string): Promise<DateForms> {
  const rows = (
    await conn.runAndReadAll(
      `SELECT date_form::INTEGER AS form, count(*)::BIGINT AS n, min(rowid)::BIGINT AS first FROM ${table} GROUP BY date_form`,
    )
  ).getRowObjectsJS();
  return new Map(rows.map((r) => [Number(r.form), { lines: Number(r.n), first: Number(r.first) }]));
}

/** The forms found, most common first, day-and-month codes merged. */
function formSummary(forms: DateForms): { form: string; lines: number }[] {
  const merged = new Map<string, number>();
  for (const [code, { lines }] of forms) {
    if (code === 0) continue;
    const name = code >= 10 ? dateFormName(code).replace(/ with .*/, "") : dateFormName(code);
    merged.set(name, (merged.get(name) ?? 0) + lines);
  }
  return [...merged]
    .map(([form, lines]) => ({ form, lines }))
    .sort((a, b) => b.lines - a.lines || (a.form < b.form ? -1 : 1));
}

/**
 * Re-reads the file as Windows-1252 through a UTF-8 copy (encoding "auto" and DuckDB found bytes that are not
 * UTF-8). A file that also holds valid UTF-8 multi-byte characters is damaged or mixed: an InputError names both lines.
 */
async function readAsWindows1252(plan: ReadPlan, strict: boolean): Promise<void> {
  const copy = await transcodeToUtf8(plan.source.path, plan.source.gzip);
  const previous = plan.cleanup;
  plan.cleanup = () => {
    previous();
    copy.remove();
  };
  if (strict && copy.firstUtf8Line !== null && copy.firstNonUtf8Line !== null) {
    plan.cleanup();
    throw new InputError(
      `${plan.source.path}: line ${copy.firstNonUtf8Line}: not valid UTF-8, but line ${copy.firstUtf8Line} is UTF-8 text:` +
        ` the file mixes encodings or is damaged (set "encoding" to "windows-1252" or "utf-8" to read it one way)`,
    );
  }
  plan.input = { path: copy.path, gzip: false };
  plan.encoding = "windows-1252";
  plan.encoding_reason = strict ? `not valid UTF-8 from line ${copy.firstNonUtf8Line ?? 1}` : `set by "encoding"`;
}

/**
 * Creates `table` from the file: typed columns and `derived` columns, validated. The order of day and month is
 * decided from the whole date column (dates.ts, decideDateOrder) unless date_format sets it; a column whose dates
 * disagree stops with an InputError quoting two lines. Throws an InputError for a file DuckDB cannot read, a file
 * without data rows, or a value that does not parse.
 */
export async function readTransactions(
  conn: DuckDBConnection,
  plan: ReadPlan,
  derived: Record<string, string> = {},
  table = "transactions",
): Promise<ReadResult> {
  const file = plan.source.path;
  const create = () => runReading(conn, `CREATE OR REPLACE TABLE ${table} AS ${typedSelectSql(plan, derived)}`, plan);
  if (plan.encoding === "windows-1252") await readAsWindows1252(plan, forcedEncoding(plan.encoding_setting) === null);
  try {
    await create();
  } catch (error) {
    const utf8 = error instanceof InputError && /not valid UTF-8 text/.test(error.message);
    if (!utf8 || plan.encoding_setting !== "auto" || plan.encoding !== "utf-8") throw error;
    await readAsWindows1252(plan, true);
    await create();
  }
  const count = (await conn.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM ${table}`)).getRowObjectsJS()[0].n;
  const rows = Number(count);
  if (rows === 0) throw new InputError(`${file}: no data rows (only a header line)`);
  let forms = await dateForms(conn, table);
  const dayMonth = [...forms.keys()].some((code) => code >= 10);
  let evident = false;
  if (plan.dates.format === "auto" && dayMonth) {
    const decision = decideDateOrder(forms);
    if ("kind" in decision) {
      const [a, b] = await rowPlaces(plan, [decision.evident, decision.other]);
      const textA = (await cellText(conn, plan, decision.evident, "invoice_date")) ?? "";
      const textB = (await cellText(conn, plan, decision.other, "invoice_date")) ?? "";
      const header = plan.headers[plan.columns.invoice_date as number];
      throw new InputError(
        orderConflictMessage(
          file,
          header,
          decision,
          { where: a, text: textA.trim() },
          { where: b, text: textB.trim() },
        ),
      );
    }
    evident = decision.evident;
    if (decision.order !== plan.dates.order) {
      plan.dates = { ...plan.dates, order: decision.order };
      await create();
      forms = await dateForms(conn, table);
    }
  }
  const bad = await findBadValue(conn, plan, table);
  if (bad) throw new InputError(badValueMessage(bad, file));
  const outOfRange = await findOutOfRange(conn, plan, table);
  if (outOfRange) throw new InputError(outOfRange);
  const fractional = await fractionalQuantities(conn, plan, table);
  await numberLines(conn, plan, table);
  return {
    columns: planColumns(plan),
    rows,
    date_order: plan.dates.order,
    dates: {
      format: plan.dates.format,
      order: dayMonth ? plan.dates.order : null,
      order_evident: evident || plan.dates.format !== "auto",
      forms: formSummary(forms),
    },
    encoding: plan.encoding,
    encoding_reason: plan.encoding_reason,
    ...(fractional ? { fractional_quantities: fractional } : {}),
  };
}

const DELIMITER_NAMES: Record<string, string> = { ",": "comma", "\t": "tab", ";": "semicolon" };

/** "comma-separated, gzip": the format of a delimited file, for the recognised block. */
export function delimitedFormat(plan: Pick<ReadPlan, "delimiter" | "source">): string {
  return `${DELIMITER_NAMES[plan.delimiter] ?? JSON.stringify(plan.delimiter)}-separated${plan.source.gzip ? ", gzip" : ""}`;
}

/** Where rows of a delimited file are and the text of one column, for messages (PlannedRead.quote). */
export async function quoteRows(
  conn: DuckDBConnection,
  plan: ReadPlan,
  rows: number[],
  column: LogicalColumn,
): Promise<{ where: string; text: string }[]> {
  const places = await rowPlaces(plan, rows);
  const texts = await Promise.all(rows.map((row) => cellText(conn, plan, row, column)));
  return rows.map((_, i) => ({ where: places[i], text: (texts[i] ?? "").trim() }));
}
