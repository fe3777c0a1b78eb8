import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_CONFIG } from "../../loaders/config.ts";
import { InputError } from "../../loaders/errors.ts";
import { dropReasonSql, nonProductSql } from "../../loaders/clean/rules.ts";
import { chooseDelimiter, normaliseHeader, resolveColumns, splitLine } from "../../loaders/sources/columns.ts";
import { dateFormats, timestampSql } from "../../loaders/sources/dates.ts";
import { csvErrorMessage, badValueMessage } from "../../loaders/sources/csv.ts";

const ONLINE_RETAIL = [
  "InvoiceNo",
  "StockCode",
  "Description",
  "Quantity",
  "InvoiceDate",
  "UnitPrice",
  "CustomerID",
  "Country",
];
const ONLINE_RETAIL_II = [
  "Invoice",
  "StockCode",
  "Description",
  "Quantity",
  "InvoiceDate",
  "Price",
  "Customer ID",
  "Country",
];
const noMapping = { mapping: {}, origin: "segment.config.json" };

describe("normaliseHeader", () => {
  it("ignores case, spaces and punctuation", () => {
    assert.equal(normaliseHeader(" Customer ID "), "customerid");
    assert.equal(normaliseHeader("customer_id"), "customerid");
    assert.equal(normaliseHeader("INVOICE-DATE"), "invoicedate");
  });
});

describe("resolveColumns", () => {
  it("recognises Online Retail", () => {
    assert.deepEqual(resolveColumns(ONLINE_RETAIL, noMapping, "f.csv"), {
      invoice: 0,
      stock_code: 1,
      description: 2,
      quantity: 3,
      invoice_date: 4,
      unit_price: 5,
      customer_id: 6,
      country: 7,
    });
  });

  it("recognises Online Retail II, in any case and spacing", () => {
    const headers = ONLINE_RETAIL_II.map((h) => ` ${h.toUpperCase()} `);
    assert.deepEqual(resolveColumns(headers, noMapping, "f.csv"), {
      invoice: 0,
      stock_code: 1,
      description: 2,
      quantity: 3,
      invoice_date: 4,
      unit_price: 5,
      customer_id: 6,
      country: 7,
    });
  });

  it("leaves optional columns out when absent", () => {
    const headers = ["Invoice", "StockCode", "Quantity", "InvoiceDate", "Price", "Customer ID"];
    const found = resolveColumns(headers, noMapping, "f.csv");
    assert.equal(found.description, undefined);
    assert.equal(found.country, undefined);
    assert.equal(found.customer_id, 5);
  });

  it("uses the configured mapping first (exact, then normalised)", () => {
    const headers = ["order", "sku", "qty", "when", "price each", "client", "InvoiceNo"];
    const mapping = {
      invoice: "order",
      stock_code: "SKU",
      quantity: "qty",
      invoice_date: "when",
      unit_price: "Price Each",
      customer_id: "client",
    };
    const found = resolveColumns(headers, { mapping, origin: "my.json" }, "f.csv");
    assert.deepEqual(found, { invoice: 0, stock_code: 1, quantity: 2, invoice_date: 3, unit_price: 4, customer_id: 5 });
  });

  it("names the missing columns and the headers found, on one line", () => {
    const headers = ["InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "Country"];
    assert.throws(
      () => resolveColumns(headers, noMapping, "data.csv"),
      (error: Error) =>
        error instanceof InputError &&
        !error.message.includes("\n") &&
        error.message.startsWith("data.csv: missing required columns unit_price, customer_id; found columns:") &&
        error.message.includes('"InvoiceNo", "StockCode"'),
    );
  });

  it("names a mapped header that is not in the file", () => {
    assert.throws(
      () => resolveColumns(ONLINE_RETAIL, { mapping: { quantity: "Qty" }, origin: "my.json" }, "data.csv"),
      {
        name: "InputError",
        message:
          /^data\.csv: column "Qty" \(columns\.quantity in my\.json\) is not in the header; found columns: "InvoiceNo"/,
      },
    );
  });
});

describe("splitLine", () => {
  it("splits on the delimiter outside quotes and trims", () => {
    assert.deepEqual(splitLine('a, "b,c" ,"say ""hi"""', ","), ["a", "b,c", 'say "hi"']);
    assert.deepEqual(splitLine("a\tb c\t", "\t"), ["a", "b c", ""]);
  });
});

describe("chooseDelimiter", () => {
  it("uses the configured delimiter", () => {
    assert.equal(chooseDelimiter(";", "x.csv", "a,b,c"), ";");
  });
  it("uses tab for .tsv and .tsv.gz", () => {
    assert.equal(chooseDelimiter("auto", "x.tsv", "a,b"), "\t");
    assert.equal(chooseDelimiter("auto", "x.TSV.gz", "a,b"), "\t");
  });
  it("sniffs the header line, ignoring quoted delimiters", () => {
    assert.equal(chooseDelimiter("auto", "x.csv", "a,b,c"), ",");
    assert.equal(chooseDelimiter("auto", "x.txt", "a\tb\tc"), "\t");
    assert.equal(chooseDelimiter("auto", "x.csv", '"a,b,c";d;e'), ";");
  });
  it("fails on a header without delimiter", () => {
    assert.throws(() => chooseDelimiter("auto", "x.csv", "transactions"), {
      name: "InputError",
      message: /^x\.csv: line 1: cannot tell the delimiter/,
    });
  });
});

describe("dates", () => {
  it("tries two-digit years before four-digit ones, month first or day first", () => {
    const us = dateFormats("month-first");
    assert.ok(us.indexOf("%m/%d/%y %H:%M") < us.indexOf("%m/%d/%Y %H:%M"));
    assert.ok(dateFormats("day-first").includes("%d/%m/%Y %H:%M"));
    assert.match(
      timestampSql("t", { format: "auto", order: "month-first" }),
      /^CASE WHEN \(t\[5:5\] = '-' AND NOT contains\(t\[1:4\], '-'\)\) THEN COALESCE\(TRY_CAST\(t AS TIMESTAMP\)/,
    );
  });
});

describe("cleaning SQL", () => {
  it("lists the switched-on rules in DROP_REASONS order", () => {
    const sql = dropReasonSql(DEFAULT_CONFIG.cleaning);
    const order = [
      "'cancellation'",
      "'missing_customer'",
      "'nonpositive_quantity'",
      "'nonpositive_price'",
      "'non_product_code'",
    ].map((r) => sql.indexOf(r));
    assert.ok(
      order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1])),
      sql,
    );
  });
  it("leaves switched-off rules out", () => {
    const sql = dropReasonSql({ ...DEFAULT_CONFIG.cleaning, drop_cancellations: false, drop_non_product_codes: false });
    assert.ok(!sql.includes("cancellation") && !sql.includes("non_product_code"));
    const none = dropReasonSql({
      ...DEFAULT_CONFIG.cleaning,
      drop_cancellations: false,
      drop_missing_customer: false,
      drop_nonpositive_quantity: false,
      drop_nonpositive_price: false,
      drop_nonpositive_amount: false,
      drop_non_product_codes: false,
    });
    assert.equal(none, "CAST(NULL AS drop_reason)");
  });
  it("matches non-product codes case-insensitively, quoting literals", () => {
    assert.equal(
      nonProductSql({ non_product_codes: ["post", "O'Neil", "POST"], non_product_pattern: "" }),
      "(list_contains(['POST', 'O''NEIL'], upper(stock_code)))",
    );
    assert.equal(nonProductSql({ non_product_codes: [], non_product_pattern: "" }), null);
  });
});

describe("error messages", () => {
  it("turns DuckDB's CSV errors into one line", () => {
    const duck =
      "Invalid Input Error: CSV Error on Line: 3\nOriginal Line: 4,5\nExpected Number of Columns: 3 Found: 2\nPossible fixes:\n* ...";
    assert.equal(csvErrorMessage(duck, "f.csv"), "f.csv: line 3: expected 3 fields (as in the header), found 2");
    assert.equal(csvErrorMessage("Binder Error: x", "f.csv"), null);
  });
  it("describes bad values", () => {
    const bad = {
      row: 15,
      column: "quantity" as const,
      header: "Quantity",
      text: "abc",
      expected: "number" as const,
      lines: 1,
    };
    assert.equal(badValueMessage(bad, "data.csv"), 'data.csv: line 17: Quantity "abc" is not a number');
    assert.equal(
      badValueMessage({ ...bad, text: null, lines: 3 }, "data.csv"),
      "data.csv: line 17: Quantity is empty, expected a number (3 lines have unreadable values; this is the first)",
    );
  });
});
