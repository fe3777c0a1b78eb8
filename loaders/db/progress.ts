/**
 * Progress of long database work on stderr: from two seconds on, every two seconds, one line. For one statement
 * (reading a large file): `[ingest] reading sales.csv.gz: 45% after 4.0 s` (DuckDB's own estimate, from the share
 * of the file scanned). For work of several steps (cleaning, features), the step it is on and the share DuckDB
 * reports for that step's statement: `[ingest] cleaning, matching returns: 45% after 4.0 s`, or the step alone
 * (`[ingest] cleaning, matching returns: after 4.0 s`) where no share is known (work in JavaScript, PostgreSQL).
 * Nothing with SEGMENT_PROGRESS=0 (the CLI's --quiet). Polling the connection's progress costs nothing measurable.
 */
import type { DuckDBConnection } from "@duckdb/node-api";

/** First line after this long, then one every as long again. */
export const QUERY_PROGRESS_MS = 2000;

/**
 * Runs `work` (statements on `conn`, null for a database without DuckDB's progress) and reports its progress as
 * `[prefix] label: N% after T s`; `work` may name the step it starts (`step("matching returns")`), which then
 * shows after the label. Without a step, a line is written only while DuckDB reports a share.
 */
export async function withQueryProgress<T>(
  conn: DuckDBConnection | null,
  prefix: string,
  label: string,
  work: (step: (name: string) => void) => Promise<T>,
  env: NodeJS.ProcessEnv = process.env,
  write: (line: string) => void = (line) => process.stderr.write(line),
  everyMs = QUERY_PROGRESS_MS,
): Promise<T> {
  const ignore = () => {};
  if (env.SEGMENT_PROGRESS === "0") return work(ignore);
  // DuckDB tracks progress only with its progress bar on; its own printing stays off
  if (conn) await conn.run("SET enable_progress_bar = true; SET enable_progress_bar_print = false");
  const start = performance.now();
  let current: string | null = null;
  const timer = setInterval(() => {
    const percentage = conn ? conn.progress.percentage : -1;
    const known = percentage > 0 && percentage < 100;
    if (!known && current === null) return;
    const after = `after ${((performance.now() - start) / 1000).toFixed(1)} s`;
    const what = current === null ? label : `${label}, ${current}`;
    write(`[${prefix}] ${what}: ${known ? `${Math.floor(percentage)}% ${after}` : after}\n`);
  }, everyMs);
  try {
    return await work((name) => {
      current = name;
    });
  } finally {
    clearInterval(timer);
  }
}
