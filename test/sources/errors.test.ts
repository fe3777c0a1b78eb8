import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { DEFAULT_CONFIG, PROJECT_ROOT, validateConfig, type Config } from "../../loaders/config.ts";
import { InputError } from "../../loaders/errors.ts";
import { ingest } from "../../loaders/pipeline/ingest.ts";

const FIXTURES = join(PROJECT_ROOT, "test", "fixtures", "ingest");
const fixture = (name: string) => join(FIXTURES, name);
const TMP = mkdtempSync(join(tmpdir(), "segment-ingest-errors-"));
after(() => rmSync(TMP, { recursive: true, force: true }));

function configFor(file: string, patch: Partial<Config> = {}): Config {
  const base = structuredClone(DEFAULT_CONFIG);
  return validateConfig({ ...base, ...patch, data: file, data_source: "override", config_file: null });
}

/** Ingesting `file` fails with a one-line InputError that names the file and matches `expected`. */
async function rejects(file: string, expected: RegExp | string, patch: Partial<Config> = {}): Promise<void> {
  await assert.rejects(
    async () => {
      const result = await ingest(configFor(file, patch));
      result.close();
    },
    (error: unknown) => {
      assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
      assert.ok(!error.message.includes("\n"), `not one line: ${error.message}`);
      assert.ok(
        error.message.startsWith(`${file}: `) || error.message.includes(file),
        `file not named: ${error.message}`,
      );
      if (typeof expected === "string") assert.equal(error.message, expected);
      else assert.match(error.message, expected);
      return true;
    },
  );
}

describe("bad input: one-line errors naming file and line or column", () => {
  it("missing file", async () => {
    const file = join(TMP, "nope.csv");
    await rejects(file, `${file}: file not found`);
  });

  it("a folder without data files (a folder of files is read as one table: test/sources/formats.test.ts)", async () => {
    const empty = join(TMP, "empty-folder");
    mkdirSync(empty);
    writeFileSync(join(empty, "notes.md"), "not data\n");
    await rejects(
      empty,
      `${empty}: a folder without data files (expected files ending .csv, .tsv, .txt, .xlsx, .parquet, .jsonl or .ndjson, optionally .gz)`,
    );
  });

  it("empty file", async () => {
    await rejects(fixture("empty.csv"), `${fixture("empty.csv")}: empty file (no header line)`);
    const blank = join(TMP, "blank.csv");
    writeFileSync(blank, "\n\n");
    await rejects(blank, `${blank}: empty file (no header line)`);
    const emptyGz = join(TMP, "empty.csv.gz");
    writeFileSync(emptyGz, gzipSync(Buffer.alloc(0)));
    await rejects(emptyGz, `${emptyGz}: empty file (no header line)`);
  });

  it("header but no data rows", async () => {
    await rejects(fixture("header_only.csv"), `${fixture("header_only.csv")}: no data rows (only a header line)`);
  });

  it("missing required column, listing the columns found", async () => {
    await rejects(
      fixture("missing_column.csv"),
      /: missing required column unit_price; found columns: "InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "CustomerID", "Country" \(map them/,
    );
  });

  it("unparseable number: the first bad line and column", async () => {
    await rejects(
      fixture("bad_number.csv"),
      `${fixture("bad_number.csv")}: line 4: Quantity "abc" is not a number (2 lines have unreadable values; this is the first)`,
    );
  });

  it("empty number", async () => {
    await rejects(
      fixture("empty_price.csv"),
      `${fixture("empty_price.csv")}: line 2: UnitPrice is empty, expected a number`,
    );
  });

  it("unparseable date", async () => {
    await rejects(
      fixture("bad_date.csv"),
      `${fixture("bad_date.csv")}: line 3: InvoiceDate "2010-13-45 08:26:00" is not a date (expected e.g. 2010-12-01 08:26:00, 12/1/2010 8:26, 20101201 or an Excel day number)`,
    );
  });

  it("a line with the wrong number of fields", async () => {
    await rejects(
      fixture("ragged.csv"),
      `${fixture("ragged.csv")}: line 3: expected 8 fields (as in the header), found 9`,
    );
  });

  it("unknown delimiter", async () => {
    await rejects(
      fixture("no_delimiter.csv"),
      /: line 1: cannot tell the delimiter: the header line has no comma, tab or semicolon/,
    );
  });

  it("wrong configured delimiter: the columns are not found", async () => {
    await rejects(
      fixture("reasons.csv"),
      /: missing required columns quantity, invoice_date, unit_price, customer_id; found columns: "InvoiceNo,StockCode,/,
      { delimiter: ";" },
    );
  });

  it("not UTF-8 when encoding is set to utf-8", async () => {
    const file = join(TMP, "latin1.csv");
    const text = readFileSync(fixture("reasons.csv"), "utf8");
    writeFileSync(file, Buffer.from(text, "latin1"));
    await rejects(
      file,
      `${file}: line 11: not valid UTF-8 text (save the file as UTF-8, or set "encoding" to "windows-1252")`,
      { encoding: "utf-8" },
    );
  });

  it("UTF-16", async () => {
    const file = join(TMP, "utf16.csv");
    writeFileSync(
      file,
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("InvoiceNo,StockCode\n1,2\n", "utf16le")]),
    );
    await rejects(file, `${file}: line 1: the file is UTF-16 encoded, expected UTF-8`);
  });

  it("corrupt gzip", async () => {
    const file = join(TMP, "broken.csv.gz");
    const gz = gzipSync(readFileSync(fixture("reasons.csv")));
    writeFileSync(file, Buffer.concat([gz.subarray(0, 10), Buffer.from("garbage garbage garbage")]));
    await rejects(file, /: not a valid gzip file/);
  });

  it("a snapshot before the last purchase", async () => {
    await assert.rejects(
      async () => (await ingest(configFor(fixture("reasons.csv"), { snapshot_date: "2010-12-05" }))).close(),
      {
        name: "InputError",
        message:
          "snapshot_date 2010-12-05 is before the last purchase (2010-12-09); use a day on or after it, or null for the day after",
      },
    );
  });

  it("no line left after cleaning", async () => {
    await rejects(fixture("reasons.csv"), /: no lines left after cleaning/, {
      cleaning: { ...DEFAULT_CONFIG.cleaning, non_product_pattern: ".*" },
    });
  });

  it("a non-product pattern DuckDB cannot compile", async () => {
    await assert.rejects(
      async () =>
        (
          await ingest(
            configFor(fixture("reasons.csv"), {
              cleaning: { ...DEFAULT_CONFIG.cleaning, non_product_pattern: "(?<=a)b" },
            }),
          )
        ).close(),
      (error: unknown) =>
        error instanceof InputError &&
        /^configuration: setting "cleaning\.non_product_pattern" should be a regular expression/.test(error.message),
    );
  });
});
