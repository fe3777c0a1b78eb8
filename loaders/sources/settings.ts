/**
 * The settings of reading the input: where the data is (`data`, a database `source` or `tables`), its layout and
 * columns, and how it is written (delimiter, encoding, dates, customer ids). Part of the configuration schema
 * (config/schema.ts); imports nothing above it.
 */
import { z } from "zod";
import { dependsOnOthers, nonEmpty, oneOf, wholeLine } from "../config/setting.ts";

export const DEMO_DATA = "data/demo/transactions.csv.gz";

/** The logical columns a `columns` mapping may name. */
export const COLUMN_KEYS = [
  "invoice",
  "stock_code",
  "description",
  "quantity",
  "invoice_date",
  "unit_price",
  "customer_id",
  "country",
  "amount",
  "channel",
  "category",
  "store",
] as const;

/** The logical columns a customer-level table's `columns` may name. */
export const CUSTOMER_COLUMN_KEYS = [
  "customer_id",
  "recency",
  "monetary",
  "frequency",
  "signup_date",
  "birth_year",
  "country",
  "responses",
] as const;

/** The tables of a multi-table input and the columns each may map. */
export const TABLE_COLUMNS = {
  lines: COLUMN_KEYS,
  orders: ["invoice", "customer_id", "invoice_date", "amount", "quantity", "country", "channel", "store"],
  products: ["stock_code", "description", "category"],
  customers: ["customer_id", "age_range", "signup_date"],
} as const satisfies Record<string, readonly string[]>;

/** Named date formats (see loaders/sources/dates.ts); any other value is a strptime pattern containing `%`. */
export const DATE_FORMATS = ["auto", "iso", "month-first", "day-first", "yyyymmdd", "excel"] as const;
export const ENCODINGS = ["auto", "utf-8", "windows-1252", "latin-1"] as const;
export const CUSTOMER_ID_RULES = ["numeric", "trim"] as const;
const DELIMITERS = ["auto", ",", "\t", ";"] as const;
const DELIMITER_EXPECTED = '"auto", ",", "\\t" or ";"';

/**
 * Whether `text` is a real calendar day written YYYY-MM-DD.
 * @example isCalendarDate("2011-02-30") // false
 */
export function isCalendarDate(text: unknown): boolean {
  if (typeof text !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const day = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === text;
}

/** Today (0) or tomorrow (1) as YYYY-MM-DD, in UTC. */
function dayFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** A calendar day YYYY-MM-DD; a wrong value is `expected, got <the value>`. */
function calendarDate(expected: string, anyKind: boolean) {
  const error = (issue: { input?: unknown }) => `${expected}, got ${JSON.stringify(issue.input)}`;
  return z.string(anyKind ? { error } : undefined).refine(isCalendarDate, { error });
}

const COLUMN_NAME = "a non-empty column name";
const COLUMN_LIST = "a column name or a non-empty list of column names";
const columnName = nonEmpty(COLUMN_NAME);
const columnNames = z.union([columnName, z.array(columnName).min(1, { error: COLUMN_LIST })], { error: COLUMN_LIST });

/** Which logical columns `columns` may name under a layout, as an error message. */
export function columnsExpected(layout: unknown): string {
  return layout === "customers"
    ? `one of ${CUSTOMER_COLUMN_KEYS.join(", ")} (layout "customers")`
    : `one of ${COLUMN_KEYS.join(", ")}`;
}

/**
 * Logical column -> header name in the input (omitted names are recognised automatically): the line columns, or a
 * customer-level table's (`layout: "customers"`, one row per customer), where a list of columns is summed (spending
 * per product group into monetary, purchases per channel into frequency), `responses` are 0/1 campaign response
 * columns and `birth_year` is checked for impossible values. Which names a layout allows is checked with the layout.
 */
const COLUMNS_UNKNOWN = dependsOnOthers((root) => columnsExpected(root.layout));
const columns = z.strictObject(
  {
    invoice: columnName.optional(),
    stock_code: columnName.optional(),
    description: columnName.optional(),
    quantity: columnName.optional(),
    invoice_date: columnName.optional(),
    unit_price: columnName.optional(),
    customer_id: columnName.optional(),
    country: columnName.optional(),
    /** the line (or order) total, used instead of quantity x unit price when mapped */
    amount: columnName.optional().describe("the line (or order) total, used instead of quantity x unit price"),
    channel: columnName.optional().describe("the sales channel of the line's order (web, store, phone ...)"),
    category: columnName.optional().describe("the product's category"),
    store: columnName.optional().describe("the store the order was placed in; empty for orders outside a store"),
    recency: columnName.optional().describe('layout "customers": days since the last purchase'),
    monetary: columnNames.optional().describe('layout "customers": spending (a list is summed)'),
    frequency: columnNames.optional().describe('layout "customers": purchases (a list is summed)'),
    signup_date: columnName.optional().describe('layout "customers": the day the customer signed up'),
    birth_year: columnName.optional().describe('layout "customers": year of birth (checked for impossible values)'),
    responses: z
      .array(columnName, { error: COLUMN_LIST })
      .min(1, { error: COLUMN_LIST })
      .optional()
      .describe('layout "customers": 0/1 campaign response columns'),
  },
  {
    error: (issue) => (issue.code === "unrecognized_keys" ? COLUMNS_UNKNOWN : undefined),
  },
);

/** One table of a multi-table input: its file, its columns, and for the customer table the demographic columns. */
function table(name: keyof typeof TABLE_COLUMNS) {
  const keys = TABLE_COLUMNS[name];
  const tableColumns = z.strictObject(Object.fromEntries(keys.map((key) => [key, columnName.optional()])), {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `one of ${keys.join(", ")}`
        : issue.code === "invalid_type"
          ? "an object of logical column -> header name"
          : undefined,
  }) as unknown as z.ZodType<Record<string, string>>;
  return z.strictObject(
    {
      data: nonEmpty("a file name").describe("CSV or TSV file, optionally gzipped; relative to the config file"),
      columns: tableColumns.default(() => ({})),
      delimiter: oneOf(DELIMITERS, DELIMITER_EXPECTED).default("auto"),
      ...(name === "customers"
        ? {
            demographics: z
              .array(nonEmpty("a list of column names"), { error: "a list of column names" })
              .default(() => [])
              .describe("more columns shown per segment, like the age range"),
          }
        : {}),
    },
    { error: (issue) => (issue.code === "invalid_type" ? "an object with data and columns" : undefined) },
  );
}

/** A multi-table input (a shop database export): order lines and/or orders, with products and customers. */
const tables = z
  .strictObject(
    {
      lines: table("lines").optional(),
      orders: table("orders").optional(),
      products: table("products").optional(),
      customers: table("customers").optional(),
    },
    {
      error: (issue) =>
        issue.code === "unrecognized_keys"
          ? `one of ${Object.keys(TABLE_COLUMNS).join(", ")}`
          : issue.code === "invalid_type"
            ? "an object with lines and/or orders, and optionally products and customers"
            : undefined,
    },
  )
  .refine((t) => t.lines || t.orders, { error: "an object with a lines or an orders table (or both)" });

/** A table name: `name`, `schema.name` or `db.schema.name`, each part a plain or a double-quoted identifier. */
const TABLE_NAME = /^(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")(?:\.(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")){0,2}$/;
const SECRET_KEYS = ["url", "connection_string", "password"];

/**
 * A PostgreSQL database as the source: a table or a query giving one row per transaction line. The connection
 * string is read from the environment variable `url_env` only, never from a file.
 */
const postgresSource = z
  .strictObject(
    {
      kind: z.literal("postgres", { error: '"postgres"' }),
      url_env: z
        .string({ error: "the name of an environment variable (letters, digits, underscores)" })
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
          error: "the name of an environment variable (letters, digits, underscores)",
        })
        .default("DATABASE_URL")
        .describe("the environment variable holding the connection string"),
      table: z
        .string({ error: 'a table name such as "online_retail" or "public.online_retail"' })
        .regex(TABLE_NAME, { error: 'a table name such as "online_retail" or "public.online_retail"' })
        .optional()
        .describe("a table or view, name or schema.name"),
      query: z
        .string({ error: "a SELECT statement" })
        .regex(/^\s*(select|with|values|table)\b/i, { error: "a SELECT statement" })
        .transform((q) => q.trim().replace(/;+\s*$/, ""))
        // the pattern is case-insensitive, which a JSON Schema pattern cannot say: editors get none
        .meta({ pattern: undefined })
        .optional()
        .describe("a SELECT giving the lines, instead of table"),
      lock_timeout_seconds: z
        .number({ error: "a number of seconds between 0 and 3600" })
        .refine((x) => x > 0 && x <= 3600, { error: "a number of seconds between 0 and 3600" })
        .meta({ exclusiveMinimum: 0, maximum: 3600 })
        .optional()
        .describe("seconds to wait for a lock another session holds on the source before stopping (default 30)"),
    },
    {
      error: (issue) => {
        if (issue.code === "unrecognized_keys") {
          const secret = issue.keys.find((key) => SECRET_KEYS.includes(key));
          return secret === undefined
            ? undefined
            : wholeLine(
                `setting "source.${secret}" is not allowed: the connection string is read from the environment variable named by "source.url_env" (default DATABASE_URL), never from a file`,
              );
        }
        return issue.code === "invalid_type"
          ? 'an object such as {"kind": "postgres", "table": "public.sales"}, or null'
          : undefined;
      },
    },
  )
  .refine((s) => (s.table === undefined) !== (s.query === undefined), {
    error: 'either "table" or "query" (one of them)',
  });

/** The settings of reading the input (top-level keys of the configuration). */
export const sourceSettings = {
  data: z
    .string()
    .default(DEMO_DATA)
    .describe("input transactions: a file (CSV, TSV, Excel, Parquet, JSON lines; optionally gzipped) or a folder"),
  source: postgresSource
    .nullable()
    .default(null)
    .describe("a database source instead of the data file; null = read data"),
  layout: oneOf(["lines", "customers"], '"lines" or "customers"')
    .default("lines")
    .describe('"lines" (one row per transaction line or order) or "customers" (one row per customer)'),
  columns: columns.default(() => ({})),
  sheet: nonEmpty("a sheet name or null (the first sheet)")
    .nullable()
    .default(null)
    .describe("the sheet of an Excel workbook to read; null = the first"),
  period_days: z
    .number({ error: "a number of days of at least 1, or null" })
    .min(1, { error: "a number of days of at least 1, or null" })
    .nullable()
    .default(null)
    .describe('layout "customers": the days the spending and purchases cover; null = not stated'),
  tables: tables.nullable().default(null).describe("a multi-table input instead of data, or null"),
  delimiter: oneOf(DELIMITERS, DELIMITER_EXPECTED).default("auto"),
  snapshot_date: calendarDate("a calendar date YYYY-MM-DD or null", true)
    // a day to come would age every customer by the wait (one day of slack for time zones)
    .refine((day) => day <= dayFromNow(1), {
      error: (issue) => `a day no later than today (${dayFromNow(0)}), got ${String(issue.input)}`,
    })
    .nullable()
    .default(null)
    .describe("YYYY-MM-DD; null = the day after the last invoice"),
  date_format: z
    .string()
    .refine((f) => (DATE_FORMATS as readonly string[]).includes(f) || f.includes("%"), {
      error: `one of ${DATE_FORMATS.map((f) => `"${f}"`).join(", ")} or a strptime pattern such as "%d.%m.%Y %H:%M"`,
    })
    .default("auto")
    .describe(`how invoice dates are written: ${DATE_FORMATS.join(", ")} or a strptime pattern`),
  encoding: oneOf(
    ENCODINGS,
    ENCODINGS.map((e) => `"${e}"`)
      .join(", ")
      .replace(/, ([^,]*)$/, " or $1"),
  )
    .default("auto")
    .describe('the text encoding: "auto" (UTF-8, else Windows-1252)'),
  plausible_dates: z
    .strictObject({
      from: calendarDate("a calendar date YYYY-MM-DD", false).default("1990-01-01"),
      to: calendarDate("a calendar date YYYY-MM-DD or null (one day after today)", true).nullable().default(null),
    })
    .superRefine((window, ctx) => {
      if (window.to !== null && window.to < window.from)
        ctx.addIssue({
          code: "custom",
          path: ["to"],
          message: `a day on or after plausible_dates.from (${window.from})`,
        });
    })
    .prefault({})
    .describe("invoice dates outside from..to (both included) are set aside as implausible_date"),
  customer_id_normalise: oneOf(CUSTOMER_ID_RULES, '"numeric" or "trim"')
    .default("numeric")
    .describe('"numeric": 0017850, 17850 and 17850.0 are one customer; "trim": ids as written, trimmed'),
};

/** The first of quantity, unit_price and amount mapped to the same column as an earlier one, or null. */
function sharedFigure(columns: Record<string, unknown>): { key: string; other: string } | null {
  const figures = ["quantity", "unit_price", "amount"].filter((key) => columns[key] !== undefined);
  for (const [i, key] of figures.entries())
    for (const other of figures.slice(0, i)) if (columns[key] === columns[other]) return { key, other };
  return null;
}

type SourceSettings = { [K in keyof typeof sourceSettings]: z.output<(typeof sourceSettings)[K]> };

/**
 * The checks of the reading settings against each other (a database source and tables, the layout and the columns,
 * period_days); each problem is one issue, first one reported.
 */
export function checkSourceSettings(settings: SourceSettings, ctx: z.RefinementCtx): void {
  const fail = (path: string[], message: string) => ctx.addIssue({ code: "custom", path, message });
  if (settings.source && settings.tables !== null)
    return fail([], wholeLine('"source" (a database) and "tables" (files) cannot both be set; keep one'));
  // a customer-level table from PostgreSQL is out of scope: its reader works on files
  if (settings.source && settings.layout === "customers")
    return fail(
      [],
      wholeLine(
        '"layout": "customers" cannot be read from a PostgreSQL "source" (a customer-level table is read from a file); use "data", or a source of transaction lines',
      ),
    );
  const customers = settings.layout === "customers";
  if (settings.period_days !== null && !customers)
    return fail(["period_days"], 'null unless layout is "customers" (the line layouts date every line)');
  if (customers && settings.tables !== null)
    return fail(["layout"], '"lines" with "tables" (a customer-level table is one file)');
  const allowed: readonly string[] = customers ? CUSTOMER_COLUMN_KEYS : COLUMN_KEYS;
  for (const key of Object.keys(settings.columns)) {
    if (!allowed.includes(key)) return fail(["columns", key], columnsExpected(settings.layout));
  }
  // one column cannot be two of the figures (quantity x unit price would square it)
  const mappings: [string[], Record<string, unknown>][] = [[["columns"], settings.columns]];
  for (const [name, table] of Object.entries(settings.tables ?? {}))
    if (table) mappings.push([["tables", name, "columns"], table.columns]);
  for (const [at, columns] of mappings) {
    const shared = sharedFigure(columns);
    if (shared)
      return fail(
        [...at, shared.key],
        `a column other than ${[...at, shared.other].join(".")}'s (${JSON.stringify(columns[shared.key])})`,
      );
  }
  // a column listed twice would be counted twice (spending doubled)
  for (const [key, value] of Object.entries(settings.columns))
    if (Array.isArray(value) && new Set(value).size < value.length)
      return fail(
        ["columns", key],
        `a list of different columns (${value.find((v, i) => value.indexOf(v) !== i)} is listed twice)`,
      );
  if (customers)
    for (const key of ["customer_id", "recency", "monetary", "frequency"] as const)
      if (!(key in settings.columns))
        return fail(["columns", key], 'set for layout "customers" (the column or columns holding it)');
}
