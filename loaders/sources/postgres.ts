/**
 * A PostgreSQL table or query as the source, with the work done inside the database: the lines are typed into the
 * session table `transactions` there (never copied to this machine), and cleaning, the accounting, the customer
 * features and the report's aggregates run as the same generated SQL as for files (db/dialect.ts), so only the
 * per-customer table and aggregates travel.
 *
 * Columns are found as in a file's header (sources/columns.ts: the Online Retail names without configuration,
 * `columns` in the config for any other; amount, channel and category too). Types: text columns as text; quantity,
 * unit price and amount from any number type (or text holding numbers); the invoice date from date, timestamp or
 * timestamptz (read in UTC), or text that PostgreSQL parses (ISO, or month-first slash dates). Values the file
 * reader would reject (empty, not a number, not finite) stop the run with one line naming the column; so does a
 * figure beyond the plausible range (sources/csv.ts PLAUSIBLE), naming the column, the row and its invoice and
 * customer. The lines keep the relation's order (`row_id`), which breaks ties as file order does.
 */
import type { Config, PostgresSource } from "../config.ts";
import type { SqlDatabase } from "../db/database.ts";
import { connectPostgres } from "../db/postgres.ts";
import { InputError } from "../errors.ts";
import { layoutName, LOGICAL_COLUMNS, resolveColumns, type LogicalColumn } from "./columns.ts";
import { PLAUSIBLE } from "./csv.ts";
import type { DatabaseRead, Recognition, SourceReader } from "./reader.ts";
import type { ReadResult } from "./reader.ts";

/** The source in messages and in summary.json (never the connection string). */
export function postgresSourceName(source: PostgresSource): string {
  return source.table ? `postgres table ${source.table}` : "postgres query";
}

/** The relation the lines are read from, named `alias`: the table as configured (validated by config.ts), or the query. */
export function relationSql(source: PostgresSource, alias = "src"): string {
  return `${source.table ?? `(${source.query})`} AS ${alias}`;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** PostgreSQL type OIDs by kind. */
const TEXT_TYPES = new Set([18, 19, 25, 1042, 1043]);
const NUMBER_TYPES = new Set([20, 21, 23, 700, 701, 1700]);
const DATE_TYPES = new Set([1082, 1114, 1184]);

interface Field {
  name: string;
  dataTypeID: number;
}

/** Trimmed text, NULL when empty (as the file reader). */
const text = (column: string) => `NULLIF(trim(${column}::text), '')`;

/** A number from a column of any number type, or text holding one; NULL when not a number (see `finite`). */
function numberSql(column: string, type: number): string {
  // real: through its shortest text, so 2.55 is the double 2.55 (as read from a file), not 2.5499999523...
  const value =
    type === 700
      ? `${column}::text::float8`
      : NUMBER_TYPES.has(type)
        ? `${column}::float8`
        : `(CASE WHEN trim(${column}::text) ~ '^[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?$' THEN trim(${column}::text)::float8 END)`;
  return value;
}

/** SQL: a float8 column, NULL when it is not finite. */
const finite = (x: string) =>
  `CASE WHEN ${x} IN ('Infinity'::float8, '-Infinity'::float8, 'NaN'::float8) THEN NULL ELSE ${x} END`;

/** The columns that must hold a value in every row when the source has them (as the file reader checks). */
const CHECKED: readonly { name: LogicalColumn; expected: string }[] = [
  { name: "invoice", expected: "a value" },
  { name: "stock_code", expected: "a value" },
  { name: "quantity", expected: "a number" },
  { name: "invoice_date", expected: "a date" },
  { name: "unit_price", expected: "a number" },
  { name: "amount", expected: "a number" },
];

/**
 * SQL: the customer id from its trimmed text, as the file reader (sources/csv.ts customerIdSql): `nan`, `null` and
 * `none` are missing; under "numeric" an id of digits with an optional `.0...` is written as its number.
 */
export function customerIdSql(column: string, rule: Config["customer_id_normalise"]): string {
  const missing = `WHEN lower(${column}) IN ('nan', 'null', 'none') THEN NULL`;
  if (rule === "trim") return `CASE ${missing} ELSE ${column} END`;
  return (
    `CASE ${missing} WHEN ${column} ~ '^[0-9]+(\\.0+)?$' AND (starts_with(${column}, '0') OR position('.' IN ${column}) > 0)` +
    ` THEN COALESCE(NULLIF(ltrim(regexp_replace(${column}, '\\.0+$', ''), '0'), ''), '0') ELSE ${column} END`
  );
}

/**
 * The SELECT giving the canonical typed columns of `transactions` (as sources/csv.ts typedSelectSql: columns the
 * source does not have are NULL, except quantity 1 and country "Unknown"; revenue is the amount when one is
 * mapped, else quantity x unit price), then `row_id` (0-based, in the relation's order), `customer_spelling` and
 * the `derived` columns.
 */
export function typedSelectSql(
  relation: string,
  fields: readonly Field[],
  index: Partial<Record<LogicalColumn, number>>,
  where: string,
  rule: Config["customer_id_normalise"],
  derived: Record<string, string> = {},
): string {
  const col = (name: LogicalColumn) => {
    const i = index[name];
    return i === undefined
      ? null
      : { sql: `src.${quote(fields[i].name)}`, type: fields[i].dataTypeID, header: fields[i].name };
  };
  const textOf = (name: LogicalColumn) => {
    const c = col(name);
    return c ? text(c.sql) : "NULL::text";
  };
  const number = (name: LogicalColumn, fallback: string) => {
    const c = col(name);
    if (!c) return fallback;
    if (!NUMBER_TYPES.has(c.type) && !TEXT_TYPES.has(c.type))
      throw new InputError(
        `${where}: column "${c.header}" (${name}) should be a number column or text holding numbers`,
      );
    return numberSql(c.sql, c.type);
  };
  const date = () => {
    const c = col("invoice_date") as { sql: string; type: number; header: string };
    if (DATE_TYPES.has(c.type)) return `${c.sql}::timestamp`;
    if (TEXT_TYPES.has(c.type)) return `${text(c.sql)}::timestamp`;
    throw new InputError(
      `${where}: column "${c.header}" (invoice_date) should be a date, timestamp or timestamptz column, or text holding dates`,
    );
  };
  const customer = col("customer_id") as { sql: string };
  const typed = [
    `${textOf("invoice")} AS invoice`,
    `${textOf("stock_code")} AS stock_code`,
    `${textOf("description")} AS description`,
    `${number("quantity", "1::float8")} AS quantity_value`,
    `${number("unit_price", "NULL::float8")} AS price_value`,
    `${number("amount", "NULL::float8")} AS amount_value`,
    `${date()} AS invoice_date`,
    `${text(customer.sql)} AS customer_text`,
    `${customer.sql}::text AS customer_raw`,
    `COALESCE(${col("country") ? textOf("country") : "NULL"}, 'Unknown') AS country`,
    `${textOf("channel")} AS channel`,
    `${textOf("category")} AS category`,
    `${textOf("store")} AS store`,
  ];
  const normalised = [
    "invoice",
    "stock_code",
    "description",
    `${finite("quantity_value")} AS quantity`,
    `${finite("price_value")} AS unit_price`,
    `${finite("amount_value")} AS amount`,
    "invoice_date",
    `${customerIdSql("customer_text", rule)} AS customer_id`,
    "customer_raw",
    "country",
    "channel",
    "category",
    "store",
  ];
  const canonical = [
    "row_number() OVER () - 1 AS row_id",
    // without an invoice column each line is one order, named after its place (as a file's `line N`)
    index.invoice === undefined ? "'line ' || (row_number() OVER () + 1)::text AS invoice" : "invoice",
    "stock_code",
    "description",
    "quantity",
    "unit_price",
    "amount",
    // an implausible quantity or price stops the read (outOfRange); its product could overflow, which PostgreSQL
    // refuses with an error naming no row
    `${index.amount === undefined ? `CASE WHEN abs(quantity) <= ${PLAUSIBLE.quantity} AND abs(unit_price) <= ${PLAUSIBLE.unit_price} THEN quantity * unit_price END` : "amount"} AS revenue`,
    "invoice_date",
    "customer_id",
    "country",
    "channel",
    "category",
    "store",
    "CASE WHEN customer_id IS NOT NULL AND customer_raw IS DISTINCT FROM customer_id THEN md5(customer_raw) END AS customer_spelling",
  ];
  const extra = Object.entries(derived).map(([name, sql]) => `, ${sql} AS ${name}`);
  // OFFSET 0 keeps each layer a subquery of its own: flattened, every use of a column would repeat its expression
  return (
    `SELECT *${extra.join("")} FROM (SELECT ${canonical.join(", ")}` +
    ` FROM (SELECT ${normalised.join(", ")} FROM (SELECT ${typed.join(", ")} FROM ${relation} OFFSET 0) typed OFFSET 0) normalised` +
    " OFFSET 0) canonical"
  );
}

/** The relation's columns (name and type), from an empty session table made by the same SELECT. */
async function describe(db: SqlDatabase, source: PostgresSource): Promise<Field[]> {
  try {
    await db.run(db.dialect.createTable("segment_source_shape", `SELECT * FROM ${relationSql(source)} LIMIT 0`));
  } catch (error) {
    throw sourceError(error, source);
  }
  const rows = await db.query<{ name: string; type: number }>(
    `SELECT attname AS name, atttypid::int AS type FROM pg_attribute
     WHERE attrelid = 'pg_temp.segment_source_shape'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
  );
  await db.run("DROP TABLE pg_temp.segment_source_shape;");
  return rows.map((r) => ({ name: r.name, dataTypeID: r.type }));
}

/** A database error about the source: missing relation or column named with the setting to fix. */
function sourceError(error: unknown, source: PostgresSource): Error {
  const where = postgresSourceName(source);
  const message = (error as Error).message ?? String(error);
  const code = (error as { code?: string }).code;
  if (/relation .* does not exist/.test(message) || code === "42P01")
    return new InputError(
      `${where}: ${message.replace(/^.*?: (?=relation)/, "")} (source.table in the configuration; check the schema and the name)`,
    );
  if (/column .* does not exist/.test(message) || code === "42703")
    return new InputError(
      `${where}: the query failed: ${message.replace(/^.*?: (?=column)/, "")} (source.query in the configuration)`,
    );
  // a lock wait or a write refused by the read-only transaction: named by the source, not the connection
  if (error instanceof InputError && /lock timeout|read-only transaction/.test(message))
    return new InputError(`${where}: ${message.replace(/^postgres \([^)]*\): /, "")}`);
  if (error instanceof InputError) return error;
  return new InputError(`${where}: ${message.replace(/^postgres \([^)]*\): /, "")}`);
}

/** What the source's columns were found to be, for the recognised block and the read. */
export interface PostgresPlan {
  fields: Field[];
  index: Partial<Record<LogicalColumn, number>>;
  layout: string;
}

/** Finds the source's columns (as a file's header: the Online Retail names without configuration, else `columns`). */
export async function planPostgres(
  db: SqlDatabase,
  source: PostgresSource,
  config: Pick<Config, "columns" | "config_file">,
): Promise<PostgresPlan> {
  const where = postgresSourceName(source);
  const fields = await describe(db, source);
  const origin = config.config_file ?? "the configuration";
  const mapping = { mapping: config.columns, origin };
  let index;
  try {
    index = resolveColumns(
      fields.map((f) => f.name),
      mapping,
      where,
    );
  } catch (error) {
    const message = (error as Error).message
      .replace("is not in the header; found columns", "is not a column of the source; its columns are")
      .replace("; found columns:", "; its columns are:");
    throw new InputError(message);
  }
  return {
    fields,
    index,
    layout: layoutName(
      fields.map((f) => f.name),
      index,
      mapping,
    ),
  };
}

/**
 * Creates the session table `table` (canonical columns, row_id, customer_spelling and `derived`) from the source,
 * and checks that every value the file reader would require is there; an InputError names the column otherwise.
 */
export async function readPostgres(
  db: SqlDatabase,
  source: PostgresSource,
  plan: PostgresPlan,
  config: Pick<Config, "customer_id_normalise">,
  derived: Record<string, string>,
  table = "transactions",
): Promise<ReadResult> {
  const where = postgresSourceName(source);
  const { fields, index } = plan;
  const typed = typedSelectSql(relationSql(source), fields, index, where, config.customer_id_normalise, derived);
  try {
    // one scan in the relation's order (row_id): no parallel workers for this statement
    await db.run("SET max_parallel_workers_per_gather = 0");
    await db.run(db.dialect.createTable(table, typed));
    await db.run("RESET max_parallel_workers_per_gather");
  } catch (error) {
    const message = (error as Error).message;
    if (/invalid input syntax for type timestamp|date\/time field value out of range/.test(message)) {
      const header = fields[index.invoice_date as number].name;
      throw new InputError(
        `${where}: column "${header}" (invoice_date): ${message.replace(/^.*?: (?=invalid|date)/, "")}, expected a date (ISO text such as 2010-12-01 08:26:00, or a date or timestamp column)`,
      );
    }
    throw sourceError(error, source);
  }
  const checked = CHECKED.filter((c) => index[c.name] !== undefined);
  const checks = checked.map((c) => `, count(*) FILTER (WHERE ${c.name} IS NULL)::bigint AS ${c.name}`).join("");
  const [counts] = await db.query<Record<string, number>>(`SELECT count(*)::bigint AS rows${checks} FROM ${table}`);
  if (!counts.rows) throw new InputError(`${where}: no rows`);
  for (const c of checked) {
    const bad = counts[c.name];
    if (!bad) continue;
    const header = fields[index[c.name] as number].name;
    throw new InputError(
      `${where}: column "${header}" (${c.name}): ${bad.toLocaleString("en-US")} row${bad > 1 ? "s are" : " is"} empty or not ${c.expected}, expected ${c.expected} in every row`,
    );
  }
  const implausible = await outOfRange(db, plan, where, table);
  if (implausible) throw new InputError(implausible);
  const columns = LOGICAL_COLUMNS.map((c) => c.name).filter((name) => index[name] !== undefined);
  const dateType = fields[index.invoice_date as number].dataTypeID;
  const dateForm = DATE_TYPES.has(dateType)
    ? "a date or timestamp column"
    : "text read by PostgreSQL (ISO, or month first)";
  return {
    rows: counts.rows,
    date_order: "month-first",
    dates: { format: "auto", order: null, order_evident: false, forms: [{ form: dateForm, lines: counts.rows }] },
    encoding: "utf-8",
    encoding_reason: "",
    columns,
  };
}

/**
 * The first row whose quantity, unit price or amount is beyond the plausible range, or whose revenue (quantity x
 * unit price) is, as one line naming the column, the value, the row (in the relation's order) and its invoice,
 * stock code and customer; null when every figure is in range (as sources/csv.ts findOutOfRange for files).
 */
async function outOfRange(db: SqlDatabase, plan: PostgresPlan, where: string, table: string): Promise<string | null> {
  const { fields, index } = plan;
  const own = (["quantity", "unit_price", "amount"] as const).filter((name) => index[name] !== undefined);
  // revenue is NULL only where a factor is missing (caught as empty) or implausible (caught by its own test)
  const revenue = `abs(revenue) > ${PLAUSIBLE.revenue}`;
  const tests = [...own.map((name) => `abs(${name}) > ${PLAUSIBLE[name]}`), revenue];
  const [hit] = await db.query<Record<string, string | number | boolean | null>>(
    `SELECT row_id::bigint AS row_id, invoice, stock_code, customer_id, quantity::text AS quantity,
       unit_price::text AS unit_price, amount::text AS amount, count(*) OVER ()::bigint AS rows,
       ${tests.map((test, i) => `${test} AS bad${i}`).join(", ")}
     FROM ${table} WHERE ${tests.join(" OR ")} ORDER BY row_id LIMIT 1`,
  );
  if (!hit) return null;
  const header = (name: LogicalColumn) => fields[index[name] as number]?.name ?? name;
  const key = (
    [
      ["invoice", hit.invoice],
      ["stock code", hit.stock_code],
      ["customer", hit.customer_id],
    ] as const
  )
    .filter(([, value]) => value !== null)
    .map(([name, value]) => `${name} ${JSON.stringify(String(value))}`)
    .join(", ");
  const place = `row ${Number(hit.row_id) + 1} (${key})`;
  const rows = Number(hit.rows);
  const more = rows > 1 ? ` (${rows.toLocaleString("en-US")} rows are out of range; this is the first)` : "";
  const limit = (n: number) => n.toExponential(0).replace("e+", "e");
  const bad = own.find((_, i) => hit[`bad${i}`] === true);
  if (bad)
    return (
      `${where}: column "${header(bad)}" (${bad}): ${hit[bad]} in ${place} is beyond the plausible range` +
      ` (at most ${limit(PLAUSIBLE[bad])} in size); correct the value or the column mapping${more}`
    );
  return (
    `${where}: ${place}: the line's revenue (${header("quantity")} ${hit.quantity} x ${header("unit_price")} ` +
    `${hit.unit_price}) is beyond the range a figure can hold (at most ${limit(PLAUSIBLE.revenue)}); correct the value${more}`
  );
}

/**
 * The source's data in one line for the build's fingerprint: the row count and an order-independent checksum (the
 * sum of a 120-bit slice of every row's md5, over its text form), computed by the database in one scan, so a
 * rebuild notices any change of the data without reading it here.
 */
export async function sourceChecksum(source: PostgresSource): Promise<string> {
  const db = await connectPostgres(source);
  try {
    const slice = (from: number) => `('x' || substr(md5(src::text), ${from}, 15))::bit(60)::bigint::numeric`;
    const [row] = await db
      .query<{ n: number; a: string; b: string }>(
        `SELECT count(*)::bigint AS n, coalesce(sum(${slice(1)}), 0)::text AS a, coalesce(sum(${slice(16)}), 0)::text AS b
         FROM ${relationSql(source)}`,
      )
      .catch((error) => {
        throw sourceError(error, source);
      });
    return `${postgresSourceName(source)} rows ${row.n} checksum ${row.a}-${row.b}`;
  } finally {
    await db.close();
  }
}

/** The PostgreSQL source (`"source": {"kind": "postgres", ...}` in the configuration). */
export const postgresSource: SourceReader = {
  name: "postgres",
  accepts: (config) => config.source?.kind === "postgres",
  async plan(config): Promise<DatabaseRead> {
    const source = config.source as PostgresSource;
    const name = postgresSourceName(source);
    let found: PostgresPlan | null = null;
    const recognition: Recognition = { format: "PostgreSQL", layout: "", columns: [] };
    return {
      kind: "database",
      reader: "postgres",
      source: name,
      recognition,
      async open() {
        const db = await connectPostgres(source);
        try {
          found = await planPostgres(db, source, config);
        } catch (error) {
          await db.close();
          throw error;
        }
        recognition.layout = found.layout;
        recognition.columns = (Object.entries(found.index) as [LogicalColumn, number][])
          .sort((a, b) => LOGICAL_ORDER.indexOf(a[0]) - LOGICAL_ORDER.indexOf(b[0]))
          .map(([c, i]) => [c, (found as PostgresPlan).fields[i].name]);
        return db;
      },
      read(db, derived, table) {
        if (!found) throw new Error("postgres: read before open");
        return readPostgres(db, source, found, config, derived, table);
      },
      async quote(db, rows, column) {
        const sql = column === "invoice_date" ? "to_char(invoice_date, 'YYYY-MM-DD HH24:MI:SS')" : `${column}::text`;
        const found = await db.query<{ row_id: number; text: string | null }>(
          `SELECT row_id, ${sql} AS text FROM transactions WHERE row_id IN (${rows.map((r) => Math.trunc(r)).join(", ") || "NULL"})`,
        );
        const text = new Map(found.map((r) => [Number(r.row_id), r.text ?? ""]));
        return rows.map((row) => ({ where: `row ${row + 1} of ${name}`, text: text.get(row) ?? "" }));
      },
      close: () => {},
    };
  },
};

const LOGICAL_ORDER = LOGICAL_COLUMNS.map((c) => c.name);
