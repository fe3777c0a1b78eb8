/**
 * The DuckDB dialect's SQL (loaders/db/dialect.ts), run in DuckDB on a few values and compared with what is
 * computed here in plain TypeScript (the PostgreSQL dialect runs against a real server in
 * test/sources/postgres.test.ts, which compares whole pipelines).
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, it } from "node:test";
import { DUCKDB as d } from "../../loaders/db/dialect.ts";

async function query(sql: string): Promise<unknown[]> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowsJS()[0];
  } finally {
    connection.closeSync();
  }
}

describe("DuckDB dialect", () => {
  it("dates: whole days, ISO weekday, hour, YYYY-MM-DD and YYYY-MM", async () => {
    const t = "TIMESTAMP '2024-02-29 17:45:00'";
    const [days, dow, hour, iso, month] = await query(
      `SELECT ${d.days("DATE '2023-12-31'", "DATE '2024-03-01'")}, ${d.isoDow(t)}, ${d.hour(t)}, ${d.isoDate(t)}, ${d.yearMonth(t)}`,
    );
    // 2023-12-31 to 2024-03-01: 31 (Jan) + 29 (Feb, leap year) + 1
    assert.equal(Number(days), (Date.UTC(2024, 2, 1) - Date.UTC(2023, 11, 31)) / 86_400_000);
    assert.equal(Number(days), 61);
    assert.equal(dow, 4, "29 February 2024 was a Thursday");
    assert.equal(hour, 17);
    assert.equal(iso, "2024-02-29");
    assert.equal(month, "2024-02");
  });

  it("sum and mean add in ascending order, skipping NULLs; quantiles interpolate linearly (type 7)", async () => {
    const values = [0.1, 0.2, 0.3, 1e16, -1e16, 5];
    const list = `(VALUES ${[...values, null].map((v) => `(${v ?? "NULL"}::DOUBLE)`).join(", ")}) t(x)`;
    const [sum, mean, quantiles] = await query(
      `SELECT ${d.sum("x")}, ${d.mean("x")}, ${d.quantiles("x", [0.25, 0.5])} FROM ${list}`,
    );
    const ascending = [...values].sort((a, b) => a - b).reduce((a, b) => a + b, 0);
    assert.equal(sum, ascending, "the same bits as an ascending sum");
    assert.equal(mean, ascending / values.length);
    // type 7: h = (n - 1) p; x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h])
    const sorted = [...values].sort((a, b) => a - b);
    const type7 = (p: number) => {
      const h = (sorted.length - 1) * p;
      const lo = Math.floor(h);
      return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
    };
    assert.deepEqual(quantiles, [type7(0.25), type7(0.5)]);
  });

  it("text: leading digits, whole-string matches (case-insensitive or not), list membership", async () => {
    const [a, b, c, i1, i2, s1, s2, in1, in2] = await query(
      `SELECT ${d.leadingInt("'85123A'")}, ${d.leadingInt("'C536379'")}, ${d.leadingInt("'007x'")},
        ${d.fullMatchI("'Gift_0001_10'", "'gift_.*'")}, ${d.fullMatchI("'a gift_1'", "'gift_.*'")},
        ${d.fullMatch("'POST'", "'post'")}, ${d.fullMatch("'POST'", "'POST'")},
        ${d.inList("'DOT'", ["'POST'", "'DOT'"])}, ${d.inList("'DOTCOM'", ["'POST'", "'DOT'"])}`,
    );
    assert.deepEqual([a, b, c], [85123, null, 7]);
    assert.deepEqual([i1, i2], [true, false], "case-insensitive, anchored at both ends");
    assert.deepEqual([s1, s2], [false, true], "case-sensitive");
    assert.deepEqual([in1, in2], [true, false]);
  });
});
