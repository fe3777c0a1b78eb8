/**
 * Ingestion: input -> table `transactions` (typed, with a drop reason per line) -> views `lines` (kept lines) and
 * `returns` (cancellation lines with a customer) -> accounting and customer features. The database is DuckDB in
 * memory for files, or the PostgreSQL source itself (session tables), where the same generated SQL runs
 * (db/dialect.ts); it stays open in the result for later SQL aggregates (call `close()` when done).
 */
import type { DuckDBConnection } from "@duckdb/node-api";
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
  markDuplicates,
  resolveDateWindow,
  type DateWindow,
  revenueWithoutCustomer,
  type IngestAccounting,
} from "../clean/rules.ts";
import type { DatesRead } from "../sources/csv.ts";
import type { DateOrder } from "../sources/dates.ts";
import type { Encoding } from "../sources/encoding.ts";
import type { FileCount } from "../sources/folder.ts";
import type { CustomerParts, CustomerTableSummary } from "../customers/table.ts";
import { ingestCustomerTable } from "./customers.ts";
import { count, StageTimer } from "./progress.ts";
import { closeOnce } from "./close.ts";
import { planSource, type PlannedRead } from "../sources/index.ts";
import { recognisedBlock } from "../sources/recognised.ts";
import type { LogicalColumn } from "../sources/columns.ts";
import { tableCounts, tableNotes, type TableCounts, type TablesRead } from "../sources/tables.ts";
import { applyReturns } from "../clean/returns.ts";
import type { CustomerFeatures } from "../types.ts";

export type { IngestAccounting } from "../clean/rules.ts";

export interface IngestResult {
  /** open database with the table `transactions` and the views `lines` and `returns` */
  db: SqlDatabase;
  /** its DuckDB connection for a file input; null for a database source */
  conn: DuckDBConnection | null;
  config: Config;
  /** the input file's path, or the database source ("postgres table public.online_retail"; never its address) */
  source: string;
  /** which reader read it ("delimited text", "Excel workbook", "Parquet", "JSON lines", "folder", "tables") */
  reader: string;
  /** a folder input: lines read per file, in read order */
  source_files?: FileCount[];
  /** a folder input: entries that are not data files, left out */
  ignored_files?: string[];
  accounting: IngestAccounting;
  /** YYYY-MM-DD: the configured snapshot, else the day after the last kept line */
  snapshot_date: string;
  /** YYYY-MM-DD of the first kept line */
  period_start: string;
  /** YYYY-MM-DD of the last kept line */
  period_end: string;
  /** one per customer with a kept line, in customer id order (numeric ids by value) */
  customers: CustomerFeatures[];
  /** summed revenue of the kept lines with a customer (= the sum of the customers' monetary values) */
  revenue: number;
  /** distinct invoices among the kept lines with a customer */
  orders: number;
  /** distinct countries among the kept lines with a customer */
  countries: number;
  /** kept lines without a customer id (drop_missing_customer off): in no customer figure, counted here */
  without_customer: { lines: number; orders: number; revenue: number };
  /** how day-and-month dates were read (month first when the file has none) */
  date_order: DateOrder;
  /** how the dates were read: format setting, order, forms found */
  dates: DatesRead;
  /** the encoding the file was read in */
  encoding: Encoding;
  /** the plausible date window applied (both days included) */
  date_window: DateWindow;
  /** the block saying what was recognised (printed by the pipeline and the build), the notes included */
  recognised: string;
  /** the logical columns the input has: without invoice each line is one order; without stock_code, description or country the report leaves out what needs them */
  input_columns: LogicalColumn[];
  /** what the run says about the input beyond the accounting, one line each (in the recognised block) */
  notes: string[];
  /** a multi-table input: what was joined, and what the joins left without a match */
  tables: (TablesRead & { counts: TableCounts }) | null;
  /** a customer-level table (layout "customers"): its columns, checks and rule, and the summed columns per customer */
  customer_table?: CustomerTableSummary & { parts: CustomerParts };
  /** stage -> milliseconds: open, read, clean, features */
  timings: Record<string, number>;
  /** closes the database (again: no effect) */
  close(): Promise<void>;
}

export interface IngestOptions {
  /** called with the recognised block once the file is read, before the customer features */
  onRecognised?: (block: string) => void;
  /** the day the default plausible window ends after (tests); default now */
  today?: Date;
  /**
   * YYYY-MM-DD: only the lines dated before this day (migration's earlier date): later lines are set aside like
   * implausible dates (before any other rule, returns included), without the check that most lines are plausible
   */
  before?: string;
}

/**
 * Stops with an InputError when more than half the lines are dated outside the plausible window: then the dates
 * are most likely read wrongly (format, order, Excel numbers), not a few stray lines.
 */
async function checkImplausibleShare(
  db: SqlDatabase,
  plan: PlannedRead,
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
function quote(plan: PlannedRead, db: SqlDatabase, rows: number[], column: LogicalColumn) {
  return plan.kind === "database" ? plan.quote(db, rows, column) : plan.quote(duckdbOf(db), rows, column);
}

/** Opens the database the input is read into: the source's own, else DuckDB in memory. */
async function openFor(plan: PlannedRead): Promise<SqlDatabase> {
  if (plan.kind === "database") return plan.open();
  const { instance, conn } = await openDatabase();
  return duckdbDatabase(instance, conn);
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
  if (config.layout === "customers") return ingestCustomerTable(config, options);
  const timer = new StageTimer("ingest");
  const { plan, db } = await timer.time(
    "open",
    async () => {
      const plan = await planSource(config);
      try {
        return { plan, db: await openFor(plan) };
      } catch (error) {
        plan.close();
        throw error;
      }
    },
    ({ plan }) => `opened ${plan.source}`,
  );
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
      async (): Promise<IngestAccounting> => {
        if (config.cleaning.drop_duplicates) await markDuplicates(db);
        const returns = await applyReturns(db, config);
        const counted = await countAccounting(db, read.rows);
        if (!options.before) await checkImplausibleShare(db, plan, counted.dropped.implausible_date, read.rows, window);
        await createLineViews(db);
        const duplicatesCounted = config.cleaning.drop_duplicates || read.rows <= DUPLICATE_COUNT_MAX_ROWS;
        const duplicates = duplicatesCounted ? await countDuplicates(db) : undefined;
        const without = await revenueWithoutCustomer(db);
        const customer_ids = await countCustomerMerges(db, config.customer_id_normalise);
        return {
          ...counted,
          ...duplicates,
          returns: { ...returns, net_revenue: 0 },
          revenue_without_customer: without,
          customer_ids,
        };
      },
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
      merged: accounting.customer_ids
        ? { customers: accounting.customer_ids.customers_merged, spellings: accounting.customer_ids.spellings_merged }
        : null,
    });
    const recognised = block + notes.map((note) => `  note:     ${note}\n`).join("");
    options.onRecognised?.(recognised);
    const features = await timer.time(
      "features",
      async () => {
        const totals = await lineTotals(db, file);
        const r = accounting.returns;
        r.net_revenue = r.basis === "net" ? totals.revenue : r.gross_revenue - r.returned_revenue;
        const snapshot = snapshotDate(config.snapshot_date, totals.period_end);
        return { totals, snapshot, customers: await customerFeatures(db, snapshot) };
      },
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
      timings: timer.timings,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
