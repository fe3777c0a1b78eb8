/**
 * Issue 23 #16: workbooks saved by Microsoft Excel itself (Windows and Mac), from Debian's r-cran-readxl (readxl's
 * example files; test/fixtures/workbooks/make_excel_expected.py says where they come from and writes what openpyxl
 * reads from them). Every sheet is read by its name, and its header and rows equal openpyxl's, cell by cell. Excel
 * stores the worksheets before the shared strings (and datasets.xlsx before workbook.xml too).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { readSheet } from "../../loaders/sources/excel.ts";

const DIR = join(PROJECT_ROOT, "test/fixtures/workbooks");
const EXPECTED = JSON.parse(readFileSync(join(DIR, "excel_expected.json"), "utf8")) as Record<
  string,
  { application: string; sheets: Record<string, { headers: string[]; rows: (string | null)[][] }> }
>;

describe("workbooks saved by Excel itself (issue 23 #16)", () => {
  for (const [file, { application, sheets }] of Object.entries(EXPECTED))
    it(`${file} (${application}): every sheet as openpyxl reads it`, async () => {
      assert.ok(Object.keys(sheets).length >= 2, "several sheets");
      for (const [sheet, want] of Object.entries(sheets)) {
        const rows: (string | null)[][] = [];
        const got = await readSheet(join(DIR, file), sheet, (cells) => rows.push(cells));
        assert.deepEqual(got, { sheet, headers: want.headers }, `${file} ${sheet}: header`);
        assert.equal(rows.length, want.rows.length, `${file} ${sheet}: rows`);
        rows.forEach((row, i) => assert.deepEqual(row, want.rows[i], `${file} ${sheet} row ${i + 2}`));
      }
      // no sheet named: the first in the workbook's order
      const first = Object.keys(sheets)[0];
      assert.equal((await readSheet(join(DIR, file), null, null)).sheet, first);
    });
});
