/**
 * What crossed the wire between this process and a database server (the PostgreSQL source): for every statement
 * sent, the rows it returned and the bytes read from and written to the connection's socket (the protocol's bytes:
 * row data, column descriptions, command tags), with the time waited for it. Kept for the whole process (every
 * connection: the run's, the migration's earlier cut, the fingerprint), so timings.json and the tests can show that
 * only customer-level rows and aggregates travel (README "PostgreSQL"). Files read by DuckDB record nothing.
 */

/** One statement (or batch of statements sent together) and what came back. */
export interface StatementTraffic {
  /** the statement's text, whitespace collapsed, cut to 240 characters */
  sql: string;
  /** rows returned (summed over the statements of a batch) */
  rows: number;
  bytes_received: number;
  bytes_sent: number;
  /** wall time waited for the server's answer (the server's work, on a local server) */
  ms: number;
}

/** Totals over every statement, as timings.json shows them. */
export interface TrafficTotals {
  statements: number;
  rows_received: number;
  bytes_received: number;
  bytes_sent: number;
  /** the largest number of rows one statement returned */
  max_rows: number;
  /** time waited for the server, summed over statements */
  ms: number;
}

const log: StatementTraffic[] = [];

/** Records one statement's traffic. */
export function recordStatement(statement: StatementTraffic): void {
  log.push({ ...statement, sql: statement.sql.replace(/\s+/g, " ").trim().slice(0, 240) });
}

/** Every statement recorded so far in this process, in order. */
export function statementTraffic(): readonly StatementTraffic[] {
  return log;
}

/** Totals of the statements recorded from index `from` on (default: all); null when none were recorded. */
export function trafficTotals(from = 0): TrafficTotals | null {
  const statements = log.slice(from);
  if (!statements.length) return null;
  const sum = (key: "rows" | "bytes_received" | "bytes_sent" | "ms") =>
    statements.reduce((total, s) => total + s[key], 0);
  return {
    statements: statements.length,
    rows_received: sum("rows"),
    bytes_received: sum("bytes_received"),
    bytes_sent: sum("bytes_sent"),
    max_rows: Math.max(...statements.map((s) => s.rows)),
    ms: Math.round(sum("ms")),
  };
}
