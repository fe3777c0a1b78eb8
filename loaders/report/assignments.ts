/**
 * The customer -> segment mapping, registered as a DuckDB table so aggregates can join it.
 */
import type { DuckDBConnection } from "@duckdb/node-api";

/** One customer's row in the mapping table. */
export interface CustomerAssignment {
  customer_id: string;
  country: string;
  rfm_segment: string;
  /** cluster label per k, in the order of the `ks` passed to registerAssignments */
  labels: number[];
}

/** The mapping table's column holding the labels of `k`. */
export const kColumn = (k: number): string => `k${Math.trunc(k)}`;

/**
 * Creates (or replaces) the table `report_customers(customer_id, country, rfm_segment, k2, k3, ...)` with one row
 * per customer, through DuckDB's appender.
 */
export async function registerAssignments(
  conn: DuckDBConnection,
  ks: readonly number[],
  rows: readonly CustomerAssignment[],
  table = "report_customers",
): Promise<void> {
  const columns = ks.map((k) => `${kColumn(k)} INTEGER NOT NULL`).join(", ");
  await conn.run(
    `CREATE OR REPLACE TABLE ${table} (customer_id VARCHAR PRIMARY KEY, country VARCHAR, rfm_segment VARCHAR${columns ? `, ${columns}` : ""})`,
  );
  const appender = await conn.createAppender(table);
  try {
    for (const row of rows) {
      appender.appendVarchar(row.customer_id);
      appender.appendVarchar(row.country);
      appender.appendVarchar(row.rfm_segment);
      for (let i = 0; i < ks.length; i++) appender.appendInteger(row.labels[i]);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
