/**
 * What the readers of files that are not delimited text share: the input becomes a SQL relation with every column
 * as VARCHAR named c0, c1, ... in input order (Excel rows staged in a table, a Parquet or JSON lines file cast to
 * text), and from there the same typed read as CSV (sources/csv.ts): the same parsing, date decision, checks and
 * one-line errors, with the format's own places ("sheet "Online Retail" row 7", "line 5", "row 12") in messages.
 */
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import type { Config } from "../config.ts";
import { InputError } from "../errors.ts";
import type { PlannedRead } from "./reader.ts";
import { cellText, planFromHeaders, readTransactions, recognisedColumns, type ReadPlan } from "./csv.ts";
import type { LogicalColumn } from "./columns.ts";

/** A SQL identifier. @example quoteIdent('Customer "ID"') // '"Customer ""ID"""' */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The first line of a DuckDB error, without its "Invalid Input Error: " kind. */
export function duckdbReason(error: unknown): string {
  const line = ((error as Error).message ?? String(error)).split("\n")[0].trim();
  return line.replace(/^[A-Za-z ]+ Error: /, "");
}

/** Runs `work` on a throwaway in-memory DuckDB (for looking at a file before the pipeline's database is open). */
export async function withScratchDb<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  try {
    return await work(conn);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** The column names of a relation (DuckDB's DESCRIBE). */
export async function describeColumns(conn: DuckDBConnection, relation: string): Promise<string[]> {
  const rows = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${relation}`)).getRowObjectsJS();
  return rows.map((r) => String(r.column_name));
}

/** `(SELECT CAST(col AS VARCHAR) AS c0, ...)`: a relation's columns as text, named by position. */
export function asTextColumns(headers: readonly string[], relation: string): string {
  const columns = headers.map((h, i) => `CAST(${quoteIdent(h)} AS VARCHAR) AS c${i}`).join(", ");
  return `(SELECT ${columns} FROM ${relation})`;
}

/** How a format turns into a text relation, and what it says in messages. */
export interface RelationFormat {
  /** the reader's name ("Excel workbook") */
  reader: string;
  /** the format for the recognised block ("Excel workbook, sheet \"Online Retail\"") */
  format: string;
  /** the format in "cannot be read as ..." messages ("an Excel sheet") */
  what: string;
  /** stages the input on `conn` and returns the text relation; runs once per connection */
  stage(conn: DuckDBConnection): Promise<string>;
  /** where data rows (0-based, input order) are, e.g. "line 5" */
  places(rows: number[]): string[] | Promise<string[]>;
  /** a format's own one-line message for a DuckDB error, else null (the generic one) */
  explain?: (error: unknown) => InputError | null | Promise<InputError | null>;
}

/**
 * A planned read of a file that `format.stage` turns into a text relation (see the module comment). A
 * customer-level table (layout "customers") maps its columns itself (customers/table.ts): no line columns here.
 */
export function relationRead(path: string, headers: string[], config: Config, format: RelationFormat): PlannedRead {
  const source = { path, gzip: false, headerLine: headers.join(","), bom: false, encoding: "utf-8" as const };
  const options = config.layout === "customers" ? { allowed: [], required: () => [] } : {};
  const plan: ReadPlan = planFromHeaders(source, headers, ",", { ...config, encoding: "utf-8" }, options);
  plan.places = async (rows) => await format.places(rows);
  const staged = new WeakMap<DuckDBConnection, string>();
  const relation = async (conn: DuckDBConnection) => {
    if (!staged.has(conn)) staged.set(conn, await format.stage(conn));
    return staged.get(conn) as string;
  };
  const explain = async (error: unknown): Promise<unknown> => {
    if (error instanceof InputError) return error;
    const message = (error as Error).message ?? "";
    const own = await format.explain?.(error);
    if (own) return own;
    if (/^(IO|Invalid Input|Conversion|Parser) Error/.test(message))
      return new InputError(`${path}: cannot be read as ${format.what} (${duckdbReason(error)})`);
    return error;
  };
  return {
    reader: format.reader,
    source: path,
    headers,
    recognition: { format: format.format, layout: plan.layout, columns: recognisedColumns(plan) },
    async relation(conn) {
      try {
        return await relation(conn);
      } catch (error) {
        throw await explain(error);
      }
    },
    async read(conn, derived, table) {
      try {
        plan.relation = await relation(conn);
        return await readTransactions(conn, plan, derived, table);
      } catch (error) {
        throw await explain(error);
      }
    },
    async quote(conn, rows, column: LogicalColumn) {
      plan.relation = await relation(conn);
      const texts = await Promise.all(rows.map((row) => cellText(conn, plan, row, column)));
      const places = await format.places(rows);
      return rows.map((_, i) => ({ where: places[i], text: (texts[i] ?? "").trim() }));
    },
    close: () => {},
  };
}
