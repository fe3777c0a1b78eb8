/**
 * Issue 23 #16: a workbook saved by LibreOffice Calc itself (test/fixtures/workbooks/make_libreoffice.py converts a
 * Calc sheet with `soffice --headless --convert-to xlsx`): [Content_Types].xml stored last, dates as day numbers
 * rounded to 1e-10 of a day with a date format, number-looking ids as number cells, formulas with cached values.
 * Its sheets are named as in the workbook, the sheet asked for is read, and the figures equal those of the CSV it
 * was made from. No workbook saved by Excel itself is tested: there is no Excel on the machines that make the
 * fixtures (see the README's input formats).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { readSheet } from "../../loaders/sources/excel.ts";
import { ingestFigures } from "../support/workbook.ts";

const WORKBOOK = join(PROJECT_ROOT, "test/fixtures/workbooks/libreoffice.xlsx");
const CSV = join(PROJECT_ROOT, "test/fixtures/ingest/reasons.csv");

describe("workbooks as LibreOffice Calc saves them (issue 23 #16)", () => {
  it("names the sheets as the workbook does and reads the one asked for, formulas by their values", async () => {
    const notes: unknown[][] = [];
    assert.deepEqual(await readSheet(WORKBOOK, null, (row) => notes.push(row)), { sheet: "Notes", headers: ["note"] });
    assert.equal(notes.length, 2);
    const rows: unknown[][] = [];
    const sales = await readSheet(WORKBOOK, "Sales", (row) => rows.push(row));
    assert.equal(sales.sheet, "Sales");
    assert.deepEqual(sales.headers, [
      "InvoiceNo",
      "StockCode",
      "Description",
      "Quantity",
      "InvoiceDate",
      "UnitPrice",
      "CustomerID",
      "Country",
      "Line total",
    ]);
    assert.equal(rows.length, 14);
  });

  it("gives the same customers and accounting as the CSV it was made from", async () => {
    const fromWorkbook = await ingestFigures(WORKBOOK, { sheet: "Sales" });
    const fromCsv = await ingestFigures(CSV);
    assert.deepEqual(fromWorkbook.accounting, fromCsv.accounting);
    assert.deepEqual(fromWorkbook.customers, fromCsv.customers);
    assert.equal(fromWorkbook.revenue, fromCsv.revenue);
  });
});
