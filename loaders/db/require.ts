/**
 * CommonJS packages loaded with `require`. Node's ESM `import` of a CommonJS package first scans every file it
 * re-exports for its export names (cjs-module-lexer): for @duckdb/node-api that is about 0.2 s of CPU time at every
 * start, for pg about 0.07 s; `require` skips the scan. Types still come from the packages' declarations.
 */
import { createRequire } from "node:module";
import type * as DuckDB from "@duckdb/node-api";
import type * as Pg from "pg";

const require = createRequire(import.meta.url);

/** @duckdb/node-api, loaded on first use. */
export function duckdbModule(): typeof DuckDB {
  return require("@duckdb/node-api") as typeof DuckDB;
}

/** pg, loaded on first use (only a PostgreSQL source needs it). */
export function pgModule(): typeof Pg {
  return require("pg") as typeof Pg;
}
