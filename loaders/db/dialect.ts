/**
 * The SQL dialects the pipeline's queries are written for: DuckDB (files read on this machine) and PostgreSQL (a
 * database that does the work itself). Cleaning (clean/rules.ts, clean/returns.ts), customer features
 * (features/customers.ts) and the report's aggregates (report/aggregates.ts) are each written once, with the few
 * constructs that differ between the two taken from here, so the logic has one definition and both engines give the
 * same figures.
 *
 * Sums of floating-point values are the one place where the same logic can give different bits: the result of a
 * float sum depends on the order of its terms, and neither engine promises an order inside an aggregate. `sum`
 * below adds the values in ascending order, one after another, in both engines (DuckDB: a sorted list summed
 * from the left by list_sum; PostgreSQL: an ordered aggregate, whose float8 transition is a plain addition), so a sum is the same to
 * the last bit in either engine, on any number of threads, whatever the order of the rows. Means are such a sum
 * over the count.
 */

export type DialectName = "duckdb" | "postgres";

export interface SqlDialect {
  name: DialectName;
  /** the 8-byte float type */
  double: string;
  /** the type of the drop reason column (DuckDB: an ENUM created per connection; PostgreSQL: text) */
  dropReasonType: string;
  /** the row id of the table `transactions`, in input order (DuckDB: rowid; PostgreSQL: the column row_id) */
  rowId: string;
  /** the sum of the non-null values of `x`, added in ascending order (the same bits in both engines) */
  sum(x: string): string;
  /** the mean of the non-null values of `x`: their ordered sum over their count */
  mean(x: string): string;
  /** the continuous quantiles (linear interpolation) of `x` at `qs`, as one array */
  quantiles(x: string, qs: readonly number[]): string;
  /** the value of `x` on the first row in `order` (an ORDER BY list) */
  firstBy(x: string, order: string): string;
  /** YYYY-MM-DD text of a DATE or TIMESTAMP */
  isoDate(x: string): string;
  /** YYYY-MM text of a DATE or TIMESTAMP */
  yearMonth(x: string): string;
  /** whole days from the DATE `from` to the DATE `to` */
  days(from: string, to: string): string;
  /** seconds since 1970 of a TIMESTAMP, as a double */
  epoch(t: string): string;
  /** ISO weekday (1 = Monday) of a TIMESTAMP */
  isoDow(t: string): string;
  /** hour of a TIMESTAMP */
  hour(t: string): string;
  /** the leading digits of text `x` as an integer, NULL when it does not start with one */
  leadingInt(x: string): string;
  /** a hash of text `x` (to count distinct spellings) */
  hash(x: string): string;
  /** does the whole of `text` match the regular expression `pattern` (a SQL string literal), case-insensitively? */
  fullMatchI(text: string, pattern: string): string;
  /** does the whole of `text` match the regular expression `pattern` (a SQL string literal)? */
  fullMatch(text: string, pattern: string): string;
  /** is `x` one of `literals` (SQL literals)? */
  inList(x: string, literals: readonly string[]): string;
  /** `x` compared by code point when sorting (DuckDB's default; PostgreSQL would use the database's collation) */
  binary(x: string): string;
  /** statements creating (or replacing) the session table `name` from a SELECT */
  createTable(name: string, select: string): string;
  /** statements creating (or replacing) the session view `name` */
  createView(name: string, select: string): string;
}

export const DUCKDB: SqlDialect = {
  name: "duckdb",
  double: "DOUBLE",
  dropReasonType: "drop_reason",
  rowId: "rowid",
  // the sum of a sorted list: ORDER BY inside sum() is not guaranteed to be kept by the optimizer. list_sum adds the
  // list's elements in order, one after the other (the same bits as a left fold with list_reduce and a lambda,
  // checked on every per-customer sum of Online Retail, at a third to a fifth of its CPU time)
  sum: (x) => `list_sum(list(${x} ORDER BY ${x}) FILTER (WHERE ${x} IS NOT NULL))`,
  mean: (x) => `(${DUCKDB.sum(x)} / nullif(count(${x}), 0))`,
  quantiles: (x, qs) => `quantile_cont(${x}, [${qs.join(", ")}])`,
  firstBy: (x, order) => `first(${x} ORDER BY ${order})`,
  isoDate: (x) => `strftime(${x}, '%Y-%m-%d')`,
  yearMonth: (x) => `strftime(${x}, '%Y-%m')`,
  days: (from, to) => `date_diff('day', ${from}, ${to})`,
  epoch: (t) => `epoch(${t})`,
  isoDow: (t) => `isodow(${t})::INTEGER`,
  hour: (t) => `hour(${t})::INTEGER`,
  leadingInt: (x) => `try_cast(regexp_extract(${x}, '^[0-9]+') AS INTEGER)`,
  hash: (x) => `hash(${x})`,
  fullMatchI: (text, pattern) => `regexp_full_match(${text}, ${pattern}, 'i')`,
  fullMatch: (text, pattern) => `regexp_full_match(${text}, ${pattern})`,
  // list_contains, not IN: DuckDB rewrites a long IN list into a join, and a join in the read would lose file order
  inList: (x, literals) => `list_contains([${literals.join(", ")}], ${x})`,
  binary: (x) => x,
  createTable: (name, select) => `CREATE OR REPLACE TABLE ${name} AS ${select}`,
  createView: (name, select) => `CREATE OR REPLACE VIEW ${name} AS ${select}`,
};

/** A SQL string literal wrapped for a whole-string match in PostgreSQL's regular expressions. */
const anchored = (pattern: string) => `('^(?:' || ${pattern} || ')$')`;

export const POSTGRES: SqlDialect = {
  name: "postgres",
  double: "double precision",
  dropReasonType: "text",
  rowId: "row_id",
  sum: (x) => `sum(${x} ORDER BY ${x})`,
  mean: (x) => `(${POSTGRES.sum(x)} / nullif(count(${x}), 0))`,
  quantiles: (x, qs) => `percentile_cont(ARRAY[${qs.join(", ")}]::float8[]) WITHIN GROUP (ORDER BY ${x})`,
  firstBy: (x, order) => `(array_agg(${x} ORDER BY ${order}))[1]`,
  isoDate: (x) => `to_char(${x}, 'YYYY-MM-DD')`,
  yearMonth: (x) => `to_char(${x}, 'YYYY-MM')`,
  days: (from, to) => `((${to})::date - (${from})::date)`,
  epoch: (t) => `extract(epoch FROM ${t})::float8`,
  isoDow: (t) => `extract(isodow FROM ${t})::integer`,
  hour: (t) => `extract(hour FROM ${t})::integer`,
  leadingInt: (x) => `(CASE WHEN ${x} ~ '^[0-9]{1,9}([^0-9]|$)' THEN substring(${x} FROM '^[0-9]+')::integer END)`,
  hash: (x) => `md5(${x})`,
  fullMatchI: (text, pattern) => `(${text} ~* ${anchored(pattern)})`,
  fullMatch: (text, pattern) => `(${text} ~ ${anchored(pattern)})`,
  inList: (x, literals) => `(${x} = ANY (ARRAY[${literals.join(", ")}]::text[]))`,
  binary: (x) => `${x} COLLATE "C"`,
  createTable: (name, select) =>
    `DROP TABLE IF EXISTS pg_temp.${name}; CREATE TEMP TABLE ${name} AS ${select}; ANALYZE ${name}`,
  createView: (name, select) => `CREATE OR REPLACE TEMP VIEW ${name} AS ${select}`,
};
