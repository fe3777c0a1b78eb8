/**
 * The DuckDB database the file sources are read into, the one-thread rule that keeps float sums identical, and
 * `SqlDatabase`, the handle the pipeline's generated SQL runs through (DuckDB here, PostgreSQL in db/postgres.ts).
 */
import type { DuckDBInstance, DuckDBConnection } from "@duckdb/node-api";
import { duckdbModule } from "./require.ts";
import { DUCKDB, type SqlDialect } from "./dialect.ts";
import { queryChunks, queryRows } from "./sql.ts";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Opens an in-memory DuckDB database limited to 2 GB (SEGMENT_DUCKDB_MEMORY to change); spills (if any) go to
 * the system temp directory, not the project.
 */
export async function openDatabase(): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> {
  const instance = await duckdbModule().DuckDBInstance.create(":memory:", {
    temp_directory: join(tmpdir(), `segment-report-duckdb-${process.pid}`),
    // DuckDB's share of the 4 GiB budget at 10M lines; above it, it spills to temp_directory
    memory_limit: process.env.SEGMENT_DUCKDB_MEMORY ?? "2GB",
  });
  const conn = await instance.connect();
  return { instance, conn };
}

/** A column of a session table loaded from JavaScript rows. */
export interface LoadColumn {
  name: string;
  type: "text" | "integer" | "bigint" | "double";
}

/**
 * A SQL database the pipeline's generated SQL (db/dialect.ts) runs in: DuckDB in memory for files, PostgreSQL for
 * the database source (db/postgres.ts). The dialect to generate for, queries returning plain rows, and session
 * tables loaded from JavaScript rows.
 */
export interface SqlDatabase {
  dialect: SqlDialect;
  /** the DuckDB connection for the file readers; null for another database */
  duckdb: DuckDBConnection | null;
  /** rows as plain objects: integers as numbers, dates as ISO strings */
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** the rows of `query`, handed to `take` a chunk at a time, in order (for results of one row per customer) */
  queryChunks<T = Record<string, unknown>>(sql: string, take: (rows: T[]) => void): Promise<void>;
  /** runs one or more statements */
  run(sql: string): Promise<void>;
  /** creates (or replaces) the session table `name` with `columns` and fills it with `rows` */
  load(
    name: string,
    columns: readonly LoadColumn[],
    rows: readonly (readonly (string | number | bigint | null)[])[],
  ): Promise<void>;
  /** closes the connection (again: no effect) */
  close(): Promise<void>;
}

const DUCKDB_TYPES: Record<LoadColumn["type"], string> = {
  text: "VARCHAR",
  integer: "INTEGER",
  bigint: "BIGINT",
  double: "DOUBLE",
};

/** The SqlDatabase over an open DuckDB connection; `close` closes the connection and the instance. */
export function duckdbDatabase(instance: DuckDBInstance, conn: DuckDBConnection): SqlDatabase {
  let open = true;
  return {
    dialect: DUCKDB,
    duckdb: conn,
    query: (sql) => queryRows(conn, sql),
    queryChunks: (sql, take) => queryChunks(conn, sql, take),
    run: async (sql) => {
      await conn.run(sql);
    },
    async load(name, columns, rows) {
      const types = columns.map((c) => `${c.name} ${DUCKDB_TYPES[c.type]}`).join(", ");
      await conn.run(`CREATE OR REPLACE TABLE ${name} (${types})`);
      const appender = await conn.createAppender(name);
      try {
        for (const row of rows) {
          columns.forEach((c, i) => {
            const value = row[i];
            if (value === null) appender.appendNull();
            else if (c.type === "text") appender.appendVarchar(String(value));
            else if (c.type === "integer") appender.appendInteger(Number(value));
            else if (c.type === "bigint") appender.appendBigInt(BigInt(value));
            else appender.appendDouble(Number(value));
          });
          appender.endRow();
        }
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
    },
    async close() {
      if (!open) return;
      open = false;
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/** The DuckDB connection of a database the file readers read into; an Error (a bug) for another database. */
export function duckdbOf(db: SqlDatabase): DuckDBConnection {
  if (!db.duckdb) throw new Error(`a file reader was given a ${db.dialect.name} database`);
  return db.duckdb;
}
