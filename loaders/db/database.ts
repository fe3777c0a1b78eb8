/** The DuckDB database the file sources are read into, and the one-thread rule that keeps float sums identical. */
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Opens an in-memory DuckDB database limited to 2 GB (SEGMENT_DUCKDB_MEMORY to change); spills (if any) go to
 * the system temp directory, not the project.
 */
export async function openDatabase(): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> {
  const instance = await DuckDBInstance.create(":memory:", {
    temp_directory: join(tmpdir(), `segment-report-duckdb-${process.pid}`),
    // DuckDB's share of the 4 GiB budget at 10M lines; above it, it spills to temp_directory
    memory_limit: process.env.SEGMENT_DUCKDB_MEMORY ?? "2GB",
  });
  const conn = await instance.connect();
  return { instance, conn };
}

/**
 * Runs `work` on one DuckDB thread, then restores the thread count. Floating-point sums depend on the order of
 * their terms, and a parallel aggregate's order changes from run to run: on one thread the features are the same,
 * to the last bit, every run (at about twice the time of the parallel aggregate, a second or two per 10M lines).
 */
export async function singleThreaded<T>(conn: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  const threads = (await conn.runAndReadAll("SELECT current_setting('threads')::INTEGER AS n")).getRowObjectsJS()[0]
    .n as number;
  await conn.run("SET threads = 1");
  try {
    return await work();
  } finally {
    await conn.run(`SET threads = ${threads}`);
  }
}
