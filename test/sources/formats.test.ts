/**
 * The input formats of sources/: Excel, Parquet, JSON lines and a folder give the same lines, accounting and
 * customers as the same data as CSV (on fixtures, and on a slice of ../shared/data/online_retail.csv.gz written as
 * a workbook with exceljs, as Parquet and JSON lines by DuckDB, and as a folder of monthly files); each format's
 * bad input is one line naming the file.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { DEFAULT_CONFIG, PROJECT_ROOT, validateConfig, type Config } from "../../loaders/config.ts";
import { InputError } from "../../loaders/errors.ts";
import { customersCsv } from "../../loaders/output/files.ts";
import { ingest, type IngestResult } from "../../loaders/pipeline/ingest.ts";
import { cellText } from "../../loaders/sources/excel.ts";
import { READERS } from "../../loaders/sources/index.ts";
import { readCsvLines } from "../../bench/make-workbook.ts";
import { onlineRetailCells, writeWorkbook } from "../support/workbook.ts";
import { requires } from "../support/skip.ts";

const FIXTURES = join(PROJECT_ROOT, "test", "fixtures", "sources");
const fixture = (name: string) => join(FIXTURES, name);
const REASONS_CSV = join(PROJECT_ROOT, "test", "fixtures", "ingest", "reasons.csv");
const SHARED_DATA = resolve(PROJECT_ROOT, "..", "shared", "data", "online_retail.csv.gz");
const TMP = mkdtempSync(join(tmpdir(), "segment-sources-test-"));
after(() => rmSync(TMP, { recursive: true, force: true }));

function configFor(file: string, patch: Partial<Config> = {}): Config {
  return validateConfig({
    ...structuredClone(DEFAULT_CONFIG),
    ...patch,
    data: file,
    data_source: "override",
    config_file: null,
  });
}

/** What must not depend on the format: the accounting, the totals and period, every customer's features. */
interface Figures {
  accounting: IngestResult["accounting"];
  totals: Record<string, unknown>;
  customers: string;
  lines: unknown[];
}

async function figures(
  file: string,
  patch: Partial<Config> = {},
): Promise<Figures & { reader: string; recognised: string; result: Partial<IngestResult> }> {
  const result = await ingest(configFor(file, patch));
  try {
    const lines = (
      await result.conn!.runAndReadAll(
        `SELECT invoice, stock_code, quantity, unit_price, strftime(invoice_date, '%Y-%m-%d %H:%M:%S') AS t, customer_id, country, drop_reason::VARCHAR AS r FROM transactions ORDER BY rowid`,
      )
    ).getRowsJS();
    return {
      reader: result.reader,
      recognised: result.recognised,
      result: { source_files: result.source_files, ignored_files: result.ignored_files },
      accounting: result.accounting,
      totals: {
        revenue: result.revenue,
        orders: result.orders,
        countries: result.countries,
        period_start: result.period_start,
        period_end: result.period_end,
        snapshot_date: result.snapshot_date,
      },
      customers: customersCsv(result.customers),
      lines,
    };
  } finally {
    result.close();
  }
}

function assertSame(actual: Figures, expected: Figures): void {
  assert.deepEqual(actual.accounting, expected.accounting);
  assert.deepEqual(actual.totals, expected.totals);
  assert.equal(actual.customers, expected.customers);
  assert.deepEqual(actual.lines, expected.lines);
}

async function inputError(file: string, patch: Partial<Config> = {}): Promise<string> {
  try {
    const result = await ingest(configFor(file, patch));
    result.close();
  } catch (error) {
    assert.ok(error instanceof InputError, `expected an InputError, got ${(error as Error).stack}`);
    assert.ok(!error.message.includes("\n"));
    return error.message;
  }
  assert.fail(`${file}: expected an InputError`);
}

describe("format fixtures read as the CSV they were made from", () => {
  let csv: Figures;
  before(async () => {
    csv = await figures(REASONS_CSV);
    assert.equal(csv.accounting.rows_in, 14);
  });

  it("registers one reader per format (a customer table first, then the PostgreSQL source and tables), the folder first of the files and delimited text last", () => {
    assert.deepEqual(
      READERS.map((r) => r.name),
      ["customer table", "postgres", "tables", "folder", "Excel workbook", "Parquet", "JSON lines", "delimited text"],
    );
  });

  it("Excel: the sheet named in the configuration, date cells as dates", async () => {
    const xlsx = await figures(fixture("reasons.xlsx"), { sheet: "Sales" });
    // the workbook holds customer ids as number cells: the CSV's "17850.0" is the number 17850, nothing to merge
    assert.deepEqual(xlsx.accounting.customer_ids, {
      rule: "numeric",
      lines_rewritten: 0,
      customers_merged: 0,
      spellings_merged: 0,
    });
    assert.equal(csv.accounting.customer_ids?.lines_rewritten, 1);
    xlsx.accounting.customer_ids = csv.accounting.customer_ids;
    assert.equal(xlsx.reader, "Excel workbook");
    assert.match(xlsx.recognised, /layout: {3}Online Retail \(recognised\); Excel workbook, sheet "Sales"\n/);
    assertSame(xlsx, csv);
  });

  it("Excel: the first sheet by default (here a notes sheet without the columns)", async () => {
    const message = await inputError(fixture("reasons.xlsx"));
    assert.match(
      message,
      /reasons\.xlsx: missing required columns quantity, invoice_date, unit_price, customer_id; found columns: "Exported from the shop system"/,
    );
  });

  it("Parquet and JSON lines", async () => {
    const pq = await figures(fixture("reasons.parquet"));
    assert.equal(pq.reader, "Parquet");
    assertSame(pq, csv);
    const jl = await figures(fixture("reasons.jsonl"));
    assert.equal(jl.reader, "JSON lines");
    assertSame(jl, csv);
    const gz = join(TMP, "reasons.jsonl.gz");
    writeFileSync(gz, gzipSync(await import("node:fs").then((fs) => fs.readFileSync(fixture("reasons.jsonl")))));
    assertSame(await figures(gz), csv);
  });

  it("a folder of monthly files: one table, lines per file, other files left out and listed", async () => {
    const folder = await figures(fixture("monthly"));
    assert.equal(folder.reader, "folder");
    assert.match(folder.recognised, /layout: {3}Online Retail \(recognised\); folder of 2 files \(comma-separated\)\n/);
    assertSame(folder, csv);
    assert.deepEqual(folder.result.source_files, [
      { file: join(FIXTURES, "monthly", "2010-12a.csv"), rows: 8 },
      { file: join(FIXTURES, "monthly", "2010-12b.csv"), rows: 6 },
    ]);
    assert.deepEqual(folder.result.ignored_files, ["notes.md"]);
  });

  it("a folder whose files differ in their header: one line naming the file", async () => {
    assert.equal(
      await inputError(fixture("monthly_mismatch")),
      `${join(FIXTURES, "monthly_mismatch", "2010-12b.csv")}: its header differs from the folder's first file (${join(FIXTURES, "monthly_mismatch", "2010-12a.csv")}): column 6 is "Price", expected "UnitPrice"; the files of a folder must have the same columns`,
    );
  });
});

describe("format errors: one line naming the file", () => {
  it("a sheet name that is not in the workbook lists the sheets", async () => {
    assert.equal(
      await inputError(fixture("reasons.xlsx"), { sheet: "Sheet1" }),
      `${fixture("reasons.xlsx")}: no sheet named "Sheet1" (sheet in the configuration); the workbook has "Notes", "Sales"`,
    );
  });

  it("a file named .xlsx that is not a workbook", async () => {
    assert.equal(
      await inputError(fixture("not_a_workbook.xlsx")),
      `${fixture("not_a_workbook.xlsx")}: not an Excel .xlsx workbook (an .xlsx file is a zip archive; this one is not)`,
    );
  });

  it("a zip that is not a workbook, and an old .xls", async () => {
    const zip = join(TMP, "archive.xlsx");
    writeFileSync(zip, Buffer.from("504b0304", "hex"));
    assert.match(
      await inputError(zip),
      /archive\.xlsx: (not a readable Excel \.xlsx workbook \(.+\)|the workbook has no worksheet)$/,
    );
    const xls = join(TMP, "old.xlsx");
    writeFileSync(xls, Buffer.from("d0cf11e0a1b11ae1", "hex"));
    assert.match(await inputError(xls), /old\.xlsx: an Excel 97-2003 \(\.xls\) workbook, not \.xlsx/);
  });

  it("an unreadable Parquet file", async () => {
    assert.match(
      await inputError(fixture("not_parquet.parquet")),
      new RegExp(`^${fixture("not_parquet.parquet").replace(/[.]/g, "\\.")}: not a readable Parquet file \\(.+\\)$`),
    );
  });

  it("a broken JSON line names the file and the line", async () => {
    assert.match(
      await inputError(fixture("broken.jsonl")),
      /broken\.jsonl: line 2, character \d+: not valid JSON \(.+\); expected one JSON object per line$/,
    );
  });

  it("cell values as text: dates to the second, formulas by their result, rich text as text", () => {
    assert.equal(cellText(new Date(Date.UTC(2010, 11, 1, 8, 25, 59, 999))), "2010-12-01 08:26:00");
    assert.equal(cellText(2.55), "2.55");
    assert.equal(cellText({ formula: "A1*2", result: 5.1 }), "5.1");
    assert.equal(cellText({ richText: [{ text: "WHITE " }, { text: "LANTERN" }] }), "WHITE LANTERN");
    assert.equal(cellText(null), null);
  });
});

const skip = existsSync(SHARED_DATA)
  ? false
  : `../shared is absent (${SHARED_DATA}): the Online Retail slice tests need it`;

describe("a slice of Online Retail in every format", { skip: requires(skip) }, () => {
  const dir = join(TMP, "slice");
  let csv: Figures;
  before(async () => {
    mkdirSync(join(dir, "monthly"), { recursive: true });
    const { headers, lines } = await readCsvLines(SHARED_DATA, null);
    const slice = lines.filter((_, i) => i % 40 === 0); // 13,548 lines over the whole year
    const quote = (f: string) => (/[",]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);
    const text = (rows: string[][]) => [headers, ...rows].map((r) => r.map(quote).join(",")).join("\n") + "\n";
    writeFileSync(join(dir, "slice.csv"), text(slice));
    await writeWorkbook(join(dir, "slice.xlsx"), [
      { name: "Online Retail", headers, rows: slice.map((f) => onlineRetailCells(f, headers)) },
    ]);
    const byMonth = new Map<string, string[][]>();
    for (const f of slice) {
      const month = f[4].slice(0, 7);
      if (!byMonth.has(month)) byMonth.set(month, []);
      byMonth.get(month)!.push(f);
    }
    // monthly exports in mixed formats: CSV, gzipped CSV, and one month as a workbook
    for (const [i, [month, rows]] of [...byMonth].entries()) {
      const name = join(dir, "monthly", `online_retail_${month}`);
      if (i === 3)
        await writeWorkbook(`${name}.xlsx`, [
          { name: month, headers, rows: rows.map((f) => onlineRetailCells(f, headers)) },
        ]);
      else if (i % 2) writeFileSync(`${name}.csv.gz`, gzipSync(text(rows)));
      else writeFileSync(`${name}.csv`, text(rows));
    }
    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    const source = `read_csv('${join(dir, "slice.csv")}', header = true, types = {'CustomerID': 'VARCHAR'})`;
    await conn.run(`COPY (SELECT * FROM ${source}) TO '${join(dir, "slice.parquet")}' (FORMAT parquet)`);
    await conn.run(`COPY (SELECT * FROM ${source}) TO '${join(dir, "slice.jsonl")}' (FORMAT json)`);
    conn.closeSync();
    db.closeSync();
    csv = await figures(join(dir, "slice.csv"));
    assert.equal(csv.accounting.rows_in, 13548);
  });

  for (const [name, file] of [
    ["Excel workbook written with exceljs", "slice.xlsx"],
    ["Parquet", "slice.parquet"],
    ["JSON lines", "slice.jsonl"],
    ["a folder of 13 monthly files (CSV, gzipped CSV, a workbook)", "monthly"],
  ])
    it(`${name}: the same lines, accounting and customers as the CSV`, async () => {
      const got = await figures(join(dir, file));
      assertSame(got, csv);
      if (file === "monthly") {
        assert.equal(got.result.source_files?.length, 13);
        assert.equal(
          got.result.source_files?.reduce((s, f) => s + f.rows, 0),
          13548,
        );
      }
    });
});

describe("a folder decides dates over all its files; a workbook's bad value names its sheet and row", () => {
  const header = "Invoice,Customer ID,InvoiceDate,Amount";
  const write = (dir: string, files: Record<string, string[]>) => {
    mkdirSync(dir, { recursive: true });
    for (const [name, lines] of Object.entries(files))
      writeFileSync(join(dir, name), [header, ...lines].join("\n") + "\n");
  };
  const orderLog = { columns: { amount: "Amount" } } as Partial<Config>;

  it("a file whose dates show no order is read in the order another file shows", async () => {
    const dir = join(TMP, "dates-agree");
    // a.csv alone would be month first (5/1 is 1 May); b.csv shows day first (13/1)
    write(dir, { "a.csv": ["1,10,5/1/2011,10"], "b.csv": ["2,11,13/1/2011,20"] });
    const result = await ingest(configFor(dir, orderLog));
    try {
      const dates = (
        await result.conn!.runAndReadAll(
          `SELECT strftime(invoice_date, '%Y-%m-%d') AS d FROM transactions ORDER BY rowid`,
        )
      ).getRowsJS();
      assert.deepEqual(dates, [["2011-01-05"], ["2011-01-13"]]);
      assert.equal(result.dates.order, "day-first");
    } finally {
      result.close();
    }
  });

  it("two files showing different orders: one line naming both", async () => {
    const dir = join(TMP, "dates-conflict");
    write(dir, { "a.csv": ["1,10,1/13/2011,10"], "b.csv": ["2,11,13/1/2011,20"] });
    assert.equal(
      await inputError(dir, orderLog),
      `${dir}: a.csv writes dates month first, b.csv writes dates day first: the files of a folder must write dates one way (set "date_format" to the files' order, or fix one file)`,
    );
  });

  it("without an invoice column, line 2 of two files are two orders", async () => {
    const dir = join(TMP, "no-invoice");
    mkdirSync(dir, { recursive: true });
    for (const name of ["a.csv", "b.csv"])
      writeFileSync(join(dir, name), "Customer ID,InvoiceDate,Amount\n10,2011-01-05,10\n");
    const result = await ingest(configFor(dir, orderLog));
    try {
      assert.equal(result.orders, 2);
      assert.equal(result.customers[0].frequency, 2);
    } finally {
      result.close();
    }
  });

  it("a bad value in a workbook names the sheet and its row", async () => {
    const path = join(TMP, "bad.xlsx");
    await writeWorkbook(path, [
      {
        name: "Sales",
        headers: ["InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"],
        rows: [
          ["536365", "85123A", 6, new Date(Date.UTC(2010, 11, 1, 8, 26)), 2.55, 17850],
          [null, null, null, null, null, null],
          ["536366", "71053", "six", new Date(Date.UTC(2010, 11, 1, 8, 28)), 3.39, 17850],
        ],
      },
    ]);
    assert.equal(await inputError(path), `${path}: sheet "Sales" row 4: Quantity "six" is not a number`);
  });
});
