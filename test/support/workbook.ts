/** Test workbooks written with exceljs's streaming writer: date cells as real dates, numbers as numbers. */
import ExcelJS from "exceljs";
import { loadConfig } from "../../loaders/config.ts";
import { ingest } from "../../loaders/pipeline/ingest.ts";

export interface SheetSpec {
  name: string;
  headers: string[];
  rows: Iterable<(string | number | Date | null)[]>;
}

/** Writes an .xlsx with one sheet per spec, in order. */
export async function writeWorkbook(path: string, sheets: SheetSpec[]): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true, useStyles: true });
  for (const spec of sheets) {
    const sheet = workbook.addWorksheet(spec.name);
    sheet.addRow(spec.headers).commit();
    for (const row of spec.rows) {
      const added = sheet.addRow(row);
      row.forEach((v, i) => {
        if (v instanceof Date) added.getCell(i + 1).numFmt = "yyyy-mm-dd hh:mm";
      });
      added.commit();
    }
    sheet.commit();
  }
  await workbook.commit();
}

/** An Online Retail CSV line's fields as workbook cells: numbers as numbers, the invoice date as a date cell. */
export function onlineRetailCells(fields: string[], headers: string[]): (string | number | Date | null)[] {
  return fields.map((text, i) => {
    if (text === "") return null;
    const h = headers[i];
    if (h === "InvoiceDate") {
      const [date, time] = text.split(" ");
      const [m, d, y] = date.includes("/") ? date.split("/").map(Number) : [0, 0, 0];
      if (m) {
        const [hh, mm] = time.split(":").map(Number);
        return new Date(Date.UTC(y, m - 1, d, hh, mm));
      }
      return new Date(text.replace(" ", "T") + "Z");
    }
    if (h === "Quantity" || h === "UnitPrice" || h === "CustomerID") return Number(text);
    return text;
  });
}

/**
 * What ingest makes of `data` (accounting, customers, revenue), for comparing a workbook with the CSV it was made
 * from; the accounting's customer_ids is left out: a CSV may write one id two ways (17850 and 17850.0), which a
 * spreadsheet reads as one number.
 */
export async function ingestFigures(data: string, overrides: Record<string, unknown> = {}) {
  const result = await ingest(loadConfig({ file: null, data, env: {}, overrides }), { onRecognised: () => undefined });
  try {
    const { customer_ids: _ids, ...accounting } = result.accounting;
    return { accounting, customers: result.customers, revenue: result.revenue };
  } finally {
    await result.close();
  }
}
