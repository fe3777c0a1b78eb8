/**
 * Ingestion: input file -> DuckDB table `transactions` (typed, with a drop reason per line) -> views `lines`
 * (kept lines) and `returns` (cancellation lines with a customer) -> accounting and customer features.
 * The DuckDB connection stays open in the result for later SQL aggregates (call `close()` when done).
 */
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Config } from "./config.ts";
import { customerFeatures, lineTotals, snapshotDate } from "./features/customers.ts";
import { InputError } from "./errors.ts";
import {
  checkPattern,
  countAccounting,
  countCustomerMerges,
  countDuplicateLines,
  createLineViews,
  DROP_REASON_TYPE,
  dropReasonSql,
  DUPLICATE_COUNT_MAX_ROWS,
  firstImplausible,
  markDuplicates,
  resolveDateWindow,
  type DateWindow,
  type IngestAccounting,
} from "./ingest/clean.ts";
import type { DateOrder } from "./ingest/dates.ts";
import type { Encoding } from "./ingest/encoding.ts";
import { count, StageTimer } from "./ingest/progress.ts";
import { cellText, planRead, readTransactions, rowPlaces, type DatesRead, type ReadPlan } from "./ingest/read.ts";
import { recognisedBlock } from "./ingest/recognised.ts";
import { checkGzip, openSource } from "./ingest/source.ts";
import type { CustomerFeatures } from "./types.ts";

export type { IngestAccounting } from "./ingest/clean.ts";

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
  /** how day-and-month dates were read (month first when the file has none) */
  date_order: DateOrder;
  /** how the dates were read: format setting, order, forms found */
  dates: DatesRead;
  /** the encoding the file was read in */
  encoding: Encoding;
  /** the plausible date window applied (both days included) */
  date_window: DateWindow;
  /** the block saying what was recognised (printed by the pipeline and the build) */
  recognised: string;
  /** stage -> milliseconds: open, read, clean, features */
  timings: Record<string, number>;
  /** closes the connection and the database (again: no effect) */
  close(): void;
}

/**
 * Opens an in-memory DuckDB database limited to 2 GB (SEGMENT_DUCKDB_MEMORY to change); spills (if any) go to
 * the system temp directory, not the project.
 */
export async function openDatabase(): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> {
  const instance = await DuckDBInstance.create(":memory:", {
    temp_directory: join(tmpdir(), `segment-report-duckdb-${process.pid}`),
    // DuckDB's share of the 4 GiB budget at 10M lines; above it, it spills to temp_directory
    memory_limit: process.env.SEGMENT_DUCKDB_MEMORY ?? "2GB",
  });
  const conn = await instance.connect();
  return { instance, conn };
}

export interface IngestOptions {
  /** called with the recognised block once the file is read, before the customer features */
  onRecognised?: (block: string) => void;
  /** the day the default plausible window ends after (tests); default now */
  today?: Date;
}

/**
 * Stops with an InputError when more than half the lines are dated outside the plausible window: then the dates
 * are most likely read wrongly (format, order, Excel numbers), not a few stray lines.
 */
async function checkImplausibleShare(
  conn: DuckDBConnection,
  plan: ReadPlan,
  lines: number,
  rows: number,
  window: DateWindow,
): Promise<void> {
  if (lines * 2 <= rows) return;
  const first = await firstImplausible(conn);
  if (!first) return;
  const [where] = await rowPlaces(plan, [first.row]);
  const text = ((await cellText(conn, plan, first.row, "invoice_date")) ?? "").trim();
  const header = plan.headers[plan.columns.invoice_date as number];
  throw new InputError(
    `${plan.source.path}: ${where}: ${header} ${JSON.stringify(text)} is outside the plausible dates ${window.from} to ${window.to},` +
      ` as are ${count(lines)} of ${count(rows)} lines; check how the dates are written ("date_format") or widen "plausible_dates" in the configuration`,
  );
}

/**
 * Reads, cleans and summarises `config.data`. Throws an InputError (one line: file, line or column, what was
 * expected) for bad input; the database is closed on any error.
 */
export async function ingest(config: Config, options: IngestOptions = {}): Promise<IngestResult> {
  const timer = new StageTimer("ingest");
  const file = config.data;
  const plan = await timer.time(
    "open",
    async () => planRead(await openSource(file, config.encoding), config),
    () => `opened ${file}`,
  );
  const window = resolveDateWindow(config.plausible_dates, options.today);
  const { instance, conn } = await openDatabase();
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    conn.closeSync();
    instance.closeSync();
    plan.cleanup();
  };
  try {
    await conn.run(DROP_REASON_TYPE);
    await checkPattern(conn, config.cleaning, config.config_file ?? "configuration");
    const read = await timer.time(
      "read",
      async () => {
        const [table, gzip] = await Promise.allSettled([
          readTransactions(conn, plan, { drop_reason: dropReasonSql(config.cleaning, window) }),
          plan.source.gzip ? checkGzip(file) : Promise.resolve(),
        ]);
        if (gzip.status === "rejected") throw gzip.reason; // a truncated file explains any read error
        if (table.status === "rejected") throw table.reason;
        return table.value;
      },
      (r) => `read ${count(r.rows)} lines`,
    );
    const accounting = await timer.time(
      "clean",
      async (): Promise<IngestAccounting> => {
        if (config.cleaning.drop_duplicates) await markDuplicates(conn);
        const counted = await countAccounting(conn, read.rows);
        await checkImplausibleShare(conn, plan, counted.dropped.implausible_date, read.rows, window);
        await createLineViews(conn);
        const countDuplicates = config.cleaning.drop_duplicates || read.rows <= DUPLICATE_COUNT_MAX_ROWS;
        const customer_ids = await countCustomerMerges(conn, config.customer_id_normalise);
        return countDuplicates
          ? { ...counted, duplicate_lines: await countDuplicateLines(conn), customer_ids }
          : { ...counted, customer_ids };
      },
      (a) => `kept ${count(a.rows_kept)} of ${count(a.rows_in)} lines`,
    );
    const implausible = await firstImplausible(conn);
    const recognised = recognisedBlock({
      file,
      gzip: plan.source.gzip,
      delimiter: plan.delimiter,
      layout: plan.layout,
      headers: plan.headers,
      columns: plan.columns,
      dates: read.dates,
      encoding: read.encoding,
      encoding_reason: read.encoding_reason,
      implausible: implausible && { lines: implausible.lines, where: (await rowPlaces(plan, [implausible.row]))[0], ...window },
      merged: accounting.customer_ids
        ? { customers: accounting.customer_ids.customers_merged, spellings: accounting.customer_ids.spellings_merged }
        : null,
    });
    options.onRecognised?.(recognised);
    const features = await timer.time(
      "features",
      async () => {
        const totals = await lineTotals(conn, file);
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
      dates: read.dates,
      encoding: read.encoding,
      date_window: window,
      recognised,
      timings: timer.timings,
      close,
    };
  } catch (error) {
    close();
    throw error;
  }
}
