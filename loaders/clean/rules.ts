/**
 * Cleaning with full accounting. Every line of `transactions` gets a `drop_reason` (NULL = kept): the first
 * reason of DROP_REASONS that applies under the policy in `config.cleaning`; a rule switched off never applies.
 * The kept lines are the view `lines`; cancellation lines with a customer (whatever the policy) are the view
 * `returns`, for return statistics. Invariant: rows_in = rows_kept + sum of dropped.
 * The rules are SQL generated for a dialect (db/dialect.ts): the same definition runs in DuckDB over a file and in
 * PostgreSQL over a table.
 */
import type { CleaningConfig } from "../config.ts";
import { InputError } from "../errors.ts";
import { DROP_REASONS, type Accounting, type DropReason } from "../types.ts";
import type { SqlDatabase } from "../db/database.ts";
import { DUCKDB, type SqlDialect } from "../db/dialect.ts";
import { sqlString } from "../db/sql.ts";
import type { ReturnAccounting } from "./returns.ts";

/** The columns of the `lines` and `returns` views, in order. */
export const LINE_COLUMNS = [
  "invoice",
  "stock_code",
  "description",
  "quantity",
  "unit_price",
  "amount",
  "revenue",
  "invoice_date",
  "customer_id",
  "country",
  "channel",
  "category",
  "store",
] as const;

/** Customer ids written more than one way and read as one customer (see `customer_id_normalise`). */
export interface CustomerIdMerges {
  rule: "numeric" | "trim";
  /** lines whose id text was changed by normalising (trimmed spaces, `.0` or leading zeros removed) */
  lines_rewritten: number;
  /** customers whose id appears in more than one spelling (`0017850`, `17850`, `17850.0`) */
  customers_merged: number;
  /** spellings merged into another: the spellings of those customers minus one each */
  spellings_merged: number;
}

/** The plausible window for invoice dates, resolved: YYYY-MM-DD, both days included. */
export interface DateWindow {
  from: string;
  to: string;
}

/** The configured window, `to` null meaning one day after `today` (YYYY-MM-DD, UTC). */
export function resolveDateWindow(window: { from: string; to: string | null }, today = new Date()): DateWindow {
  const tomorrow = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1));
  return { from: window.from, to: window.to ?? tomorrow.toISOString().slice(0, 10) };
}

/** SQL: is the line's invoice date outside the window? */
export function implausibleDateSql(window: DateWindow): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(window.from) || !/^\d{4}-\d{2}-\d{2}$/.test(window.to))
    throw new Error(`bad date window ${window.from} ${window.to}`);
  return `(invoice_date < TIMESTAMP '${window.from}' OR invoice_date >= TIMESTAMP '${window.to}' + INTERVAL '1 day')`;
}
/** The accounting, with the number of exact repeats of an earlier line (counted whether or not they are dropped). */
export type IngestAccounting = Accounting & {
  /** lines that exactly repeat an earlier line, whatever their drop reason */
  duplicate_lines?: number;
  /** of them, repeats among the analysed (kept) lines */
  duplicate_lines_analysed?: number;
  /** revenue of the purchase lines (not cancellations, quantity and price > 0) that have no customer id */
  revenue_without_customer: { lines: number; revenue: number };
  /** returns matched to purchases, gross / returned / net revenue, customers set aside (returns.ts) */
  returns: ReturnAccounting;
  /** customer ids written more than one way and read as one (customer_id_normalise) */
  customer_ids?: CustomerIdMerges;
  /** a customer-level table: what its revenue is, said instead of the returns sentence (pipeline/customers.ts) */
  revenue_source?: string;
};

import { IS_CANCELLATION, IS_RETURN, UNIT_VALUE } from "./line-sql.ts";

export { IS_CANCELLATION, UNIT_VALUE };

/** SQL: the DuckDB ENUM type of drop reasons, created once per connection. */
export const DROP_REASON_TYPE = `CREATE TYPE IF NOT EXISTS drop_reason AS ENUM (${DROP_REASONS.map((r) => `'${r}'`).join(", ")})`;

/** SQL condition for the non-product rule, or null when neither codes nor a pattern are configured. */
export function nonProductSql(
  cleaning: Pick<CleaningConfig, "non_product_codes" | "non_product_pattern">,
  dialect: SqlDialect = DUCKDB,
): string | null {
  const parts: string[] = [];
  const codes = cleaning.non_product_codes.map((c) => c.trim().toUpperCase()).filter(Boolean);
  if (codes.length) parts.push(dialect.inList("upper(stock_code)", [...new Set(codes)].map(sqlString)));
  if (cleaning.non_product_pattern)
    parts.push(dialect.fullMatchI("stock_code", sqlString(cleaning.non_product_pattern)));
  return parts.length ? `(${parts.join(" OR ")})` : null;
}

/**
 * SQL expression (over the typed columns) giving each line's drop reason under `cleaning`, NULL when it is kept.
 * With `window`, a line dated outside it is `implausible_date` first (its date is unusable for any figure).
 * The duplicate rule needs the other lines and is applied afterwards by `markDuplicates`.
 * @example dropReasonSql({ ...DEFAULT_CONFIG.cleaning, drop_non_product_codes: false })
 * // "CAST(CASE WHEN (starts_with(invoice, 'C') OR ...) THEN 'cancellation' WHEN customer_id IS NULL THEN ... END AS drop_reason)"
 */
export function dropReasonSql(
  cleaning: CleaningConfig,
  window?: DateWindow,
  options: { joinedOrders?: boolean; dialect?: SqlDialect } = {},
): string {
  const dialect = options.dialect ?? DUCKDB;
  const nonProduct = nonProductSql(cleaning, dialect);
  const rules: [boolean, string, DropReason][] = [
    [window !== undefined, window ? implausibleDateSql(window) : "false", "implausible_date"],
    [cleaning.drop_cancellations, IS_CANCELLATION, "cancellation"],
    // a line of a multi-table input whose order is not in the orders table (no customer, no date): always set aside
    [options.joinedOrders === true, "order_missing", "missing_order"],
    [cleaning.drop_missing_customer, "customer_id IS NULL", "missing_customer"],
    [cleaning.drop_nonpositive_quantity, "quantity <= 0", "nonpositive_quantity"],
    [cleaning.drop_nonpositive_price, "unit_price <= 0", "nonpositive_price"],
    // amount is NULL unless columns.amount is mapped
    [cleaning.drop_nonpositive_amount, "amount <= 0", "nonpositive_amount"],
    [cleaning.drop_non_product_codes && nonProduct !== null, nonProduct ?? "false", "non_product_code"],
  ];
  const whens = rules.filter(([on]) => on).map(([, when, reason]) => `WHEN ${when} THEN '${reason}'`);
  const type = dialect.dropReasonType;
  return whens.length ? `CAST(CASE ${whens.join(" ")} END AS ${type})` : `CAST(NULL AS ${type})`;
}

/** SQL creating the drop reason type, where the dialect has one (DuckDB's ENUM), else null. */
export function dropReasonTypeSql(dialect: SqlDialect): string | null {
  return dialect.name === "duckdb" ? DROP_REASON_TYPE : null;
}

/**
 * Checks the non-product pattern is a regular expression the database accepts (DuckDB: RE2; PostgreSQL: its own
 * regular expressions); an InputError names the setting.
 */
export async function checkPattern(db: SqlDatabase, cleaning: CleaningConfig, origin: string): Promise<void> {
  if (!cleaning.drop_non_product_codes || !cleaning.non_product_pattern) return;
  try {
    await db.query(`SELECT ${db.dialect.fullMatchI("''", sqlString(cleaning.non_product_pattern))} AS ok`);
  } catch (error) {
    const detail = ((error as Error).message ?? "").split("\n")[0].replace(/^Invalid Input Error: /, "");
    const engine = db.dialect.name === "duckdb" ? "DuckDB (RE2)" : "PostgreSQL";
    throw new InputError(
      `${origin}: setting "cleaning.non_product_pattern" should be a regular expression ${engine} accepts: ${detail}`,
    );
  }
}

/** The line's values compared to find exact repeats. */
const SAME_LINE = LINE_COLUMNS.filter((c) => c !== "revenue").join(", ");

/**
 * Marks as `duplicate` each kept line that exactly repeats an earlier kept line (first occurrence kept).
 * An exact repeat has the same values as the earlier line, so it gets the same earlier reasons: only kept lines need
 * checking. Lines sharing a hash are candidates; the exact comparison runs on those only (a window over all the
 * columns of every line would cost several times the memory of the table).
 */
export async function markDuplicates(db: SqlDatabase, table = "transactions"): Promise<void> {
  const id = db.dialect.rowId;
  // DuckDB: only lines whose hash repeats are compared (PostgreSQL's sort-based window needs no such help)
  const candidates =
    db.dialect.name === "duckdb"
      ? ` AND hash(${SAME_LINE}) IN (
           SELECT h FROM (SELECT hash(${SAME_LINE}) AS h FROM ${table} WHERE drop_reason IS NULL) GROUP BY h HAVING count(*) > 1)`
      : "";
  await db.run(
    `UPDATE ${table} SET drop_reason = 'duplicate' WHERE ${id} IN (
       SELECT id FROM (
         SELECT ${id} AS id, row_number() OVER (PARTITION BY ${SAME_LINE} ORDER BY ${id}) AS n
         FROM ${table}
         WHERE drop_reason IS NULL${candidates}) dup
       WHERE n > 1)`,
  );
}

/** Above this many lines the informational duplicate count is skipped (it costs a hash aggregate over every line). */
export const DUPLICATE_COUNT_MAX_ROWS = 2_000_000;

/**
 * Counts lines that exactly repeat an earlier line, whatever their drop reason (informational). Lines are compared
 * by a 64-bit hash of their values: exact barring a hash collision (odds about 1e-7 at two million lines).
 */
export async function countDuplicateLines(db: SqlDatabase, table = "transactions"): Promise<number> {
  return (await countDuplicates(db, table)).duplicate_lines;
}

/** Exact repeats of an earlier line (as countDuplicateLines), in all and among the analysed (kept) lines. */
export async function countDuplicates(
  db: SqlDatabase,
  table = "transactions",
): Promise<{ duplicate_lines: number; duplicate_lines_analysed: number }> {
  // PostgreSQL compares the lines themselves, grouped (one aggregate; GROUP BY puts NULLs together)
  const sql =
    db.dialect.name === "duckdb"
      ? `SELECT (count(*) - count(DISTINCT h))::BIGINT AS n,
      (count(*) FILTER (WHERE drop_reason IS NULL) - count(DISTINCT h) FILTER (WHERE drop_reason IS NULL))::BIGINT AS kept
    FROM (SELECT hash(${SAME_LINE}) AS h, drop_reason FROM ${table})`
      : `SELECT coalesce(sum(n - 1), 0)::BIGINT AS n, coalesce(sum(CASE WHEN k > 0 THEN k - 1 ELSE 0 END), 0)::BIGINT AS kept
    FROM (SELECT count(*) AS n, count(*) FILTER (WHERE drop_reason IS NULL) AS k FROM ${table} GROUP BY ${SAME_LINE}) same_lines`;
  const [row] = await db.query<{ n: number; kept: number }>(sql);
  return { duplicate_lines: Number(row.n), duplicate_lines_analysed: Number(row.kept) };
}

/**
 * Revenue of the purchase lines without a customer id (not cancellations, quantity and unit price above zero):
 * sales the customer figures leave out.
 */
export async function revenueWithoutCustomer(
  db: SqlDatabase,
  table = "transactions",
): Promise<{ lines: number; revenue: number }> {
  // an ordered sum: the same bits every run and in either engine; revenue > 0 covers both quantity x unit price
  // and a mapped amount
  const d = db.dialect;
  const [row] = await db.query<{ lines: number; revenue: number }>(
    `SELECT count(*)::${d.double} AS lines, coalesce(${d.sum("revenue")}, 0) AS revenue FROM ${table}
     WHERE customer_id IS NULL AND NOT ${IS_CANCELLATION} AND quantity > 0 AND revenue > 0`,
  );
  return { lines: row.lines, revenue: row.revenue };
}

/**
 * Counts kept lines and lines dropped for each reason, and checks the invariant rows_in = rows_kept + sum(dropped)
 * against the number of lines read (a broken invariant is a bug, not an input error).
 */
export async function countAccounting(db: SqlDatabase, rowsIn: number, table = "transactions"): Promise<Accounting> {
  const rows = await db.query<{ reason: string | null; n: number }>(
    `SELECT drop_reason::VARCHAR AS reason, count(*)::BIGINT AS n FROM ${table} GROUP BY 1`,
  );
  const dropped = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;
  let kept = 0;
  for (const row of rows) {
    if (row.reason === null) kept = Number(row.n);
    else dropped[row.reason as DropReason] = Number(row.n);
  }
  const total = kept + Object.values(dropped).reduce((a, b) => a + b, 0);
  if (total !== rowsIn)
    throw new Error(`accounting does not add up: ${rowsIn} lines read, ${kept} kept + ${total - kept} dropped`);
  return { rows_in: rowsIn, rows_kept: kept, dropped };
}

/**
 * Creates the views `lines` (kept lines, quantity and revenue net of the units `returned` when the table has them:
 * see returns.ts) and `returns` (cancellation lines with a customer, dated inside the window: IS_RETURN) over
 * `table`.
 */
export async function createLineViews(db: SqlDatabase, table = "transactions"): Promise<void> {
  const columns = LINE_COLUMNS.join(", ");
  const [{ n: hasReturned }] = await db.query<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM information_schema.columns WHERE table_name = '${table}' AND column_name = 'returned'`,
  );
  const net = LINE_COLUMNS.map((c) =>
    c === "quantity"
      ? "CASE WHEN returned IS NULL THEN quantity ELSE quantity - returned END AS quantity"
      : c === "revenue"
        ? `CASE WHEN returned IS NULL THEN revenue ELSE (quantity - returned) * ${UNIT_VALUE} END AS revenue`
        : c,
  ).join(", ");
  await db.run(
    db.dialect.createView("lines", `SELECT ${hasReturned ? net : columns} FROM ${table} WHERE drop_reason IS NULL`),
  );
  await db.run(db.dialect.createView("returns", `SELECT ${columns} FROM ${table} WHERE ${IS_RETURN}`));
}

/** Counts customer ids written more than one way (by the hash of the id as written, see read.ts). */
export async function countCustomerMerges(
  db: SqlDatabase,
  rule: CustomerIdMerges["rule"],
  table = "transactions",
): Promise<CustomerIdMerges> {
  const rewritten = Number(
    (await db.query<{ n: number }>(`SELECT count(customer_spelling)::BIGINT AS n FROM ${table}`))[0].n,
  );
  if (rewritten === 0) return { rule, lines_rewritten: 0, customers_merged: 0, spellings_merged: 0 };
  const [row] = await db.query<{ customers: number; spellings: number }>(
    `SELECT count(*)::BIGINT AS customers, COALESCE(sum(n - 1), 0)::BIGINT AS spellings FROM (
       SELECT customer_id, count(DISTINCT COALESCE(customer_spelling, ${db.dialect.hash("customer_id")})) AS n
       FROM ${table} WHERE customer_id IS NOT NULL GROUP BY customer_id) spellings WHERE n > 1`,
  );
  return {
    rule,
    lines_rewritten: rewritten,
    customers_merged: Number(row.customers),
    spellings_merged: Number(row.spellings),
  };
}

/** The first line set aside as implausible_date and how many are, or null when none is. */
export async function firstImplausible(
  db: SqlDatabase,
  table = "transactions",
): Promise<{ row: number; lines: number } | null> {
  const rows = await db.query<{ row: number; n: number }>(
    `SELECT min(${db.dialect.rowId})::BIGINT AS row, count(*)::BIGINT AS n FROM ${table} WHERE drop_reason = 'implausible_date'`,
  );
  return Number(rows[0].n) > 0 ? { row: Number(rows[0].row), lines: Number(rows[0].n) } : null;
}
