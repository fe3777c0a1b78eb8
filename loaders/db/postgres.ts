/**
 * PostgreSQL as a SqlDatabase (the `pg` client): the connection string comes only from the environment variable
 * the source names (default DATABASE_URL), never from a file; it is never printed or logged, and every message
 * that leaves here has it and its password masked (`postgresql://user:***@host:5432/db`). Failures a user can fix
 * (server down, wrong password, no such table, no privilege) become one-line InputErrors.
 */
import pg from "pg";
import type { PostgresSource } from "../config.ts";
import { InputError } from "../errors.ts";
import type { LoadColumn, SqlDatabase } from "./database.ts";
import { POSTGRES } from "./dialect.ts";

/** The connection string from the environment; an InputError names the variable when it is unset or empty. */
export function connectionString(
  source: Pick<PostgresSource, "url_env">,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const url = env[source.url_env];
  if (!url || !url.trim())
    throw new InputError(
      `postgres source: environment variable ${source.url_env} is not set; set it to the connection string` +
        ` (postgresql://user:password@host:5432/database), or name another variable with "source.url_env"`,
    );
  return url.trim();
}

/** The password in a connection string (URL or key=value form), or null. */
function passwordOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.password) return decodeURIComponent(parsed.password);
  } catch {
    // not a URL: key=value form
  }
  const keyValue = /(?:^|\s)password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/.exec(url);
  return keyValue ? keyValue[1].replace(/^'|'$/g, "") : null;
}

/**
 * The connection string as it may be shown: the password replaced by ***.
 * @example maskUrl("postgresql://ann:s3cret@db:5432/shop") // "postgresql://ann:***@db:5432/shop"
 */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return url.replace(/((?:^|\s)password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/g, "$1***");
  }
}

/** `text` with the connection string and its password (as written and URL-decoded) replaced by their masked forms. */
export function maskSecrets(text: string, url: string): string {
  let out = text.split(url).join(maskUrl(url));
  const password = passwordOf(url);
  if (password) {
    for (const form of new Set([password, encodeURIComponent(password)])) out = out.split(form).join("***");
  }
  return out;
}

interface PgError extends Error {
  code?: string;
  errors?: Error[];
  address?: string;
  port?: number;
}

/** SQLSTATE / system codes that are the user's to fix, with what to say. */
function explain(error: PgError): string | null {
  const code = error.code ?? (error.errors?.find((e) => (e as PgError).code) as PgError | undefined)?.code;
  const message = (error.message || error.errors?.map((e) => e.message).join("; ") || String(error)).split("\n")[0];
  switch (code) {
    case "ECONNREFUSED":
      return `connection refused (${message.replace(/^connect ECONNREFUSED\s*/, "") || "no server"}; is the server running and listening there?)`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `unknown host (${message})`;
    case "ETIMEDOUT":
      return `the connection timed out (${message})`;
    case "28P01":
      return `authentication failed: ${message}`;
    case "28000":
      return `connection not allowed: ${message}`;
    case "3D000":
      return `${message}`;
    case "42501":
      return `${message} (the role in the connection string needs SELECT on the source, and TEMP on the database)`;
    case "57P01":
    case "57P03":
      return `the server is shutting down or starting (${message})`;
  }
  if (/timeout expired|Connection terminated/i.test(message)) return `the connection failed (${message})`;
  return null;
}

/**
 * An error from the client as a one-line error with secrets masked: an InputError for what the user can fix (see
 * `explain`), else an Error for a bug. `where` opens the message ("postgres (DATABASE_URL = postgresql://...)").
 */
export function postgresError(error: unknown, url: string, where: string): Error {
  const e = error as PgError;
  const known = explain(e);
  const detail = known ?? (e?.message ?? String(error)).split("\n")[0];
  const line = maskSecrets(`${where}: ${detail}`, url);
  return known ? new InputError(line) : new Error(line);
}

/** How the source is named in messages: the variable and the masked connection string. */
export function describeConnection(source: Pick<PostgresSource, "url_env">, url: string): string {
  return `postgres (${source.url_env} = ${maskUrl(url)})`;
}

// int8 (counts) and numeric as numbers: parseFloat is correctly rounded, like the engine's own cast to float8
const TYPES = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === 20 || oid === 1700) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as "text");
  },
};

const PG_TYPES: Record<LoadColumn["type"], string> = {
  text: "text",
  integer: "integer",
  bigint: "bigint",
  double: "float8",
};

/** Rows to insert per statement when loading a session table. */
const LOAD_BATCH = 50_000;

/**
 * Connects to the database named by `source.url_env` and returns it as a SqlDatabase. Session settings: shortest
 * exact float output (every float8 arrives bit for bit), UTC (timestamptz values become UTC timestamps), ISO and
 * month-first dates for text cast to a timestamp.
 */
export async function connectPostgres(
  source: PostgresSource,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SqlDatabase> {
  const url = connectionString(source, env);
  const where = describeConnection(source, url);
  let client: pg.Client;
  try {
    client = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: 15_000,
      types: TYPES,
      application_name: "segment-report",
    });
  } catch (error) {
    throw new InputError(maskSecrets(`${where}: not a valid connection string (${(error as Error).message})`, url));
  }
  let lost: Error | null = null;
  client.on("error", (error) => (lost = error)); // a dropped connection: reported by the next query
  try {
    await client.connect();
    await client.query(
      "SET extra_float_digits = 3; SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, MDY'; SET synchronize_seqscans = off; SET temp_buffers = '512MB'",
    );
  } catch (error) {
    await client.end().catch(() => undefined);
    throw postgresError(error, url, where);
  }
  const fail = (error: unknown) => postgresError(lost ?? error, url, where);
  const query = async <T>(sql: string, values?: unknown[]): Promise<T[]> => {
    try {
      const result = await client.query(sql, values);
      const rows = (Array.isArray(result) ? result[result.length - 1] : result).rows as Record<string, unknown>[];
      for (const row of rows)
        for (const [key, value] of Object.entries(row)) if (value instanceof Date) row[key] = value.toISOString();
      return rows as T[];
    } catch (error) {
      throw fail(error);
    }
  };
  let open = true;
  return {
    dialect: POSTGRES,
    duckdb: null,
    query: (sql) => query(sql),
    run: async (sql) => {
      await query(sql);
    },
    async load(name, columns: readonly LoadColumn[], rows) {
      const types = columns.map((c) => `${c.name} ${PG_TYPES[c.type]}`);
      await query(`DROP TABLE IF EXISTS pg_temp.${name}; CREATE TEMP TABLE ${name} (${types.join(", ")})`);
      const unnest = columns.map((c, i) => `$${i + 1}::${PG_TYPES[c.type]}[]`).join(", ");
      for (let start = 0; start < rows.length; start += LOAD_BATCH) {
        const batch = rows.slice(start, start + LOAD_BATCH);
        await query(
          `INSERT INTO ${name} SELECT * FROM unnest(${unnest})`,
          columns.map((_, i) => batch.map((row) => (typeof row[i] === "bigint" ? String(row[i]) : row[i]))),
        );
      }
      await query(`ANALYZE ${name}`);
    },
    // every float sum is ordered (db/dialect.ts): parallel plans give the same results
    deterministic: (work) => work(),
    async close() {
      if (!open) return;
      open = false;
      await client.end().catch(() => undefined);
    },
  };
}
