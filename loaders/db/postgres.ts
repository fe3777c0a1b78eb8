/**
 * PostgreSQL as a SqlDatabase (the `pg` client): the connection string comes only from the environment variable
 * the source names (default DATABASE_URL), never from a file; it is never printed or logged, and every message
 * that leaves here has it and its password masked (`postgresql://user:***@host:5432/db`). Failures a user can fix
 * (server down, wrong password, no such table, no privilege) become one-line InputErrors.
 */
import type * as Pg from "pg";
import { pgModule } from "./require.ts";
import type { PostgresSource } from "../config.ts";
import { InputError } from "../errors.ts";
import { onInterrupt } from "../interrupt.ts";
import type { LoadColumn, SqlDatabase } from "./database.ts";
import { POSTGRES } from "./dialect.ts";
import { recordStatement } from "./traffic.ts";

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

const FORMS = `postgresql://user:password@host:5432/database, or key=value pairs such as "host=db dbname=shop user=ann"`;

/** libpq key=value keys -> the pg client's settings. */
const KEYS: Record<string, keyof Pg.ClientConfig | "sslmode" | null> = {
  host: "host",
  hostaddr: "host",
  port: "port",
  dbname: "database",
  user: "user",
  password: "password",
  sslmode: "sslmode",
  application_name: null,
  connect_timeout: null,
  options: "options",
};

/** The SSL setting for a libpq sslmode. */
function sslFor(mode: string, variable: string): Pg.ClientConfig["ssl"] {
  if (["disable", "allow", "prefer"].includes(mode)) return false;
  if (mode === "require" || mode === "no-verify") return { rejectUnauthorized: false };
  if (mode === "verify-ca" || mode === "verify-full") return true;
  throw new InputError(
    `postgres (${variable}): sslmode "${mode.slice(0, 20)}" is not one of disable, prefer, require, verify-ca, verify-full`,
  );
}

/**
 * The client settings for the connection string held by `variable`: a postgres:// URL, or libpq key=value pairs.
 * Anything else is an InputError naming the variable and what is wrong, never showing its value (it may be a bare
 * password, or a URL whose unencoded password breaks it).
 */
export function clientSettings(url: string, variable: string): Pg.ClientConfig {
  if (/^postgres(ql)?:\/\//i.test(url)) {
    try {
      new URL(url);
    } catch {
      throw new InputError(
        `postgres (${variable}): not a valid connection string URL (characters such as # / ? @ : in the user or ` +
          `password must be percent-encoded: %23 %2F %3F %40 %3A); expected ${FORMS}; the value is not shown`,
      );
    }
    return { connectionString: url };
  }
  if (/^\s*[a-z_]+\s*=/i.test(url)) {
    const settings: Record<string, unknown> = {};
    const pair = /\s*([a-z_]+)\s*=\s*('(?:[^'\\]|\\.)*'|[^\s']*)/iy;
    let match: RegExpExecArray | null;
    let at = 0;
    while (at < url.length && (match = pair.exec(url))) {
      at = pair.lastIndex;
      const [, key, raw] = match;
      const value = raw.startsWith("'") ? raw.slice(1, -1).replace(/\\(.)/g, "$1") : raw;
      if (!(key in KEYS))
        throw new InputError(
          `postgres (${variable}): unknown key "${key.slice(0, 40)}" in the key=value connection string (known: ${Object.keys(KEYS).join(", ")}); the value is not shown`,
        );
      const setting = KEYS[key];
      if (setting === "sslmode") settings.ssl = sslFor(value, variable);
      else if (setting === "port") settings.port = Number(value);
      else if (setting) settings[setting] = value;
    }
    if (url.slice(at).trim())
      throw new InputError(
        `postgres (${variable}): not a valid key=value connection string; expected ${FORMS}; the value is not shown`,
      );
    return settings as Pg.ClientConfig;
  }
  throw new InputError(
    `postgres (${variable}): the variable does not hold a connection string; expected ${FORMS}; its value is not shown`,
  );
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
    case "55P03":
      return `waited longer than the lock timeout for a lock another session holds on the source (${message}; "source.lock_timeout_seconds" sets the wait)`;
    case "57014":
      return `${message}`;
    case "25006":
      return `${message}: the source is read in a read-only transaction, so a query may not change the database`;
    case "57P01":
    case "57P03":
      return `the server is shutting down or starting (${message})`;
  }
  if (/does not support SSL/i.test(message))
    return "the server does not accept SSL connections (the connection string asks for SSL: sslmode=require or verify-*)";
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
    return pgModule().types.getTypeParser(oid, format as "text");
  },
};

const PG_TYPES: Record<LoadColumn["type"], string> = {
  text: "text",
  integer: "integer",
  bigint: "bigint",
  double: "float8",
};

/** Seconds a statement waits for a lock another session holds before it stops (source.lock_timeout_seconds). */
export const DEFAULT_LOCK_TIMEOUT_SECONDS = 30;

/** Rows to insert per statement when loading a session table. */
const LOAD_BATCH = 50_000;
/** Rows a cursor fetches at a time (queryChunks): the customer table in pieces of this many customers. */
const CHUNK_ROWS = 10_000;

/**
 * Connects to the database named by `source.url_env` and returns it as a SqlDatabase. Session settings: read-only
 * transactions (only the session's temporary tables are written), a lock timeout (`source.lock_timeout_seconds`,
 * default 30), shortest exact float output (every float8 arrives bit for bit), UTC (timestamptz values become UTC
 * timestamps), ISO and month-first dates for text cast to a timestamp. On SIGINT/SIGTERM the running statement is
 * cancelled on the server.
 */
export async function connectPostgres(
  source: PostgresSource,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SqlDatabase> {
  const url = connectionString(source, env);
  const settings = clientSettings(url, source.url_env);
  const where = describeConnection(source, url);
  let client: Pg.Client;
  try {
    client = new (pgModule().Client)({
      ...settings,
      connectionTimeoutMillis: 15_000,
      types: TYPES,
      application_name: "segment-report",
    });
  } catch {
    throw new InputError(`${where}: not a valid connection string; expected ${FORMS}`);
  }
  // the connection's socket (after a TLS upgrade, the TLS socket): its byte counters measure what crossed the wire
  const socket = () =>
    (client as unknown as { connection: { stream: { bytesRead: number; bytesWritten: number } } }).connection.stream;
  /** Runs one statement (or batch) and records its rows and bytes (db/traffic.ts). */
  const send = async (sql: string, values?: unknown[]) => {
    const stream = socket();
    const [read, written, start] = [stream.bytesRead, stream.bytesWritten, performance.now()];
    const result = await client.query(sql, values);
    const results = Array.isArray(result) ? result : [result];
    const rows = results[results.length - 1].rows as Record<string, unknown>[];
    recordStatement({
      sql,
      rows: results.reduce((n, r) => n + (r.rows?.length ?? 0), 0),
      bytes_received: stream.bytesRead - read,
      bytes_sent: stream.bytesWritten - written,
      ms: performance.now() - start,
    });
    return rows;
  };
  let lost: Error | null = null;
  client.on("error", (error) => (lost = error)); // a dropped connection: reported by the next query
  const lockTimeout = Math.round((source.lock_timeout_seconds ?? DEFAULT_LOCK_TIMEOUT_SECONDS) * 1000);
  try {
    await client.connect();
    // read-only: every later statement runs in a read-only transaction (only session temp tables can be written),
    // so a query calling a function that deletes rows, or nextval(), fails instead of changing the database
    await send(
      "SET extra_float_digits = 3; SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, MDY'; SET synchronize_seqscans = off; " +
        `SET temp_buffers = '512MB'; SET lock_timeout = ${lockTimeout}; SET default_transaction_read_only = on`,
    );
    // PostgreSQL 14 and later: the server stops a query whose client is gone (killed) within a second
    await send("SET client_connection_check_interval = 1000").catch(() => undefined);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw postgresError(error, url, where);
  }
  // on Ctrl-C or SIGTERM, cancel the statement the server is running (it would otherwise go on waiting or working)
  let running = 0;
  const cancelRunning = async () => {
    if (!running) return;
    const canceller = new (pgModule().Client)({
      ...settings,
      connectionTimeoutMillis: 2000,
      application_name: "segment-report",
    });
    try {
      await canceller.connect();
      await canceller.query("SELECT pg_cancel_backend($1)", [(client as unknown as { processID: number }).processID]);
    } catch {
      // best effort: the server also notices the closed connection
    } finally {
      await canceller.end().catch(() => undefined);
    }
  };
  const forget = onInterrupt(cancelRunning);
  /**
   * Every statement runs in a read-only transaction, which refuses creating and dropping even the session's own
   * temporary tables. So a statement that makes a temporary table (db/dialect.ts createTable: DROP, CREATE ... AS
   * SELECT, ANALYZE) runs as an empty table made in a read-write transaction of its own (`WITH NO DATA`: the source
   * is planned, not read), filled by INSERT ... SELECT read-only; other DROP/CREATE of temporary tables alone run
   * read-write (they read nothing of the source), as do temporary views. Returns what is left to run read-only.
   */
  const readWrite = async (sql: string): Promise<void> => {
    try {
      await send(`BEGIN READ WRITE; ${sql}; COMMIT`);
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
  };
  const schemaChangesFirst = async (sql: string): Promise<string> => {
    const create = /^DROP TABLE IF EXISTS pg_temp\.(\w+); CREATE TEMP TABLE (\w+) AS ([\s\S]*); ANALYZE (\w+)$/.exec(
      sql,
    );
    if (create && create[1] === create[2] && create[2] === create[4]) {
      const [, name, , select] = create;
      await readWrite(
        `DROP TABLE IF EXISTS pg_temp.${name}; CREATE TEMP TABLE ${name} AS SELECT * FROM (${select}) s WITH NO DATA`,
      );
      return `INSERT INTO ${name} ${select}; ANALYZE ${name}`;
    }
    const drop = /^\s*DROP TABLE (?:IF EXISTS )?pg_temp\.\w+;(?: CREATE TEMP TABLE \w+ \([\w ,]*\))?\s*$/.exec(sql);
    // a temporary view is only a definition (over the session's tables): making it runs nothing
    if (drop || /^CREATE OR REPLACE TEMP VIEW \w+ AS /.test(sql)) {
      await readWrite(sql.trim().replace(/;$/, ""));
      return "";
    }
    return sql;
  };
  const fail = (error: unknown) => postgresError(lost ?? error, url, where);
  /** The rows with their dates as ISO strings, as DuckDB's plain rows give them (db/sql.ts). */
  const isoDates = <T>(rows: Record<string, unknown>[]): T[] => {
    for (const row of rows)
      for (const [key, value] of Object.entries(row)) if (value instanceof Date) row[key] = value.toISOString();
    return rows as T[];
  };
  const query = async <T>(sql: string, values?: unknown[]): Promise<T[]> => {
    running++;
    try {
      if (!values) sql = await schemaChangesFirst(sql);
      if (!sql.trim()) return [];
      return isoDates<T>(await send(sql, values));
    } catch (error) {
      throw fail(error);
    } finally {
      running--;
    }
  };
  /**
   * A query's rows CHUNK_ROWS at a time, through a cursor in a read-only transaction: node never holds the whole
   * result (at 9.7 million customers, the customer table as pg's row objects would not fit node's heap).
   */
  const queryChunks = async <T>(sql: string, take: (rows: T[]) => void): Promise<void> => {
    running++;
    // an error of `take` (ours, not the server's) goes on as it is, after the transaction is rolled back
    let taking = false;
    try {
      await send(`BEGIN READ ONLY; DECLARE segment_chunks NO SCROLL CURSOR FOR ${sql}`);
      for (;;) {
        const rows = await send(`FETCH ${CHUNK_ROWS} FROM segment_chunks`);
        taking = true;
        if (rows.length) take(isoDates<T>(rows));
        taking = false;
        if (rows.length < CHUNK_ROWS) break;
      }
      await send("CLOSE segment_chunks; COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw taking ? error : fail(error);
    } finally {
      running--;
    }
  };
  let open = true;
  return {
    dialect: POSTGRES,
    duckdb: null,
    query: (sql) => query(sql),
    queryChunks,
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
    async close() {
      if (!open) return;
      open = false;
      forget();
      await client.end().catch(() => undefined);
    },
  };
}
