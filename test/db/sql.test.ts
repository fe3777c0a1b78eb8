/**
 * Reading query results into JavaScript (loaders/db/sql.ts): `queryChunks` hands over the rows `queryRows` returns
 * (integers as numbers, timestamps as ISO text, NULL as null), in order, a chunk at a time, and never more than a
 * chunk of them at once.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, it } from "node:test";
import { queryChunks, queryRows } from "../../loaders/db/sql.ts";

describe("queryChunks", () => {
  it("gives queryRows' rows, in order, in chunks no larger than DuckDB's vector", async () => {
    const instance = await DuckDBInstance.create(":memory:");
    const conn = await instance.connect();
    try {
      // 5,000 rows: more than two chunks of 2,048; a BIGINT, a DOUBLE, a TIMESTAMP, text and NULLs
      const sql = `SELECT i::BIGINT AS id, i / 8 AS share, TIMESTAMP '2011-01-01 00:00:00' + to_seconds(i * 3600) AS at,
          CASE WHEN i % 7 = 0 THEN NULL ELSE 'c' || i::VARCHAR END AS name
        FROM range(5000) r(i) ORDER BY i DESC`;
      const whole = await queryRows<{ id: number; share: number; at: string; name: string | null }>(conn, sql);
      const sizes: number[] = [];
      const chunked: typeof whole = [];
      await queryChunks<(typeof whole)[number]>(conn, sql, (rows) => {
        sizes.push(rows.length);
        chunked.push(...rows);
      });
      assert.deepEqual(chunked, whole);
      assert.equal(whole.length, 5000);
      assert.deepEqual(whole[0], { id: 4999, share: 4999 / 8, at: "2011-07-28T07:00:00.000Z", name: "c4999" });
      assert.equal(whole[4999 - 4998].name, null, "4998 = 7 x 714: NULL");
      assert.equal(typeof whole[0].id, "number");
      assert.ok(sizes.length >= 3, `chunks: ${sizes.join(", ")}`);
      assert.ok(Math.max(...sizes) <= 2048, `chunks: ${sizes.join(", ")}`);
      assert.equal(
        sizes.reduce((a, b) => a + b, 0),
        5000,
      );
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
});
