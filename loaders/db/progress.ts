/**
 * Progress of one long DuckDB statement (reading a large file) on stderr: from two seconds on, every two seconds,
 * `[ingest] reading sales.csv.gz: 45% after 4.0 s` (DuckDB's own estimate, from the share of the file scanned).
 * Nothing with SEGMENT_PROGRESS=0 (the CLI's --quiet). Polling the connection's progress costs nothing measurable.
 */
import type { DuckDBConnection } from "@duckdb/node-api";

/** First line after this long, then one every as long again. */
export const QUERY_PROGRESS_MS = 2000;

/** Runs `work` (one statement on `conn`) and reports its progress as `[prefix] label: N% after T s`. */
export async function withQueryProgress<T>(
  conn: DuckDBConnection,
  prefix: string,
  label: string,
  work: () => Promise<T>,
  env: NodeJS.ProcessEnv = process.env,
  write: (line: string) => void = (line) => process.stderr.write(line),
  everyMs = QUERY_PROGRESS_MS,
): Promise<T> {
  if (env.SEGMENT_PROGRESS === "0") return work();
  // DuckDB tracks progress only with its progress bar on; its own printing stays off
  await conn.run("SET enable_progress_bar = true; SET enable_progress_bar_print = false");
  const start = performance.now();
  const timer = setInterval(() => {
    const percentage = conn.progress.percentage;
    if (percentage > 0 && percentage < 100)
      write(
        `[${prefix}] ${label}: ${Math.floor(percentage)}% after ${((performance.now() - start) / 1000).toFixed(1)} s\n`,
      );
  }, everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
