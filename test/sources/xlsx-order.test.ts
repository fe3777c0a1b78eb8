/**
 * exceljs's stream reader loses sheets now and then when a worksheet part comes before workbook.xml or the shared
 * strings (pandas/openpyxl, LibreOffice, Excel's shared strings last): it parks them in temporary files. The reader
 * hands it the workbook with the worksheets last and a shared-strings part always there
 * (loaders/sources/xlsx-order.ts), so every sheet streams as it comes. Checked on the pandas and LibreOffice fixtures:
 * the parts' order and bytes, no temporary file, and the same rows on every one of many reads (before: about 1 read
 * in 400 of the pandas fixture said "the workbook has no sheets").
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import JSZip from "jszip";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { readSheet } from "../../loaders/sources/excel.ts";
import { worksheetsLast } from "../../loaders/sources/xlsx-order.ts";

const PANDAS = join(PROJECT_ROOT, "test/fixtures/pandas/pandas.xlsx");
const LIBREOFFICE = join(PROJECT_ROOT, "test/fixtures/workbooks/libreoffice.xlsx");
const WORKSHEET = /^xl\/worksheets\/[^/]+\.xml$/;

async function bytesOf(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe("workbooks handed to exceljs with the worksheets last", () => {
  for (const file of [PANDAS, LIBREOFFICE])
    it(`${file.split("/").pop()}: every part, unchanged, the worksheets after all the others`, async () => {
      const original = await JSZip.loadAsync(readFileSync(file));
      const ordered = await JSZip.loadAsync(await bytesOf(await worksheetsLast(file)));
      const names = Object.keys(ordered.files);
      const firstSheet = names.findIndex((n) => WORKSHEET.test(n));
      assert.ok(firstSheet > 0, "worksheets there");
      assert.ok(
        names.slice(firstSheet).every((n) => WORKSHEET.test(n)),
        `worksheets last: ${names.join(", ")}`,
      );
      assert.ok(names.indexOf("xl/workbook.xml") < firstSheet && names.indexOf("xl/sharedStrings.xml") < firstSheet);
      for (const name of Object.keys(original.files))
        assert.equal(
          await ordered.file(name)!.async("string"),
          await original.file(name)!.async("string"),
          `${name} unchanged`,
        );
      // the pandas fixture has no shared strings: an empty table is added, nothing else
      const added = names.filter((n) => !original.file(n));
      assert.deepEqual(added, original.file("xl/sharedStrings.xml") ? [] : ["xl/sharedStrings.xml"]);
    });

  const temp = mkdtempSync(join(tmpdir(), "segment-xlsx-order-"));
  after(() => rmSync(temp, { recursive: true, force: true }));

  it("every sheet of the pandas workbook on each of 300 reads, and no temporary file", async () => {
    // exceljs's temporary files go to os.tmpdir(), which follows TMPDIR
    const before = process.env.TMPDIR;
    process.env.TMPDIR = temp;
    try {
      const seen = new Map<string, number>();
      for (let i = 0; i < 300; i++)
        for (const sheet of ["Notes", "Sales"]) {
          let rows = 0;
          await readSheet(PANDAS, sheet, () => rows++);
          assert.equal(rows, (seen.get(sheet) ?? seen.set(sheet, rows).get(sheet))!, `${sheet}, read ${i + 1}`);
        }
      assert.deepEqual(
        [...seen],
        [
          ["Notes", 3],
          ["Sales", 14],
        ],
      );
      assert.deepEqual(readdirSync(temp), [], "no temporary file");
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
  });
});
