/** SQL text and results: string literals, and rows as plain objects (BIGINT and HUGEINT as numbers). */
import type { DuckDBConnection } from "@duckdb/node-api";

/** A SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Runs a query and returns its rows as plain objects; integers become numbers, dates ISO strings. */
export async function queryRows<T = Record<string, unknown>>(conn: DuckDBConnection, sql: string): Promise<T[]> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowObjectsJS().map((row) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row)) {
      out[key] = typeof value === "bigint" ? Number(value) : value instanceof Date ? value.toISOString() : value;
    }
    return out as T;
  });
}
