/**
 * Reading inputs as they come (issue 12 items 3, 5, 6, 9, 10, 13; issue 11 dates, encodings, recognised block):
 * each case is the failure a user met, with the behaviour that replaces it.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { DEFAULT_CONFIG, loadConfig, PROJECT_ROOT, validateConfig, type Config } from "../../loaders/config.ts";
import { InputError } from "../../loaders/errors.ts";
import { decodeWindows1252 } from "../../loaders/sources/encoding.ts";
import { dateFormSql, dayMonthPartsSql, timestampSql } from "../../loaders/sources/dates.ts";
import { ingest, type IngestResult } from "../../loaders/pipeline/ingest.ts";
import { STRICT } from "../support/skip.ts";

const FIXTURES = join(PROJECT_ROOT, "test", "fixtures", "ingest");
const fixture = (name: string) => join(FIXTURES, name);
const TMP = mkdtempSync(join(tmpdir(), "segment-ingest-reading-"));
after(() => rmSync(TMP, { recursive: true, force: true }));

const HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";

/** A file in TMP with the Online Retail header and `lines`; returns its path. */
function csv(name: string, lines: string[], header = HEADER): string {
  const path = join(TMP, name);
  writeFileSync(path, [header, ...lines].join("\n") + "\n");
  return path;
}

/** One Online Retail line with the given date (and optionally customer and invoice). */
function line(date: string, customer = "17850", invoice = "536365", quantity = 6, price = 2.55): string {
  return `${invoice},85123A,WHITE HANGING HEART T-LIGHT HOLDER,${quantity},${date},${price},${customer},United Kingdom`;
}

function configFor(file: string, patch: Partial<Config> = {}): Config {
  const base = structuredClone(DEFAULT_CONFIG);
  return validateConfig({ ...base, ...patch, data: file, data_source: "override", config_file: null });
}

async function run<T>(file: string, patch: Partial<Config>, check: (r: IngestResult) => Promise<T> | T): Promise<T> {
  const result = await ingest(configFor(file, patch), { today: new Date("2026-12-01T12:00:00Z") });
  try {
    return await check(result);
  } finally {
    result.close();
  }
}

async function dates(result: IngestResult, where = "true"): Promise<string[]> {
  const rows = (
    await result.conn!.runAndReadAll(
      `SELECT strftime(invoice_date, '%Y-%m-%d %H:%M:%S') AS d FROM transactions WHERE ${where} ORDER BY rowid`,
    )
  ).getRowObjectsJS();
  return rows.map((r) => r.d as string);
}

/** Ingesting fails with a one-line InputError matching `expected`. */
async function rejects(file: string, expected: RegExp | string, patch: Partial<Config> = {}): Promise<void> {
  await assert.rejects(
    async () => (await ingest(configFor(file, patch), { today: new Date("2026-12-01T12:00:00Z") })).close(),
    (error: unknown) => {
      assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
      assert.ok(!error.message.includes("\n"), `not one line: ${error.message}`);
      if (typeof expected === "string") assert.equal(error.message, expected);
      else assert.match(error.message, expected);
      return true;
    },
  );
}

describe("date order is decided from the whole column (issue 12 item 3)", () => {
  const us = Array.from({ length: 40 }, (_, i) => line("12/1/2010 8:26", String(17850 + (i % 5))));

  it("one day-first line among US dates that read either way stops, naming both lines", async () => {
    const file = csv("us_plus_one_day_first.csv", [...us, line("31/12/2010 8:26")]);
    await rejects(
      file,
      `${file}: InvoiceDate: the dates disagree on the order of day and month: line 42 "31/12/2010 8:26" is day first,` +
        ` but only 1 of 41 such dates shows that order and line 2 "12/1/2010 8:26" would read as 1 December month first` +
        ` (as usual for slash dates), 12 January day first; set "date_format" to "day-first" or "month-first" in the configuration`,
    );
  });

  it("a column with dates of both orders stops, naming one line of each", async () => {
    const file = csv("both_orders.csv", [...us, line("12/13/2010 9:00"), line("31/12/2010 8:26")]);
    await rejects(
      file,
      `${file}: InvoiceDate: the dates disagree on the order of day and month: line 43 "31/12/2010 8:26" is day first,` +
        ` line 42 "12/13/2010 9:00" is month first; set "date_format" to "day-first" or "month-first" in the configuration`,
    );
  });

  it("date_format overrides detection", async () => {
    const file = csv("us_plus_one_day_first_b.csv", [...us, line("31/12/2010 8:26")]);
    await run(file, { date_format: "day-first" }, async (r) => {
      assert.equal(r.date_order, "day-first");
      const d = await dates(r);
      assert.equal(d[0], "2010-01-12 08:26:00");
      assert.equal(d[40], "2010-12-31 08:26:00");
    });
    await rejects(
      file,
      new RegExp(
        `^${file}: line 42: InvoiceDate "31/12/2010 8:26" is not a date \\(expected a date such as 12/31/2010 8:26`,
      ),
      {
        date_format: "month-first",
      },
    );
  });

  it("a day-first file (days above 12 on many lines) reads day first; slash dates without evidence read month first", async () => {
    const days = Array.from({ length: 20 }, (_, i) => line(`${String(i + 1).padStart(2, "0")}/12/2010 10:00`));
    await run(csv("day_first.csv", days), {}, async (r) => {
      assert.equal(r.dates.order, "day-first");
      assert.equal(r.dates.order_evident, true);
      assert.deepEqual((await dates(r)).slice(0, 2), ["2010-12-01 10:00:00", "2010-12-02 10:00:00"]);
    });
    await run(csv("us_only.csv", us), {}, async (r) => {
      assert.equal(r.dates.order, "month-first");
      assert.equal(r.dates.order_evident, false);
      assert.match(r.recognised, /no date has a number above 12, so this is the usual order/);
    });
  });
});

describe("date forms (issue 11)", () => {
  it("ISO with zones, dashes and dots day first, compact, Excel serials and a strptime pattern", async () => {
    const zoned = [
      "2010-12-01T08:26:00Z",
      "2010-12-01 08:26:00+01:00",
      "2010-12-01 08:26+0100",
      "2010-12-01T08:26:00.000-05:00",
      "2010-12-01 08:26:00 UTC",
    ];
    await run(
      csv(
        "zones.csv",
        zoned.map((d) => line(d)),
      ),
      {},
      async (r) => {
        // naive local times: the zone is ignored, as written
        assert.deepEqual(await dates(r), Array(5).fill("2010-12-01 08:26:00"));
        assert.equal(r.dates.forms[0].form, "ISO with a zone (2010-12-01T08:26:00+01:00; the zone is ignored)");
      },
    );
    await run(
      csv(
        "dashes.csv",
        ["01-12-2010 08:26", "05-12-2010 09:00", "1.12.2010 10:00"].map((d) => line(d)),
      ),
      {},
      async (r) => {
        // dashes and dots: day first is the usual order (European), no number above 12 is needed
        assert.equal(r.dates.order, "day-first");
        assert.deepEqual(await dates(r), ["2010-12-01 08:26:00", "2010-12-05 09:00:00", "2010-12-01 10:00:00"]);
      },
    );
    await run(
      csv(
        "compact.csv",
        ["19970101", "19970118", "19980630"].map((d) => line(d)),
      ),
      {},
      async (r) => {
        assert.deepEqual(await dates(r), ["1997-01-01 00:00:00", "1997-01-18 00:00:00", "1998-06-30 00:00:00"]);
        assert.deepEqual(r.dates.forms, [{ form: "YYYYMMDD (20101201)", lines: 3 }]);
      },
    );
    // 40513.35138888889 is 2010-12-01 08:26 in Excel's 1900 system (LibreOffice and Excel agree)
    await run(
      csv(
        "excel.csv",
        ["40513.35138888889", "40513", "40908.999988426"].map((d) => line(d)),
      ),
      {},
      async (r) => {
        assert.deepEqual(await dates(r), ["2010-12-01 08:26:00", "2010-12-01 00:00:00", "2011-12-31 23:59:59"]);
      },
    );
    await run(
      csv(
        "pattern.csv",
        ["2010|12|01 8h26", "2010|12|03 10h00"].map((d) => line(d)),
      ),
      { date_format: "%Y|%m|%d %Hh%M" },
      async (r) => {
        assert.deepEqual(await dates(r), ["2010-12-01 08:26:00", "2010-12-03 10:00:00"]);
      },
    );
    await rejects(
      csv("pattern_bad.csv", [line("2010-12-01")]),
      /^the configuration: setting "date_format" "%Q" is not a strptime pattern DuckDB accepts/,
      {
        date_format: "%Q",
      },
    );
    assert.throws(
      () => configFor("x.csv", { date_format: "dd/mm/yyyy" }),
      /setting "date_format" should be one of "auto", "iso", /,
    );
  });

  it("reads the compact dates of the real CDNOW log (../shared/data/cdnow_sample.csv.gz)", async (t) => {
    const file = join(PROJECT_ROOT, "..", "shared", "data", "cdnow_sample.csv.gz");
    if (!existsSync(file)) {
      // in CI and with SEGMENT_TEST_STRICT=1 a missing reference fails
      assert.ok(!STRICT, `${file} is absent (required in CI and with SEGMENT_TEST_STRICT=1)`);
      return t.skip("../shared/data absent");
    }
    // expected independently: the date column's values, with the shell
    const values = execFileSync("sh", ["-c", `zcat '${file}' | tail -n +2 | cut -d, -f3 | sort -u`], {
      encoding: "utf8",
    })
      .trim()
      .split("\n");
    const instance = await DuckDBInstance.create(":memory:");
    const conn = await instance.connect();
    try {
      const sql = `SELECT count(*)::INTEGER AS n, count(ts)::INTEGER AS parsed, strftime(min(ts), '%Y-%m-%d') AS lo, strftime(max(ts), '%Y-%m-%d') AS hi,
          count(*) FILTER (WHERE form = 4)::INTEGER AS compact
        FROM (SELECT ${timestampSql("t", { format: "auto", order: "month-first" })} AS ts, ${dateFormSql("t", "p")} AS form
          FROM (SELECT t, ${dayMonthPartsSql("t")} AS p FROM (SELECT trim(date::VARCHAR) AS t
            FROM read_csv('${file}', header = true, auto_detect = false, columns = {'m': 'VARCHAR', 'c': 'VARCHAR', 'date': 'VARCHAR', 'n': 'VARCHAR', 'v': 'VARCHAR'}))))`;
      const row = (await conn.runAndReadAll(sql)).getRowObjectsJS()[0];
      assert.equal(row.parsed, row.n);
      assert.equal(row.compact, row.n);
      const iso = (v: string) => `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}`;
      assert.equal(row.lo, iso(values[0]));
      assert.equal(row.hi, iso(values[values.length - 1]));
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
});

describe("duplicate headers (issue 12 item 5)", () => {
  const header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country,Quantity";
  const lines = [
    "536365,85123A,HOLDER,6,2010-12-01 08:26:00,2.55,17850,United Kingdom,810",
    "536366,22633,HAND WARMER,2,2010-12-01 08:28:00,1.85,17850,United Kingdom,270",
  ];

  it("stops, naming the duplicated header, unless the mapping says which", async () => {
    const file = csv("two_quantities.csv", lines, header);
    await rejects(
      file,
      `${file}: duplicated header: "Quantity" (column 4), "Quantity" (column 9) could each be quantity; say which with` +
        ` "columns" in the configuration, e.g. {"columns": {"quantity": "Quantity#2"}} for the second`,
    );
    await run(file, { columns: { quantity: "Quantity#1" } }, (r) =>
      assert.ok(Math.abs(r.revenue - (6 * 2.55 + 2 * 1.85)) < 1e-9),
    );
    await run(file, { columns: { quantity: "Quantity#2" } }, (r) =>
      assert.ok(Math.abs(r.revenue - (810 * 2.55 + 270 * 1.85)) < 1e-9),
    );
  });

  it("headers that differ only in spelling are duplicates too; an unused repeated header is not", async () => {
    const file = csv("two_customer_ids.csv", ["1,A,x,1,2010-12-01,1,17850,UK,17851"], `${HEADER},Customer ID`);
    await rejects(
      file,
      /duplicated header: "CustomerID" \(column 7\), "Customer ID" \(column 9\) could each be customer_id; .* \{"columns": \{"customer_id": "Customer ID"\}\}$/,
    );
    await run(file, { columns: { customer_id: "Customer ID" } }, (r) =>
      assert.deepEqual(
        r.customers.map((c) => c.customer_id),
        ["17851"],
      ),
    );
    const notes = csv("two_notes.csv", ["1,A,x,1,2010-12-01,1,17850,UK,a,b"], `${HEADER},Note,Note`);
    await run(notes, {}, (r) => assert.equal(r.accounting.rows_kept, 1));
  });
});

describe("snapshot_date must be a calendar date (issue 12 item 6)", () => {
  it("2011-02-30 in the config file is a one-line error naming the setting and the file", () => {
    const file = join(TMP, "feb30.config.json");
    writeFileSync(file, JSON.stringify({ snapshot_date: "2011-02-30" }));
    assert.throws(() => loadConfig({ file, env: {} }), {
      name: "InputError",
      message: `${file}: setting "snapshot_date" should be a calendar date YYYY-MM-DD or null, got "2011-02-30"`,
    });
  });
});

describe("line numbers are physical lines (issue 12 item 9)", () => {
  it("after a blank line and a quoted field with a line break, with the record number beside", async () => {
    const lines = [
      line("2010-12-01 08:26:00"),
      "",
      '536366,22633,"HAND WARMER\nUNION JACK",6,2010-12-01 08:28:00,1.85,17850,United Kingdom',
      "536367,84879,BIRD,abc,2010-12-01 08:34:00,1.69,13047,United Kingdom",
    ];
    const file = csv("blank_and_multiline.csv", lines);
    // physical: 1 header, 2 line, 3 blank, 4-5 the two-line record, 6 the bad quantity (record 4)
    await rejects(file, `${file}: line 6 (record 4): Quantity "abc" is not a number`);
    const ragged = csv("blank_and_ragged.csv", [...lines.slice(0, 3), "1,2,3"]);
    await rejects(ragged, `${ragged}: line 6 (record 4): expected 8 fields (as in the header), found 3`);
    const gz = join(TMP, "blank_and_multiline.csv.gz");
    writeFileSync(gz, gzipSync(readFileSync(file)));
    await rejects(gz, `${gz}: line 6 (record 4): Quantity "abc" is not a number`);
  });

  it("without blank lines or line breaks in fields, the line alone", async () => {
    const file = csv("plain_bad.csv", [
      line("2010-12-01 08:26:00"),
      "536367,84879,BIRD,abc,2010-12-01 08:34:00,1.69,13047,United Kingdom",
    ]);
    await rejects(file, `${file}: line 3: Quantity "abc" is not a number`);
  });
});

describe("implausible dates (issue 12 item 10)", () => {
  it("a line dated 2999 is set aside as implausible_date; the snapshot is not moved", async () => {
    const file = csv("year_2999.csv", [
      line("2010-12-01 08:26:00"),
      line("2010-12-03 10:00:00", "13047", "536366"),
      line("2999-01-01 10:00:00", "13047", "536367"),
    ]);
    await run(file, {}, (r) => {
      assert.equal(r.accounting.dropped.implausible_date, 1);
      assert.equal(r.accounting.rows_kept, 2);
      assert.equal(r.snapshot_date, "2010-12-04");
      assert.equal(r.date_window.to, "2026-12-02");
      assert.match(
        r.recognised,
        /1 line dated outside 1990-01-01 to 2026-12-02 set aside as implausible_date \(first: line 4\)/,
      );
    });
    // a window from the configuration
    await run(file, { plausible_dates: { from: "2010-12-02", to: "3000-01-01" } }, (r) => {
      assert.equal(r.accounting.dropped.implausible_date, 1);
      assert.equal(r.snapshot_date, "2999-01-02");
    });
  });

  it("more than half the lines outside the window stops, naming the first", async () => {
    const file = csv("mostly_1900.csv", [line("1900-01-01"), line("1900-01-02"), line("2010-12-01")]);
    await rejects(
      file,
      `${file}: line 2: InvoiceDate "1900-01-01" is outside the plausible dates 1990-01-01 to 2026-12-02, as are 2 of 3 lines;` +
        ` check how the dates are written ("date_format") or widen "plausible_dates" in the configuration`,
    );
    assert.throws(
      () => configFor(file, { plausible_dates: { from: "2011-02-30", to: null } }),
      /setting "plausible_dates.from" should be a calendar date/,
    );
  });
});

describe("customer ids (issue 12 item 13)", () => {
  const lines = ["0017850", "17850", "17850.0", " 17850 ", "13047"].map((id, i) =>
    line("2010-12-01 08:26:00", id, String(536365 + i)),
  );

  it("numeric (default): 0017850, 17850, 17850.0 and ' 17850 ' are one customer, and the merges are counted", async () => {
    await run(csv("ids.csv", lines), {}, (r) => {
      assert.deepEqual(
        r.customers.map((c) => [c.customer_id, c.frequency]),
        [
          ["13047", 1],
          ["17850", 4],
        ],
      );
      assert.deepEqual(r.accounting.customer_ids, {
        rule: "numeric",
        lines_rewritten: 3,
        customers_merged: 1,
        spellings_merged: 3,
      });
      assert.match(r.recognised, /customer ids: 1 customer written more than one way \(3 spellings merged/);
    });
  });

  it("trim: ids as written, outer spaces aside", async () => {
    await run(csv("ids_trim.csv", lines), { customer_id_normalise: "trim" }, (r) => {
      assert.deepEqual(
        r.customers.map((c) => [c.customer_id, c.frequency]),
        [
          ["13047", 1],
          ["0017850", 1],
          ["17850", 2],
          ["17850.0", 1],
        ],
      );
      assert.deepEqual(r.accounting.customer_ids, {
        rule: "trim",
        lines_rewritten: 1,
        customers_merged: 1,
        spellings_merged: 1,
      });
    });
  });
});

describe("encodings (issue 11)", () => {
  const utf8 = fixture("online_retail_slice.csv");
  const latin1 = fixture("online_retail_slice_latin1.csv");

  it("a Latin-1 copy of a real slice reads as Windows-1252, says so, and gives the UTF-8 slice's figures", async () => {
    const expected = await run(utf8, {}, async (r) => ({
      accounting: r.accounting,
      customers: r.customers,
      revenue: r.revenue,
      pounds: (
        await r.conn!.runAndReadAll(
          "SELECT description FROM transactions WHERE contains(description, '£') ORDER BY rowid",
        )
      ).getRowObjectsJS(),
      encoding: r.encoding,
    }));
    assert.equal(expected.encoding, "utf-8");
    assert.equal(expected.pounds.length, 32);
    await run(latin1, {}, async (r) => {
      assert.equal(r.encoding, "windows-1252");
      assert.match(r.recognised, /encoding: Windows-1252 \(not valid UTF-8 from line 102\)/);
      assert.deepEqual(r.accounting, expected.accounting);
      assert.deepEqual(r.customers, expected.customers);
      assert.equal(r.revenue, expected.revenue);
      const pounds = (
        await r.conn!.runAndReadAll(
          "SELECT description FROM transactions WHERE contains(description, '£') ORDER BY rowid",
        )
      ).getRowObjectsJS();
      assert.deepEqual(pounds, expected.pounds);
    });
    // forced, and gzipped
    const gz = join(TMP, "latin1.csv.gz");
    writeFileSync(gz, gzipSync(readFileSync(latin1)));
    await run(gz, { encoding: "latin-1" }, (r) => assert.deepEqual(r.customers, expected.customers));
  });

  it("Windows-1252 bytes 0x80-0x9F (€, ’) and a non-UTF-8 header", async () => {
    assert.equal(decodeWindows1252(Buffer.from([0x80, 0x92, 0xa3, 0x41, 0x81])), "€’£A\u0081");
    const file = join(TMP, "cp1252.csv");
    const text = `${HEADER.replace("Description", "Désignation")}\n${line("2010-12-01 08:26:00").replace("WHITE HANGING HEART T-LIGHT HOLDER", "CAFÉ’S € MUG")}\n`;
    writeFileSync(
      file,
      Buffer.from(text.replace("’", "\u0000").replace("€", "\u0001"), "latin1").map((b) =>
        b === 0 ? 0x92 : b === 1 ? 0x80 : b,
      ),
    );
    await run(file, { columns: { description: "Désignation" } }, async (r) => {
      assert.equal(r.encoding, "windows-1252");
      assert.match(r.recognised, /encoding: Windows-1252 \(not valid UTF-8 from line 1\)/);
      const rows = (await r.conn!.runAndReadAll("SELECT description FROM transactions")).getRowObjectsJS();
      assert.deepEqual(rows, [{ description: "CAFÉ’S € MUG" }]);
    });
  });

  it("a UTF-8 file with one damaged byte stops instead of turning every £ into Â£", async () => {
    const file = join(TMP, "damaged.csv");
    const bytes = Buffer.from(readFileSync(utf8, "utf8").replace("HEART", "HE\u0000RT"), "utf8").map((b) =>
      b === 0 ? 0xe9 : b,
    );
    writeFileSync(file, bytes);
    await rejects(
      file,
      /^.*damaged\.csv: line \d+: not valid UTF-8, but line \d+ is UTF-8 text: the file mixes encodings or is damaged/,
    );
  });
});

describe("the recognised block (issue 11)", () => {
  it("names file, layout, columns, date forms and order, encoding", async () => {
    let printed = "";
    const result = await ingest(configFor(fixture("us_dates.csv")), { onRecognised: (b) => (printed += b) });
    result.close();
    assert.equal(printed, result.recognised);
    const lines = printed.trimEnd().split("\n");
    assert.deepEqual(lines, [
      `segment-report: input ${fixture("us_dates.csv")}`,
      "  layout:   Online Retail (recognised); comma-separated",
      "  columns:  invoice <- InvoiceNo, stock_code <- StockCode, description <- Description, quantity <- Quantity, invoice_date <- InvoiceDate, unit_price <- UnitPrice, customer_id <- CustomerID, country <- Country",
      '  dates:    InvoiceDate: day and month 4 lines, day and month read month first (12/1/2010 is 1 December); no date has a number above 12, so this is the usual order for these dates (set "date_format" if wrong)',
      "  encoding: UTF-8",
    ]);
  });
});
