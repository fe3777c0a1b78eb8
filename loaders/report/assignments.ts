/**
 * The customer -> segment mapping, registered as a table of the analysis database (DuckDB, or the PostgreSQL source)
 * so aggregates can join it.
 */
import type { LoadColumn, SqlDatabase } from "../db/database.ts";

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
 * Creates (or replaces) the session table `report_customers(customer_id, country, rfm_segment, k2, k3, ...)` with
 * one row per customer (DuckDB: through its appender; PostgreSQL: uploaded in batches).
 */
export async function registerAssignments(
  db: SqlDatabase,
  ks: readonly number[],
  rows: readonly CustomerAssignment[],
  table = "report_customers",
): Promise<void> {
  const columns: LoadColumn[] = [
    { name: "customer_id", type: "text" },
    { name: "country", type: "text" },
    { name: "rfm_segment", type: "text" },
    ...ks.map((k): LoadColumn => ({ name: kColumn(k), type: "integer" })),
  ];
  await db.load(
    table,
    columns,
    rows.map((row) => [row.customer_id, row.country, row.rfm_segment, ...row.labels.slice(0, ks.length)]),
  );
}
