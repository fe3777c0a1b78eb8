/** SQL text and results: string literals, and rows as plain objects (BIGINT and HUGEINT as numbers). */
import type { DuckDBConnection } from "@duckdb/node-api";

/** A SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** A row as a plain object: integers become numbers, dates ISO strings. */
function plainRow<T>(row: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    out[key] = typeof value === "bigint" ? Number(value) : value instanceof Date ? value.toISOString() : value;
  }
  return out as T;
}

/** Runs a query and returns its rows as plain objects; integers become numbers, dates ISO strings. */
export async function queryRows<T = Record<string, unknown>>(conn: DuckDBConnection, sql: string): Promise<T[]> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowObjectsJS().map((row) => plainRow<T>(row));
}

/**
 * Runs a query and hands its rows to `take` a chunk at a time (DuckDB's vectors, 2,048 rows), as queryRows gives
 * them: neither the whole result nor its rows as objects are ever held at once (at ten million customers, the
 * customer table three times over did not fit node's heap).
 */
export async function queryChunks<T = Record<string, unknown>>(
  conn: DuckDBConnection,
  sql: string,
  take: (rows: T[]) => void,
): Promise<void> {
  const result = await conn.stream(sql);
  for await (const rows of result.yieldRowObjectJs()) take(rows.map((row) => plainRow<T>(row)));
}
