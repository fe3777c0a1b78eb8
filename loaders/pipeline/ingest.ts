/**
 * Ingestion: input -> table `transactions` (typed, with a drop reason per line) -> views `lines` (kept lines) and
 * `returns` (cancellation lines with a customer) -> accounting and customer features. The database is DuckDB in
 * memory for files, or the PostgreSQL source itself (session tables), where the same generated SQL runs
 * (db/dialect.ts); it stays open in the result for later SQL aggregates (call `close()` when done).
 */
import type { DuckDBInstance } from "@duckdb/node-api";
import { duckdbDatabase, duckdbOf, openDatabase, type SqlDatabase } from "../db/database.ts";
import type { Config } from "../config.ts";
import { addDays, customerFeatures, lineTotals, snapshotDate } from "../features/customers.ts";
import { InputError } from "../errors.ts";
import {
  checkPattern,
  countAccounting,
  countDuplicates,
  createLineViews,
  dropReasonSql,
  dropReasonTypeSql,
  DUPLICATE_COUNT_MAX_ROWS,
  countCustomerMerges,
  firstImplausible,
  implausibleDateSql,
  markDuplicates,
  resolveDateWindow,
  type DateWindow,
  revenueWithoutCustomer,
  type IngestAccounting,
} from "../clean/rules.ts";
import { ingestCustomerTable } from "./customers.ts";
import { withQueryProgress } from "../db/progress.ts";
import { count, StageTimer } from "./progress.ts";
import { closeOnce } from "./close.ts";
import { planSource, type CustomerRead, type DatabaseRead, type FileRead } from "../sources/index.ts";
import { recognisedBlock } from "../sources/recognised.ts";
import type { LogicalColumn } from "../sources/columns.ts";
import { tableCounts, tableNotes } from "../sources/tables.ts";
import { applyReturns } from "../clean/returns.ts";
import { lineCapabilities } from "../sources/capabilities.ts";

export type { IngestAccounting } from "../clean/rules.ts";
export type { IngestOptions, IngestResult } from "./ingest-result.ts";
import type { IngestOptions, IngestResult } from "./ingest-result.ts";

/**
 * Stops with an InputError when more than half the lines are dated outside the plausible window: then the dates
 * are most likely read wrongly (format, order, Excel numbers), not a few stray lines.
 */
async function checkImplausibleShare(
  db: SqlDatabase,
  plan: FileRead | DatabaseRead,
  lines: number,
  rows: number,
  window: DateWindow,
): Promise<void> {
  if (lines * 2 <= rows) return;
  const first = await firstImplausible(db);
  if (!first) return;
  const [{ where, text }] = await quote(plan, db, [first.row], "invoice_date");
  const header = plan.recognition.columns.find(([name]) => name === "invoice_date")?.[1] ?? "invoice_date";
  throw new InputError(
    `${plan.source}: ${where}: ${header} ${JSON.stringify(text)} is outside the plausible dates ${window.from} to ${window.to},` +
      ` as are ${count(lines)} of ${count(rows)} lines; check how the dates are written ("date_format") or widen "plausible_dates" in the configuration`,
  );
}

/** Where rows of the input are and the text of one column, for messages (PlannedRead.quote on its database). */
function quote(plan: FileRead | DatabaseRead, db: SqlDatabase, rows: number[], column: LogicalColumn) {
  return plan.kind === "database" ? plan.quote(db, rows, column) : plan.quote(duckdbOf(db), rows, column);
}

/** Opens the database the input is read into: the source's own, else DuckDB in memory (with its instance). */
async function openFor(plan: FileRead | DatabaseRead): Promise<{ db: SqlDatabase; instance: DuckDBInstance | null }> {
  if (plan.kind === "database") return { db: await plan.open(), instance: null };
  const { instance, conn } = await openDatabase();
  return { db: duckdbDatabase(instance, conn), instance };
}

/** The window ending the day before `before` (when it ends later). */
function cutWindow(window: DateWindow, before: string | undefined): DateWindow {
  if (!before) return window;
  const last = addDays(before, -1);
  return last < window.to ? { from: window.from, to: last } : window;
}

/** Whether the input joins order lines to an orders table (a line may then miss its order). */
function joinsOrders(config: Config): boolean {
  return config.tables !== null && config.tables.lines !== undefined && config.tables.orders !== undefined;
}

/** What the input's columns mean for the analysis, one line each. */
export function layoutNotes(columns: readonly LogicalColumn[]): string[] {
  const has = (c: LogicalColumn) => columns.includes(c);
  const out: string[] = [];
  if (!has("invoice")) out.push("no invoice column: each line is one order");
  if (has("amount")) out.push("revenue is the amount column (the line or order total), not quantity x unit price");
  if (!has("quantity")) out.push("no quantity column: each line counts as one unit");
  if (!has("stock_code")) out.push("no stock code column: the product sections of the report are left out");
  else if (!has("description") && !has("category"))
    out.push("no product description or category: the category and word sections are left out");
  if (!has("country")) out.push("no country column: the geography page is left out");
  return out;
}

/**
 * Reads, cleans and summarises `config.data`. Throws an InputError (one line: file, line or column, what was
 * expected) for bad input; the database is closed on any error.
 */
export async function ingest(config: Config, options: IngestOptions = {}): Promise<IngestResult> {
  const timer = new StageTimer("ingest");
  const opened = await timer.time(
    "open",
    async (): Promise<
      | { plan: CustomerRead; db: null }
      | { plan: FileRead | DatabaseRead; db: SqlDatabase; instance: DuckDBInstance | null }
    > => {
      const plan = await planSource(config);
      if (plan.kind === "customers") return { plan, db: null };
      try {
        return { plan, ...(await openFor(plan)) };
      } catch (error) {
        plan.close();
        throw error;
      }
    },
    ({ plan }) => `opened ${plan.source}`,
  );
  // a customer-level table: its rows go through the customer stage (no lines to clean)
  if (opened.db === null) return ingestCustomerTable(opened.plan, config, options, timer);
  const { plan, db, instance } = opened;
  const file = plan.source;
  const window = cutWindow(resolveDateWindow(config.plausible_dates, options.today), options.before);
  const close = closeOnce(
    () => plan.close(),
    () => db.close(),
  );
  const d = db.dialect;
  try {
    const type = dropReasonTypeSql(d);
    if (type) await db.run(type);
    await checkPattern(db, config.cleaning, config.config_file ?? "configuration");
    const derived = {
      drop_reason: dropReasonSql(config.cleaning, window, { joinedOrders: joinsOrders(config), dialect: d }),
      returned: `CAST(NULL AS ${d.double})`,
    };
    const read = await timer.time(
      "read",
      () => (plan.kind === "database" ? plan.read(db, derived) : plan.read(duckdbOf(db), derived)),
      (r) => `read ${count(r.rows)} lines`,
    );
    const accounting = await timer.time(
      "clean",
      () =>
        withQueryProgress(db.duckdb, "ingest", `cleaning ${count(read.rows)} lines`, async (step) => {
          step("duplicates");
          if (config.cleaning.drop_duplicates) await markDuplicates(db);
          step("matching returns");
          const returns = await applyReturns(db, config);
          step("counting drop reasons");
          const counted = await countAccounting(db, read.rows);
          if (!options.before)
            await checkImplausibleShare(db, plan, counted.dropped.implausible_date, read.rows, window);
          await createLineViews(db);
          step("counting duplicates");
          const duplicatesCounted = config.cleaning.drop_duplicates || read.rows <= DUPLICATE_COUNT_MAX_ROWS;
          const duplicates = duplicatesCounted ? await countDuplicates(db) : undefined;
          step("counting lines without a customer");
          const without = await revenueWithoutCustomer(db);
          step("customer ids");
          const customer_ids = await countCustomerMerges(db, config.customer_id_normalise);
          const accounting: IngestAccounting = {
            ...counted,
            ...duplicates,
            returns: { ...returns, net_revenue: 0 },
            revenue_without_customer: without,
            customer_ids,
          };
          return accounting;
        }),
      (a) => `kept ${count(a.rows_kept)} of ${count(a.rows_in)} lines`,
    );
    const implausible = await firstImplausible(db);
    const tables = read.tables ? { ...read.tables, counts: await tableCounts(duckdbOf(db), read.tables) } : null;
    const notes = [...layoutNotes(read.columns), ...(tables ? tableNotes(tables.counts, tables) : [])];
    const block = recognisedBlock({
      file,
      recognition: plan.recognition,
      dates: read.dates,
      encoding: read.encoding,
      encoding_reason: read.encoding_reason,
      implausible: implausible && {
        lines: implausible.lines,
        where: (await quote(plan, db, [implausible.row], "invoice_date"))[0].where,
        ...window,
      },
      fractional: read.fractional_quantities ?? null,
      merged: accounting.customer_ids
        ? { customers: accounting.customer_ids.customers_merged, spellings: accounting.customer_ids.spellings_merged }
        : null,
    });
    const recognised = block + notes.map((note) => `  note:     ${note}\n`).join("");
    options.onRecognised?.(recognised);
    const features = await timer.time(
      "features",
      () =>
        withQueryProgress(db.duckdb, "ingest", "features", async (step) => {
          step("totals");
          const totals = await lineTotals(db, file);
          const r = accounting.returns;
          r.net_revenue = r.basis === "net" ? totals.revenue : r.gross_revenue - r.returned_revenue;
          const snapshot = snapshotDate(config.snapshot_date, totals.period_end);
          step("per customer");
          return { totals, snapshot, customers: await customerFeatures(db, snapshot) };
        }),
      (f) => `computed features of ${count(f.customers.length)} customers`,
    );
    return {
      db,
      conn: db.duckdb,
      config,
      source: file,
      reader: plan.reader,
      ...(read.files ? { source_files: read.files } : {}),
      ...(plan.kind !== "database" && plan.ignored ? { ignored_files: plan.ignored } : {}),
      accounting,
      snapshot_date: features.snapshot,
      period_start: features.totals.period_start,
      period_end: features.totals.period_end,
      customers: features.customers,
      revenue: features.totals.revenue,
      orders: features.totals.orders,
      countries: features.totals.countries,
      without_customer: features.totals.without_customer,
      date_order: read.date_order,
      dates: read.dates,
      encoding: read.encoding,
      date_window: window,
      recognised,
      input_columns: read.columns,
      notes,
      tables,
      capabilities: lineCapabilities(read.columns, tables?.customer_columns ?? []),
      ...(instance && config.tables === null ? { line_table: { instance } } : {}),
      timings: timer.timings,
      cpu_ms: timer.cpu,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The customers' features as of the day before `before` (migration's earlier date), as `ingest` with
 * `{ before }` and `snapshot_date: before` computes them, without reading the input again: the lines of the run's
 * `transactions` table are copied, in their order, into a database of their own (attached to the same DuckDB
 * instance, so the run's tables stay as they are) with their drop reasons derived again under the cut window, and
 * only what depends on the date is redone (duplicates, returns netting, the line views, the features). Inputs
 * without a reusable line table (a database source, a multi-table input) are ingested again.
 */
export async function customersBefore(ingested: IngestResult, config: Config, before: string) {
  if (!ingested.line_table) {
    const earlier = await ingest({ ...config, snapshot_date: before }, { before });
    try {
      return earlier.customers;
    } finally {
      await earlier.close();
    }
  }
  const conn = await ingested.line_table.instance.connect();
  const db = duckdbDatabase(ingested.line_table.instance, conn);
  const [{ name }] = await db.query<{ name: string }>("SELECT current_database() AS name");
  const main = `"${name.replaceAll('"', '""')}"`;
  const cut = `segment_cut_${process.pid}`;
  try {
    await db.run(`ATTACH ':memory:' AS ${cut}`);
    await db.run(`USE ${cut}`);
    const type = dropReasonTypeSql(db.dialect);
    if (type) await db.run(type);
    const window = cutWindow(ingested.date_window, before);
    const reason = dropReasonSql(config.cleaning, window, { joinedOrders: joinsOrders(config), dialect: db.dialect });
    return await withQueryProgress(conn, "time", `the customers at ${before}`, async (step) => {
      step("cleaning the lines");
      // every column as read (drop_reason and returned as the read derives them), in the read's row order, of the
      // lines dated inside the cut's window: a line outside it would be implausible_date, which no later step keeps,
      // matches or reads (the lines after the earlier date are most of what it leaves out)
      await db.run(
        `CREATE TABLE transactions AS SELECT * REPLACE (${reason} AS drop_reason, CAST(NULL AS DOUBLE) AS returned)
         FROM ${main}.main.transactions WHERE ${implausibleDateSql(window)} IS NOT TRUE ORDER BY rowid`,
      );
      step("duplicates");
      if (config.cleaning.drop_duplicates) await markDuplicates(db);
      step("matching returns");
      await applyReturns(db, config);
      await createLineViews(db);
      step("features");
      // the snapshot is the configured one, the earlier date (every kept line is before it)
      return await customerFeatures(db, before);
    });
  } finally {
    try {
      await db.run(`USE ${main}`);
      await db.run(`DETACH ${cut}`);
    } finally {
      conn.closeSync();
    }
  }
}
