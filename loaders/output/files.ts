/**
 * The pipeline's output files: `customers.csv` (one row of features per customer) and `summary.json`
 * (accounting, totals, period, policy, timings), written all-or-nothing: into a temporary folder inside the
 * output folder first, then swapped into place, so a failed run leaves the previous files as they were.
 */
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  lstatSync,
  openSync,
  readFileSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join, parse } from "node:path";
import type { CleaningConfig } from "../config.ts";
import { InputError } from "../errors.ts";
import { isInside, sameFile } from "../paths.ts";
import type { IngestAccounting, IngestResult } from "../pipeline/ingest.ts";
import type { CustomerFeatures, DropReason } from "../types.ts";
import { csvLine } from "./csv.ts";
import type { FileCount } from "../sources/folder.ts";
import type { CustomerTableSummary } from "../customers/table.ts";
import { discardStaging, makeStaging, outputError, swapIn } from "./replace.ts";

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

/** One column of customers.csv: its header and how to get it from a customer's features. */
export interface FeatureColumn {
  header: string;
  value(customer: CustomerFeatures): string | number | null;
}

const LINE_CUSTOMER_COLUMNS: readonly FeatureColumn[] = CUSTOMER_COLUMNS.map((c) => ({
  header: c,
  value: (customer) => customer[c] as string | number,
}));

/**
 * The columns of customers.csv for a customer-level table: what the table gives (no first or last purchase, units
 * or returns), the signup day (empty when unknown), and the table's columns used as clustering features.
 */
export function customerTableColumns(features: readonly string[]): FeatureColumn[] {
  const take = (header: string, value: FeatureColumn["value"]): FeatureColumn => ({ header, value });
  return [
    take("customer_id", (c) => c.customer_id),
    take("recency", (c) => c.recency),
    take("frequency", (c) => c.frequency),
    take("monetary", (c) => c.monetary),
    take("signup_date", (c) => c.first_purchase || null),
    take("tenure", (c) => (c.first_purchase ? c.tenure : null)),
    take("avg_order_value", (c) => (c.frequency > 0 ? c.avg_order_value : null)),
    ...features.map((f) => take(f, (c) => c.extra?.[f] ?? null)),
    take("country", (c) => c.country),
  ];
}

/** The segmentation's columns of customers.csv, after the features. */
export const SEGMENT_COLUMNS = [
  "r_score",
  "f_score",
  "m_score",
  "rfm_cell",
  "rfm_segment",
  "cluster",
  "segment",
] as const;
/** One label column per compared method (cluster/compare.ts), after the segment, when the comparison ran. */
export const METHOD_COLUMNS = ["cluster_gmm", "cluster_ward", "cluster_dbscan"] as const;
type SegmentColumns = Record<(typeof SEGMENT_COLUMNS)[number], string | number> & {
  customer_id: string;
} & Partial<Record<(typeof METHOD_COLUMNS)[number], string | number>>;

/** More columns after the segment columns: headers and, per customer (input order), the values. */
export interface MoreColumns {
  headers: readonly string[];
  values(index: number): (string | number | null)[];
}

/**
 * customers.csv in chunks of `rowsPerChunk` rows: header `customer_id,recency,frequency,monetary,...`, one row
 * per customer; with `segments` (aligned with `customers`), the RFM scores, cell and segment, cluster and segment
 * name follow. Written chunk by chunk, a million customers never need the whole file as one string.
 */
export function* customersCsvChunks(
  customers: readonly CustomerFeatures[],
  segments?: readonly SegmentColumns[],
  rowsPerChunk = 10_000,
  columns: readonly FeatureColumn[] = LINE_CUSTOMER_COLUMNS,
  more?: MoreColumns,
): Generator<string> {
  const segmentColumns = segments
    ? [...SEGMENT_COLUMNS, ...(segments.length && segments[0].cluster_gmm !== undefined ? METHOD_COLUMNS : [])]
    : [];
  yield [...columns.map((c) => c.header), ...segmentColumns, ...(more?.headers ?? [])].join(",") + "\n";
  for (let start = 0; start < customers.length; start += rowsPerChunk) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(start + rowsPerChunk, customers.length); i++) {
      const customer = customers[i];
      let line = csvLine(columns.map((c) => c.value(customer)));
      if (segments) {
        const seg = segments[i];
        if (seg.customer_id !== customer.customer_id)
          throw new Error(`customersCsv: segment row ${i} is ${seg.customer_id}, expected ${customer.customer_id}`);
        line += "," + csvLine(segmentColumns.map((c) => seg[c] ?? ""));
      }
      if (more) line += "," + csvLine(more.values(i));
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
  /** the reader that read the input (sources/index.ts READERS) */
  reader: string;
  /** layout "customers": rows are customers; the columns summed, the missing and impossible values, the rule */
  customer_table?: CustomerTableSummary;
  /** a folder input: lines read per file, and the entries left out (not data files) */
  source_files?: FileCount[];
  ignored_files?: string[];
  /** revenue (on `revenue_basis`), orders and countries of the customers' lines: revenue is the sum of customers.csv's monetary */
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
  returns: {
    lines: number;
    matched_lines: number;
    matched_units: number;
    unmatched_lines: number;
    unmatched_units: number;
    unmatched_value: number;
  };
  /** customers left out of the analysis, by reason, with their lines */
  set_aside: { fully_returned: { customers: number; lines: number; net_revenue: number } };
  /** purchase lines without a customer id, and their revenue: sales the customer figures leave out */
  revenue_without_customer: { lines: number; revenue: number };
  orders: number;
  countries: number;
  /**
   * kept lines without a customer id (only when drop_missing_customer is off): part of rows_kept, but in no
   * customer, segment or report figure, so they are counted here with their orders and revenue
   */
  kept_without_customer: { lines: number; orders: number; revenue: number };
  snapshot_date: string;
  period_start: string;
  period_end: string;
  source: string;
  /** how day-and-month dates were read */
  date_order: string;
  /** the logical columns the input has */
  input_columns: string[];
  /** what the run said about the input (no invoice column: each line is one order ...) */
  notes: string[];
  /** a multi-table input: what the joins left without a match (null for a single file) */
  tables: Record<string, number | null> | null;
  /** how the dates were read: date_format, order (null when no date has day and month), forms with their lines */
  dates: IngestResult["dates"];
  /** the encoding the input was read in */
  encoding: string;
  /** customer ids written more than one way and merged */
  customer_ids?: IngestAccounting["customer_ids"];
  cleaning: CleaningConfig;
  /** stage -> milliseconds */
  timings: Record<string, number>;
}

function withoutParts({ parts: _parts, ...summary }: CustomerTableSummary & { parts: unknown }): CustomerTableSummary {
  return summary;
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
    kept_without_customer: result.without_customer,
    snapshot_date: result.snapshot_date,
    period_start: result.period_start,
    period_end: result.period_end,
    source: result.source,
    reader: result.reader,
    ...(result.source_files ? { source_files: result.source_files } : {}),
    ...(result.ignored_files?.length ? { ignored_files: result.ignored_files } : {}),
    date_order: result.date_order,
    ...(result.customer_table ? { customer_table: withoutParts(result.customer_table) } : {}),
    input_columns: result.input_columns,
    notes: result.notes,
    tables: result.tables ? { ...result.tables.counts } : null,
    dates: result.dates,
    encoding: result.encoding,
    ...(accounting.customer_ids === undefined ? {} : { customer_ids: accounting.customer_ids }),
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

/**
 * The marker the pipeline leaves in its output folder: the files it wrote there and their sizes, so a later run
 * replaces only its own previous output and never a user's file of the same name.
 */
export const PIPELINE_MARKER = ".segment-pipeline";

interface PipelineMarker {
  written_by: "segment-report pipeline";
  /** file name -> size in bytes when written */
  files: Record<string, number>;
}

function readPipelineMarker(dir: string): PipelineMarker | null {
  try {
    const marker = JSON.parse(readFileSync(join(dir, PIPELINE_MARKER), "utf8")) as PipelineMarker;
    return marker.written_by === "segment-report pipeline" && marker.files && typeof marker.files === "object"
      ? marker
      : null;
  } catch {
    return null;
  }
}

/** The nearest folder of `path` (itself or a parent) that exists. */
function nearestExisting(path: string): string {
  let dir = path;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/**
 * Throws an InputError when `dir` may not receive the output: it is the file system's root, holds the project
 * (`project`) or is the current folder (`cwd`); it exists but is not a folder, or cannot be written (read-only file
 * system, no permission: checked before any work); one of the files about to be written (`names`) is there but
 * was not written by a previous run (no `.segment-pipeline` marker listing it at its size), or is a folder or link;
 * or one of them is one of the `inputs` (same file by device and inode, so symbolic and hard links count).
 * Checked before any work, so nothing is written.
 */
export function checkOutputDir(
  dir: string,
  names: readonly string[] = [],
  inputs: readonly string[] = [],
  places: { cwd?: string; project?: string } = {},
): void {
  const refuse = (why: string): never => {
    throw new InputError(`--out ${dir}: ${why}; the pipeline writes nothing there`);
  };
  if (dir === parse(dir).root) refuse("is the root of the file system; give a folder for the output alone");
  if (places.cwd !== undefined && dir === places.cwd)
    refuse("is the current folder; give a new folder, or the folder of a previous run");
  if (places.project !== undefined && isInside(places.project, dir))
    refuse("holds the project itself; give a folder for the output alone");
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new InputError(`${dir}: output path exists and is not a folder`);
  const writable = nearestExisting(dir);
  try {
    accessSync(writable, constants.W_OK);
  } catch (error) {
    throw outputError(dir, error);
  }
  for (const name of names)
    for (const input of inputs)
      if (sameFile(join(dir, name), input))
        throw new InputError(`${join(dir, name)}: the output would overwrite the input ${input}; choose another --out`);
  const marker = names.length ? readPipelineMarker(dir) : null;
  for (const name of names) {
    const path = join(dir, name);
    let stat;
    try {
      stat = lstatSync(path);
    } catch {
      continue;
    }
    if (!stat.isFile()) refuse(`${name} there is a ${stat.isDirectory() ? "folder" : "link"}, not a file it wrote`);
    if (marker?.files[name] !== stat.size)
      refuse(
        `${name} there was not written by segment-report${marker ? " (or was changed since)" : ` (no ${PIPELINE_MARKER} marker)`}; move it away or give another folder`,
      );
  }
}

/** The names of the files the pipeline writes into its output folder. */
export const OUTPUT_FILES = ["customers.csv", "summary.json", "timings.json", "model.json"] as const;

/**
 * Writes `files` (plain file name -> content) into `dir` all-or-nothing: into a temporary folder inside `dir`, then
 * swapped in (loaders/output/replace.ts) with the marker `.segment-pipeline` listing them: a failure at any point
 * leaves the old files of these names as they were and adds nothing. Other files already in `dir` are left alone. Only `dir` itself needs to be writable.
 */
export function writeOutputs(dir: string, files: Record<string, FileContent>): string[] {
  checkOutputDir(dir);
  for (const name of Object.keys(files))
    if (name !== basename(name)) throw new Error(`writeOutputs: ${name} is not a plain file name`);
  const created = !existsSync(dir);
  const staging = makeStaging(dir);
  try {
    const sizes: Record<string, number> = {};
    for (const [name, content] of Object.entries(files)) {
      writeContent(join(staging, name), content);
      sizes[name] = statSync(join(staging, name)).size;
    }
    const marker: PipelineMarker = { written_by: "segment-report pipeline", files: sizes };
    writeFileSync(join(staging, PIPELINE_MARKER), `${JSON.stringify(marker, null, 1)}\n`);
    swapIn(dir, staging, [...Object.keys(files), PIPELINE_MARKER]);
  } catch (error) {
    discardStaging(dir, staging, created);
    throw outputError(dir, error);
  }
  return Object.keys(files).map((name) => join(dir, name));
}
