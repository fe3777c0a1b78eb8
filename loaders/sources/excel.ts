/**
 * Excel workbooks (`.xlsx`), streamed with exceljs's WorkbookReader so that a 500,000-row sheet never sits in memory
 * as a workbook: rows go one by one into a DuckDB staging table of text columns, then through the same typed read as
 * CSV. The first sheet (in the workbook's order) or the one named by `sheet` in the configuration; the first row is
 * the header. Date cells become `YYYY-MM-DD HH:MM:SS` (the cell's wall-clock time, to the second), numbers their
 * shortest exact decimal, formulas their cached result (or `=FORMULA` when the workbook holds none or an error, so that a
 * message names it), error cells their code (#DIV/0!), rich text its plain text. Empty rows are skipped.
 */
import { Readable } from "node:stream";
import type { DuckDBConnection } from "@duckdb/node-api";
// exceljs is loaded when a workbook is read: importing it costs about 0.35 s of CPU time at every start-up
import type ExcelJS from "exceljs";
import type { Config } from "../config.ts";
import { InputError } from "../errors.ts";
import { checkReadableFile } from "../paths.ts";
import { firstBytes } from "./file.ts";
import type { SourceReader } from "./reader.ts";
import { relationRead } from "./relation.ts";

/** A cell's value as the text a CSV export would hold; null when empty. */
export function cellText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) {
    const seconds = Math.round(value.getTime() / 1000) * 1000; // Excel stores days: 08:26 comes back as 08:25:59.999
    return new Date(seconds).toISOString().slice(0, 19).replace("T", " ");
  }
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (typeof value === "object") {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) return (v.richText as { text: string }[]).map((t) => t.text).join("");
    if ("result" in v || "formula" in v || "sharedFormula" in v) {
      // exceljs's stream reader drops an error result (Excel's <c t="e"><f>F4/0</f><v>#DIV/0!</v></c>), and a
      // workbook saved without calculating (openpyxl) holds none: the formula is shown, not an empty cell
      if (v.result === undefined || v.result === null) {
        const formula = v.formula ?? v.sharedFormula;
        return typeof formula === "string" ? `=${formula}` : null;
      }
      return cellText(v.result);
    }
    if ("text" in v) return cellText(v.text);
    if ("error" in v) return String(v.error);
  }
  return String(value);
}

/** Throws an InputError unless the file starts like a zip archive (what every .xlsx is). */
function checkWorkbook(path: string): void {
  checkReadableFile(path);
  const magic = firstBytes(path, 8);
  if (magic[0] === 0xd0 && magic[1] === 0xcf && magic[2] === 0x11 && magic[3] === 0xe0)
    throw new InputError(
      `${path}: an Excel 97-2003 (.xls) workbook, not .xlsx; save it as .xlsx (Excel Workbook) or CSV`,
    );
  if (!(magic[0] === 0x50 && magic[1] === 0x4b && magic[2] === 0x03 && magic[3] === 0x04))
    throw new InputError(`${path}: not an Excel .xlsx workbook (an .xlsx file is a zip archive; this one is not)`);
}

interface ReaderModel {
  workbookRels?: { Id: string; Target: string }[];
  model?: { sheets?: { name: string; rId: string }[] };
}

/**
 * A streamed worksheet's name. exceljs names it only when the workbook's relationship target is relative
 * (`worksheets/sheet1.xml`); openpyxl, and so pandas' `to_excel`, writes absolute targets (`/xl/worksheets/sheet1.xml`),
 * and those sheets came named "Sheet1", "Sheet2"...: every sheet is named here from the workbook, by its part's file.
 */
function sheetName(reader: unknown, worksheet: unknown): string {
  const sheet = worksheet as { name?: string; id?: number | string };
  const { workbookRels = [], model } = reader as ReaderModel;
  const part = `worksheets/sheet${sheet.id}.xml`;
  const rel = workbookRels.find((r) => r.Target.replace(/^\/?(xl\/)?/, "") === part);
  return model?.sheets?.find((s) => s.rId === rel?.Id)?.name ?? sheet.name ?? "";
}

/**
 * Leaves a sheet unread. A sheet stored before the shared strings or workbook.xml (LibreOffice, openpyxl and so
 * pandas) waits in a temporary file that exceljs opens as a stream and removes as soon as the sheet is passed over:
 * when the removal came before the opening, the stream's ENOENT had no listener and ended the process with a stack
 * trace, now and then. The stream is closed here, its late error heard and ignored.
 */
function passOver(worksheet: unknown): void {
  const stream = (worksheet as { iterator?: unknown }).iterator;
  if (stream instanceof Readable) {
    stream.on("error", () => undefined);
    stream.destroy();
  }
}

export interface SheetRows {
  /** the sheet read */
  sheet: string;
  /** the header row's cells */
  headers: string[];
}

/**
 * Streams the rows of one sheet: `onRow(cells, rowNumber)` for each data row (cells as text, one per header column);
 * with `headerOnly`, stops after the header. Throws an InputError for a file exceljs cannot open, a sheet that is
 * not there (naming the sheets there are), a sheet without a header row, or a value beyond the header's columns.
 */
export async function readSheet(
  path: string,
  wanted: string | null,
  onRow: ((cells: (string | null)[], rowNumber: number) => void) | null,
): Promise<SheetRows> {
  const { default: excel } = await import("exceljs");
  const reader = new excel.stream.xlsx.WorkbookReader(path, {
    sharedStrings: "cache",
    styles: "cache", // the number formats tell date cells from numbers
    hyperlinks: "ignore",
    worksheets: "emit",
    entries: "ignore",
  });
  const sheetNames = () =>
    ((reader as unknown as { model?: { sheets?: { name: string }[] } }).model?.sheets ?? []).map((s) => s.name);
  let result: SheetRows | null = null;
  try {
    for await (const worksheet of reader) {
      const name = sheetName(reader, worksheet);
      const target = wanted ?? sheetNames()[0] ?? name;
      if (result || name !== target) {
        passOver(worksheet);
        continue;
      }
      let headers: string[] | null = null;
      for await (const row of worksheet as unknown as AsyncIterable<ExcelJS.Row>) {
        const values = row.values as unknown[];
        if (headers === null) {
          const cells = values.slice(1).map((v) => (cellText(v) ?? "").trim());
          while (cells.length && cells[cells.length - 1] === "") cells.pop();
          headers = cells;
          if (!onRow) break;
          continue;
        }
        const cells: (string | null)[] = [];
        for (let i = 1; i < values.length; i++) {
          const text = cellText(values[i]);
          if (i > headers.length) {
            if (text !== null && text.trim() !== "")
              throw new InputError(
                `${path}: sheet "${name}" row ${row.number}: a value in column ${i}, beyond the header's ${headers.length} columns`,
              );
            continue;
          }
          cells.push(text);
        }
        if (cells.every((c) => c === null || c.trim() === "")) continue;
        while (cells.length < headers.length) cells.push(null);
        onRow?.(cells, row.number);
      }
      if (!headers?.length) throw new InputError(`${path}: sheet "${name}" is empty (no header row)`);
      result = { sheet: name, headers };
      // no early stop: sheets stored before workbook.xml (pandas, openpyxl) wait in exceljs's temporary files, and
      // stopping here left it reading files it had removed (ENOENT); the other sheets are passed over unread
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${path}: not a readable Excel .xlsx workbook (${(error as Error).message})`);
  } finally {
    (reader as unknown as { stream?: { destroy(): void } }).stream?.destroy();
  }
  if (!result) {
    const names = sheetNames();
    if (wanted !== null)
      throw new InputError(
        `${path}: no sheet named "${wanted}" (sheet in the configuration); the workbook has ${names.map((n) => `"${n}"`).join(", ") || "no sheets"}`,
      );
    throw new InputError(`${path}: the workbook has no worksheet`);
  }
  return result;
}

let staged = 0;

/**
 * Streams the sheet into a new DuckDB table of VARCHAR columns c0, c1, ...; returns the table's name. `rowNumbers`
 * receives each staged row's number in the sheet (empty rows are skipped), for messages.
 */
async function stageSheet(
  conn: DuckDBConnection,
  path: string,
  sheet: string,
  columns: number,
  rowNumbers: number[],
): Promise<string> {
  const table = `source_sheet_${++staged}`;
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${table} (${Array.from({ length: columns }, (_, i) => `c${i} VARCHAR`).join(", ")})`,
  );
  const appender = await conn.createAppender(table);
  try {
    rowNumbers.length = 0;
    await readSheet(path, sheet, (cells, rowNumber) => {
      rowNumbers.push(rowNumber);
      for (const cell of cells) {
        if (cell === null) appender.appendNull();
        else appender.appendVarchar(cell);
      }
      appender.endRow();
    });
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return table;
}

export const excel: SourceReader = {
  name: "Excel workbook",
  accepts: (config: Config) => /\.xlsx$/i.test(config.data),
  async plan(config) {
    const path = config.data;
    checkWorkbook(path);
    const { sheet, headers } = await readSheet(path, config.sheet, null);
    const rowNumbers: number[] = [];
    return relationRead(path, headers, config, {
      reader: "Excel workbook",
      format: `Excel workbook, sheet ${JSON.stringify(sheet)}`,
      what: "an Excel sheet",
      stage: (conn) => stageSheet(conn, path, sheet, headers.length, rowNumbers),
      places: (rows) => rows.map((row) => `sheet ${JSON.stringify(sheet)} row ${rowNumbers[row] ?? row + 2}`),
    });
  },
};
