/**
 * Writes Online Retail (or its first N lines) as an .xlsx workbook like the UCI original: one sheet "Online Retail",
 * numbers as numbers, invoice dates as date cells. For measuring the Excel reader on the full 541,909 lines:
 *   npx tsx bench/make-workbook.ts ../shared/data/online_retail.csv.gz /tmp/online_retail.xlsx [lines]
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { splitLine } from "../loaders/sources/columns.ts";
import { onlineRetailCells, writeWorkbook } from "../test/support/workbook.ts";

/** The CSV's header and its first `limit` lines (all when null), as fields. */
export async function readCsvLines(
  path: string,
  limit: number | null,
): Promise<{ headers: string[]; lines: string[][] }> {
  const input = createReadStream(path);
  const text = path.endsWith(".gz") ? input.pipe(createGunzip()) : input;
  const lines: string[][] = [];
  let headers: string[] | null = null;
  for await (const line of createInterface({ input: text, crlfDelay: Infinity })) {
    if (headers === null) headers = splitLine(line, ",");
    else if (limit === null || lines.length < limit) lines.push(splitLine(line, ","));
    else break;
  }
  input.destroy();
  return { headers: headers ?? [], lines };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [source, out, limit] = process.argv.slice(2);
  const { headers, lines } = await readCsvLines(source, limit ? Number(limit) : null);
  await writeWorkbook(out, [{ name: "Online Retail", headers, rows: lines.map((f) => onlineRetailCells(f, headers)) }]);
  console.log(`wrote ${out}: ${lines.length} lines`);
}
