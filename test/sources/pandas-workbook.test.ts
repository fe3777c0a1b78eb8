/**
 * Issue 23 #16: a workbook written by pandas (`DataFrame.to_excel` through openpyxl: worksheet parts before
 * workbook.xml, absolute relationship targets) is read: its sheets are named as in the workbook, the sheet named in
 * the configuration is read, and the figures equal those of the same lines read from CSV
 * (test/fixtures/pandas/make_workbooks.py writes the fixture with Debian's python3-pandas and python3-openpyxl).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { readSheet } from "../../loaders/sources/excel.ts";
import { ingestFigures } from "../support/workbook.ts";

const WORKBOOK = join(PROJECT_ROOT, "test/fixtures/pandas/pandas.xlsx");
const CSV = join(PROJECT_ROOT, "test/fixtures/ingest/reasons.csv");

describe("workbooks as pandas writes them (issue 23 #16)", () => {
  it("names the sheets as the workbook does and reads the one asked for", async () => {
    let rows = 0;
    assert.deepEqual(await readSheet(WORKBOOK, null, () => rows++), { sheet: "Notes", headers: ["note"] });
    assert.equal(rows, 3);
    rows = 0;
    const sales = await readSheet(WORKBOOK, "Sales", () => rows++);
    assert.equal(sales.sheet, "Sales");
    assert.equal(sales.headers[0], "InvoiceNo");
    assert.equal(rows, 14);
  });

  it("gives the same customers and accounting as the CSV it was written from", async () => {
    const fromWorkbook = await ingestFigures(WORKBOOK, { sheet: "Sales" });
    const fromCsv = await ingestFigures(CSV);
    assert.deepEqual(fromWorkbook.accounting, fromCsv.accounting);
    assert.deepEqual(fromWorkbook.customers, fromCsv.customers);
    assert.equal(fromWorkbook.revenue, fromCsv.revenue);
  });
});
