/**
 * Ingestion: input file -> DuckDB table `transactions` (typed, with a drop reason per line) -> views `lines`
 * (kept lines) and `returns` (cancellation lines with a customer) -> accounting and customer features.
 * The DuckDB connection stays open in the result for later SQL aggregates (call `close()` when done).
 */
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { openDatabase } from "../db/database.ts";
import type { Config } from "../config.ts";
import { customerFeatures, lineTotals, snapshotDate } from "../features/customers.ts";
import {
  checkPattern,
  countAccounting,
  countDuplicateLines,
  createLineViews,
  DROP_REASON_TYPE,
  dropReasonSql,
  DUPLICATE_COUNT_MAX_ROWS,
  markDuplicates,
  type IngestAccounting,
} from "../clean/rules.ts";
import type { DateOrder } from "../sources/dates.ts";
import { count, StageTimer } from "./progress.ts";
import { planSource } from "../sources/index.ts";
import type { LogicalColumn } from "../sources/columns.ts";
import { tableCounts, tableNotes, type TableCounts, type TablesRead } from "../sources/tables.ts";
import type { CustomerFeatures } from "../types.ts";

export type { IngestAccounting } from "../clean/rules.ts";

export interface IngestResult {
  /** open connection with the table `transactions` and the views `lines` and `returns` */
  conn: DuckDBConnection;
  instance: DuckDBInstance;
  config: Config;
  /** the input file's path */
  source: string;
  accounting: IngestAccounting;
  /** YYYY-MM-DD: the configured snapshot, else the day after the last kept line */
  snapshot_date: string;
  /** YYYY-MM-DD of the first kept line */
  period_start: string;
  /** YYYY-MM-DD of the last kept line */
  period_end: string;
  /** one per customer with a kept line, in customer id order (numeric ids by value) */
  customers: CustomerFeatures[];
  /** summed revenue of the kept lines */
  revenue: number;
  /** distinct invoices among the kept lines */
  orders: number;
  /** distinct countries among the kept lines */
  countries: number;
  /** how slash dates were read (month first unless only day first parses) */
  date_order: DateOrder;
  /** the logical columns the input has: without invoice each line is one order; without stock_code, description or country the report leaves out what needs them */
  input_columns: LogicalColumn[];
  /** what the run says about the input beyond the accounting, one line each (also printed to stderr) */
  notes: string[];
  /** a multi-table input: what was joined, and what the joins left without a match */
  tables: (TablesRead & { counts: TableCounts }) | null;
  /** stage -> milliseconds: open, read, clean, features */
  timings: Record<string, number>;
  /** closes the connection and the database (again: no effect) */
  close(): void;
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
  else if (!has("description") && !has("category")) out.push("no product description or category: the category and word sections are left out");
  if (!has("country")) out.push("no country column: the geography page is left out");
  return out;
}

/**
 * Reads, cleans and summarises `config.data`. Throws an InputError (one line: file, line or column, what was
 * expected) for bad input; the database is closed on any error.
 */
export async function ingest(config: Config, options: { write?: (line: string) => void } = {}): Promise<IngestResult> {
  const timer = new StageTimer("ingest");
  const file = config.data;
  const plan = await timer.time(
    "open",
    () => planSource(config),
    () => `opened ${file}`,
  );
  const { instance, conn } = await openDatabase();
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    conn.closeSync();
    instance.closeSync();
  };
  try {
    await conn.run(DROP_REASON_TYPE);
    await checkPattern(conn, config.cleaning, config.config_file ?? "configuration");
    const read = await timer.time(
      "read",
      () => plan.read(conn, { drop_reason: dropReasonSql(config.cleaning, { joinedOrders: joinsOrders(config) }) }),
      (r) => `read ${count(r.rows)} lines`,
    );
    const accounting = await timer.time(
      "clean",
      async (): Promise<IngestAccounting> => {
        if (config.cleaning.drop_duplicates) await markDuplicates(conn);
        const counted = await countAccounting(conn, read.rows);
        await createLineViews(conn);
        const countDuplicates = config.cleaning.drop_duplicates || read.rows <= DUPLICATE_COUNT_MAX_ROWS;
        return countDuplicates ? { ...counted, duplicate_lines: await countDuplicateLines(conn) } : counted;
      },
      (a) => `kept ${count(a.rows_kept)} of ${count(a.rows_in)} lines`,
    );
    const features = await timer.time(
      "features",
      async () => {
        const totals = await lineTotals(conn, file);
        const snapshot = snapshotDate(config.snapshot_date, totals.period_end);
        return { totals, snapshot, customers: await customerFeatures(conn, snapshot) };
      },
      (f) => `computed features of ${count(f.customers.length)} customers`,
    );
    const tables = read.tables ? { ...read.tables, counts: await tableCounts(conn, read.tables) } : null;
    const notes = [...layoutNotes(read.columns), ...(tables ? tableNotes(tables.counts, tables) : [])];
    for (const note of notes) (options.write ?? ((line: string) => process.stderr.write(line)))(`[ingest] ${note}\n`);
    return {
      conn,
      instance,
      config,
      source: file,
      accounting,
      snapshot_date: features.snapshot,
      period_start: features.totals.period_start,
      period_end: features.totals.period_end,
      customers: features.customers,
      revenue: features.totals.revenue,
      orders: features.totals.orders,
      countries: features.totals.countries,
      date_order: read.date_order,
      input_columns: read.columns,
      notes,
      tables,
      timings: timer.timings,
      close,
    };
  } catch (error) {
    close();
    throw error;
  }
}
