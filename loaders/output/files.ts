/**
 * The pipeline's output files: `customers.csv` (one row of features per customer) and `summary.json`
 * (accounting, totals, period, policy, timings), written all-or-nothing: into a temporary folder beside the
 * output folder first, then moved into place, so a failed run leaves no partial output.
 */
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import type { CleaningConfig } from "../config.ts";
import { InputError } from "../errors.ts";
import type { IngestAccounting, IngestResult } from "../pipeline/ingest.ts";
import type { CustomerFeatures, DropReason } from "../types.ts";

/** customers.csv columns, in order. */
export const CUSTOMER_COLUMNS: readonly (keyof CustomerFeatures)[] = [
  "customer_id",
  "recency",
  "frequency",
  "monetary",
  "first_purchase",
  "last_purchase",
  "tenure",
  "avg_order_value",
  "items_per_order",
  "return_rate",
  "country",
];

/**
 * One CSV field: numbers plainly (String(n), full precision), text quoted when it holds a comma, quote or line break.
 * @example csvField('Korea, Republic of') // '"Korea, Republic of"'
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}


/** The segmentation's columns of customers.csv, after the features. */
export const SEGMENT_COLUMNS = ["r_score", "f_score", "m_score", "rfm_cell", "rfm_segment", "cluster", "segment"] as const;
type SegmentColumns = Record<(typeof SEGMENT_COLUMNS)[number], string | number> & { customer_id: string };

/**
 * customers.csv in chunks of `rowsPerChunk` rows: header `customer_id,recency,frequency,monetary,...`, one row
 * per customer; with `segments` (aligned with `customers`), the RFM scores, cell and segment, cluster and segment
 * name follow. Written chunk by chunk, a million customers never need the whole file as one string.
 */
export function* customersCsvChunks(
  customers: readonly CustomerFeatures[],
  segments?: readonly SegmentColumns[],
  rowsPerChunk = 10_000,
): Generator<string> {
  yield [...CUSTOMER_COLUMNS, ...(segments ? SEGMENT_COLUMNS : [])].join(",") + "\n";
  for (let start = 0; start < customers.length; start += rowsPerChunk) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(start + rowsPerChunk, customers.length); i++) {
      const customer = customers[i];
      let line = CUSTOMER_COLUMNS.map((c) => csvField(customer[c] as string | number)).join(",");
      if (segments) {
        const seg = segments[i];
        if (seg.customer_id !== customer.customer_id)
          throw new Error(`customersCsv: segment row ${i} is ${seg.customer_id}, expected ${customer.customer_id}`);
        line += "," + SEGMENT_COLUMNS.map((c) => csvField(seg[c])).join(",");
      }
      lines.push(line);
    }
    yield lines.join("\n") + "\n";
  }
}

/** customers.csv as one string (see customersCsvChunks). */
export function customersCsv(customers: readonly CustomerFeatures[], segments?: readonly SegmentColumns[]): string {
  return [...customersCsvChunks(customers, segments)].join("");
}

/** The content of summary.json. */
export interface IngestSummary {
  rows_in: number;
  rows_kept: number;
  dropped: Record<DropReason, number>;
  /**
   * lines that exactly repeat an earlier line (informational; dropped only under drop_duplicates); absent above
   * two million lines unless drop_duplicates is on, as counting costs a pass over every line
   */
  duplicate_lines?: number;
  /** of the duplicate lines, those among the analysed lines (the rest were set aside for other reasons) */
  duplicate_lines_analysed?: number;
  customers: number;
  /** revenue of the analysed lines, on `revenue_basis` */
  revenue: number;
  /** "net" (of matched returns, the default) or "gross" */
  revenue_basis: "net" | "gross";
  /** revenue of the kept purchase lines before netting returns */
  gross_revenue: number;
  /** value of the returns matched to earlier purchases */
  returned_revenue: number;
  /** gross - returned - the set-aside customers' net revenue (the analysed revenue under the net basis) */
  net_revenue: number;
  /** return lines (cancellations with a customer): matched to earlier purchases and unmatched (reduce nothing) */
  returns: { lines: number; matched_lines: number; matched_units: number; unmatched_lines: number; unmatched_units: number; unmatched_value: number };
  /** customers left out of the analysis, by reason, with their lines */
  set_aside: { fully_returned: { customers: number; lines: number; net_revenue: number } };
  /** purchase lines without a customer id, and their revenue: sales the customer figures leave out */
  revenue_without_customer: { lines: number; revenue: number };
  orders: number;
  countries: number;
  snapshot_date: string;
  period_start: string;
  period_end: string;
  source: string;
  /** how slash dates were read */
  date_order: string;
  cleaning: CleaningConfig;
  /** stage -> milliseconds */
  timings: Record<string, number>;
}

/** The summary of an ingest result. */
export function ingestSummary(result: IngestResult): IngestSummary {
  const accounting: IngestAccounting = result.accounting;
  const r = accounting.returns;
  return {
    rows_in: accounting.rows_in,
    rows_kept: accounting.rows_kept,
    dropped: accounting.dropped,
    ...(accounting.duplicate_lines === undefined ? {} : { duplicate_lines: accounting.duplicate_lines }),
    ...(accounting.duplicate_lines_analysed === undefined
      ? {}
      : { duplicate_lines_analysed: accounting.duplicate_lines_analysed }),
    customers: result.customers.length,
    revenue: result.revenue,
    revenue_basis: r.basis,
    gross_revenue: r.gross_revenue,
    returned_revenue: r.returned_revenue,
    net_revenue: r.net_revenue,
    returns: {
      lines: r.return_lines,
      matched_lines: r.matched_lines,
      matched_units: r.matched_units,
      unmatched_lines: r.unmatched_lines,
      unmatched_units: r.unmatched_units,
      unmatched_value: r.unmatched_value,
    },
    set_aside: r.set_aside,
    revenue_without_customer: accounting.revenue_without_customer,
    orders: result.orders,
    countries: result.countries,
    snapshot_date: result.snapshot_date,
    period_start: result.period_start,
    period_end: result.period_end,
    source: result.source,
    date_order: result.date_order,
    cleaning: result.config.cleaning,
    timings: result.timings,
  };
}

/** A file's content: text, bytes, or text in chunks written one after another. */
export type FileContent = string | Uint8Array | Iterable<string>;

function writeContent(path: string, content: FileContent): void {
  if (typeof content === "string" || content instanceof Uint8Array) return writeFileSync(path, content);
  const fd = openSync(path, "w");
  try {
    for (const chunk of content) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

/** Throws an InputError when `dir` exists but is not a folder (checked before any work, so nothing is written). */
export function checkOutputDir(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new InputError(`${dir}: output path exists and is not a folder`);
}

/**
 * Writes `files` (name -> content) into `dir` all-or-nothing: into a temporary folder beside `dir`, then renamed into
 * place (the whole folder when `dir` does not exist yet, else file by file, replacing older files of the same name).
 * Other files already in `dir` are left alone.
 */
export function writeOutputs(dir: string, files: Record<string, FileContent>): string[] {
  checkOutputDir(dir);
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true });
  const temp = mkdtempSync(join(parent, `.${basename(dir)}.tmp-`));
  try {
    chmodSync(temp, 0o755); // mkdtemp makes it private; it may become the output folder itself
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(dirname(join(temp, name)), { recursive: true });
      writeContent(join(temp, name), content);
    }
    if (!existsSync(dir)) renameSync(temp, dir);
    else
      for (const name of Object.keys(files)) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        renameSync(join(temp, name), join(dir, name));
      }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  return Object.keys(files).map((name) => join(dir, name));
}
