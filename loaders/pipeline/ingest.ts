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
  countDuplicates,
  createLineViews,
  DROP_REASON_TYPE,
  dropReasonSql,
  DUPLICATE_COUNT_MAX_ROWS,
  markDuplicates,
  revenueWithoutCustomer,
  type IngestAccounting,
} from "../clean/rules.ts";
import type { DateOrder } from "../sources/dates.ts";
import { count, StageTimer } from "./progress.ts";
import { planSource } from "../sources/index.ts";
import { applyReturns } from "../clean/returns.ts";
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
  /** stage -> milliseconds: open, read, clean, features */
  timings: Record<string, number>;
  /** closes the connection and the database (again: no effect) */
  close(): void;
}

/**
 * Reads, cleans and summarises `config.data`. Throws an InputError (one line: file, line or column, what was
 * expected) for bad input; the database is closed on any error.
 */
export async function ingest(config: Config): Promise<IngestResult> {
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
      () => plan.read(conn, { drop_reason: dropReasonSql(config.cleaning), returned: "CAST(NULL AS DOUBLE)" }),
      (r) => `read ${count(r.rows)} lines`,
    );
    const accounting = await timer.time(
      "clean",
      async (): Promise<IngestAccounting> => {
        if (config.cleaning.drop_duplicates) await markDuplicates(conn);
        const returns = await applyReturns(conn, config);
        const counted = await countAccounting(conn, read.rows);
        await createLineViews(conn);
        const duplicatesCounted = config.cleaning.drop_duplicates || read.rows <= DUPLICATE_COUNT_MAX_ROWS;
        const duplicates = duplicatesCounted ? await countDuplicates(conn) : undefined;
        const without = await revenueWithoutCustomer(conn);
        return { ...counted, ...duplicates, returns: { ...returns, net_revenue: 0 }, revenue_without_customer: without };
      },
      (a) => `kept ${count(a.rows_kept)} of ${count(a.rows_in)} lines`,
    );
    const features = await timer.time(
      "features",
      async () => {
        const totals = await lineTotals(conn, file);
        const r = accounting.returns;
        r.net_revenue = r.basis === "net" ? totals.revenue : r.gross_revenue - r.returned_revenue;
        const snapshot = snapshotDate(config.snapshot_date, totals.period_end);
        return { totals, snapshot, customers: await customerFeatures(conn, snapshot) };
      },
      (f) => `computed features of ${count(f.customers.length)} customers`,
    );
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
      timings: timer.timings,
      close,
    };
  } catch (error) {
    close();
    throw error;
  }
}
