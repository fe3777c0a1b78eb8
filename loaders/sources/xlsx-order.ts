/**
 * A workbook's zip with its worksheets moved after every other part. exceljs's stream reader meets the parts in the
 * zip's order; a worksheet met before `workbook.xml` and the shared strings (pandas and openpyxl, LibreOffice, and
 * Excel itself for the shared strings), or in a workbook without shared strings, waits in a temporary file, and on
 * that path exceljs loses sheets ("the workbook has no sheets": about 1 read in 400 of a pandas workbook, and the
 * last sheet every time once the sheets come last). With the worksheets last and a shared-strings part always
 * there, every sheet is parsed as it streams and no temporary file is written. The parts keep their compressed bytes (no recompression); the zip is held in
 * memory, twice, at its compressed size.
 */
import { readFile } from "node:fs/promises";
import { Readable } from "node:stream";

/** A worksheet part (`xl/worksheets/sheet1.xml`), wherever the package keeps its worksheets. */
const WORKSHEET = /(^|\/)worksheets\/[^/]+\.xml$/i;

const NO_SHARED_STRINGS =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>';

/** The workbook at `path` as a zip stream whose worksheet parts come after all the others (each group in its order). */
export async function worksheetsLast(path: string): Promise<Readable> {
  const { default: JSZip } = await import("jszip");
  const zip = await JSZip.loadAsync(await readFile(path));
  // exceljs streams a sheet as it comes only once it has met shared strings: a workbook without any (openpyxl's,
  // when every string is inline) gets an empty table
  if (!zip.file("xl/sharedStrings.xml")) zip.file("xl/sharedStrings.xml", NO_SHARED_STRINGS, { createFolders: false });
  const names = Object.keys(zip.files);
  const ordered = [...names.filter((n) => !WORKSHEET.test(n)), ...names.filter((n) => WORKSHEET.test(n))];
  // JSZip writes the entries in the order of `files`' keys
  zip.files = Object.fromEntries(ordered.map((name) => [name, zip.files[name]]));
  const bytes = await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
  return Readable.from([bytes]);
}
