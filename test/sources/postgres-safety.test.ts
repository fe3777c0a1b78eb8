/**
 * Issue 23 #2, #3, #6, #7, #13, #14 against a real PostgreSQL server (test/support/postgres.ts): passwords and the
 * variable's value are never printed; every statement runs read-only (a function that deletes rows, nextval());
 * a table locked by another session stops after the lock timeout with one line naming the table; Ctrl-C cancels
 * the server's query; sslmode=require against a server without SSL and a libpq key=value string are one line; a
 * figure beyond the plausible range (#7) stops with one line naming the column, the row, its invoice and customer.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { loadConfig, PROJECT_ROOT, type Config } from "../../loaders/config.ts";
import { connectPostgres } from "../../loaders/db/postgres.ts";
import { InputError } from "../../loaders/errors.ts";
import { ingest } from "../../loaders/pipeline/ingest.ts";
import { postgresBin, SKIP_POSTGRES, startPostgres, type TestServer } from "../support/postgres.ts";

const REASONS = join(PROJECT_ROOT, "test/fixtures/ingest/reasons.csv");
const PASSWORD = "Hunter2-#/x?y@z";
const TMP = mkdtempSync(join(tmpdir(), "segment-pg-safety-"));
after(() => rmSync(TMP, { recursive: true, force: true }));

function pgConfig(source: Record<string, unknown>): Config {
  return loadConfig({ file: null, env: {}, overrides: { source: { kind: "postgres", ...source } } });
}

/** Runs `work` with `vars` set in the environment, then restores it. */
async function withEnv<T>(vars: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await work();
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

async function oneLine(run: () => Promise<unknown>, pattern: RegExp, secrets: string[] = []): Promise<string> {
  let message = "";
  await assert.rejects(run, (error: Error) => {
    message = error.message;
    assert.ok(error instanceof InputError, `not an InputError: ${error.stack}`);
    assert.match(message, pattern);
    assert.ok(!message.includes("\n"));
    for (const secret of secrets) assert.ok(!message.includes(secret), `${secret} printed: ${message}`);
    return true;
  });
  return message;
}

describe("connection strings are never printed (issue 23 #2, #14), no server", () => {
  const table = pgConfig({ table: "public.t", url_env: "SHOP_DB" });
  it("a URL whose password holds # or / (not percent-encoded)", async () => {
    for (const value of [`postgresql://ann:${PASSWORD}@db:5432/shop`, "postgresql://ann:pa/ss@db/shop"])
      await withEnv({ SHOP_DB: value }, () =>
        oneLine(() => ingest(table), /postgres \(SHOP_DB\): not a valid connection string URL .*percent-encoded/, [
          "Hunter2",
          "pa/ss",
        ]),
      );
  });

  it("a variable holding a bare password, or PATH: named, its value not shown, no stack trace", async () => {
    await withEnv({ SHOP_DB: "Hunter2-secret" }, () =>
      oneLine(() => ingest(table), /postgres \(SHOP_DB\): the variable does not hold a connection string/, ["Hunter2"]),
    );
    await oneLine(
      () => ingest(pgConfig({ table: "public.t", url_env: "PATH" })),
      /postgres \(PATH\): the variable does not hold a connection string; .*its value is not shown/,
      [process.env.PATH!.split(":")[0]],
    );
  });

  it("a libpq key=value string with an unknown key names the key", async () => {
    await withEnv({ SHOP_DB: `host=db base=shop password=${PASSWORD}` }, () =>
      oneLine(() => ingest(table), /postgres \(SHOP_DB\): unknown key "base" in the key=value connection string/, [
        "Hunter2",
      ]),
    );
  });
});

describe("PostgreSQL source: read-only, lock timeout, interrupt (a real server)", { skip: SKIP_POSTGRES }, () => {
  let server: TestServer;
  let url: string;
  const db = { database: "retail" };
  before(async () => {
    server = await startPostgres();
    await server.psql(`CREATE ROLE segment LOGIN PASSWORD 'pw-segment'`);
    await server.psql("CREATE DATABASE retail OWNER segment");
    await server.psql(
      `CREATE TABLE public.reasons ("InvoiceNo" text, "StockCode" text, "Description" text, "Quantity" text, "InvoiceDate" text, "UnitPrice" text, "CustomerID" text, "Country" text)`,
      db,
    );
    await server.copyCsv("public.reasons", REASONS, "retail");
    await server.psql("CREATE TABLE public.victim AS SELECT generate_series(1, 5) AS x", db);
    await server.psql(
      "CREATE FUNCTION public.wipe() RETURNS int LANGUAGE sql AS 'DELETE FROM public.victim; SELECT 1'; CREATE SEQUENCE public.counter",
      db,
    );
    await server.psql("GRANT SELECT, DELETE ON public.reasons, public.victim TO segment", db);
    await server.psql("GRANT USAGE, UPDATE ON SEQUENCE public.counter TO segment", db);
    url = server.url("segment", "pw-segment", "retail");
  });
  after(() => server?.stop());

  it("runs every statement read-only: a function that deletes rows and nextval() are refused (#3)", async () => {
    await withEnv({ DATABASE_URL: url }, async () => {
      await oneLine(
        () => ingest(pgConfig({ query: "SELECT * FROM public.reasons WHERE public.wipe() = 1" })),
        /postgres query: .*cannot execute DELETE in a read-only transaction: the source is read in a read-only transaction/,
      );
      await oneLine(
        () => ingest(pgConfig({ query: "SELECT r.*, nextval('public.counter') AS n FROM public.reasons r" })),
        /cannot execute nextval\(\) in a read-only transaction/,
      );
    });
    assert.match(await server.psql("SELECT 'n=' || count(*) FROM public.victim", db), /n=5/, "no row deleted");
    assert.match(
      await server.psql("SELECT is_called FROM public.counter", db),
      /\bf\b/,
      "the sequence did not advance",
    );
  });

  /** Holds an exclusive lock on public.reasons until the returned function is called. */
  async function lockReasons(): Promise<() => Promise<void>> {
    const holder = spawn(
      join(postgresBin()!, "psql"),
      ["-X", "-q", "-h", "127.0.0.1", "-p", String(server.port), "-U", "postgres", "-d", "retail"],
      { env: { ...process.env, PGPASSWORD: server.password }, stdio: ["pipe", "ignore", "ignore"] },
    );
    holder.stdin.write("BEGIN; LOCK TABLE public.reasons IN ACCESS EXCLUSIVE MODE;\n");
    for (let i = 0; i < 100; i++) {
      const locked = await server.psql(
        "SELECT 'n=' || count(*) FROM pg_locks WHERE relation = 'public.reasons'::regclass AND mode = 'AccessExclusiveLock' AND granted",
        db,
      );
      if (/n=1/.test(locked)) break;
      await sleep(100);
    }
    return async () => {
      holder.stdin.end("ROLLBACK;\n");
      await new Promise((resolve) => holder.once("close", resolve));
    };
  }

  it("a table locked by another session: one line naming the table after lock_timeout_seconds (#6)", async () => {
    const release = await lockReasons();
    try {
      const started = performance.now();
      await withEnv({ DATABASE_URL: url }, () =>
        oneLine(
          () => ingest(pgConfig({ table: "public.reasons", lock_timeout_seconds: 1 })),
          /^postgres table public\.reasons: waited longer than the lock timeout for a lock another session holds on the source .*"source\.lock_timeout_seconds"/,
        ),
      );
      assert.ok(performance.now() - started < 10_000);
    } finally {
      await release();
    }
    assert.throws(
      () => pgConfig({ table: "t", lock_timeout_seconds: 0 }),
      /setting "source\.lock_timeout_seconds" should be a number of seconds between 0 and 3600/,
    );
  });

  it("Ctrl-C while the server waits: the query is cancelled on the server, exit 130 (#6)", async () => {
    const release = await lockReasons();
    try {
      const config = join(TMP, "segment.config.json");
      writeFileSync(config, JSON.stringify({ source: { kind: "postgres", table: "public.reasons" } }));
      const out = join(TMP, "out");
      mkdirSync(TMP, { recursive: true });
      const child = spawn(
        process.execPath,
        [join(PROJECT_ROOT, "loaders/cli/launch.mjs"), "pipeline", "--config", config, "--out", out],
        { cwd: PROJECT_ROOT, env: { ...process.env, DATABASE_URL: url }, stdio: ["ignore", "pipe", "pipe"] },
      );
      let stderr = "";
      child.stderr.on("data", (chunk) => (stderr += chunk));
      const waiting = () =>
        server.psql(
          "SELECT 'n=' || count(*) FROM pg_stat_activity WHERE application_name = 'segment-report' AND wait_event_type = 'Lock'",
          db,
        );
      for (let i = 0; i < 200 && !/n=1/.test(await waiting()); i++) await sleep(100);
      assert.match(await waiting(), /n=1/, "the pipeline's query waits for the lock");
      child.kill("SIGINT");
      const code = await new Promise((resolve) => child.once("exit", (status, signal) => resolve(status ?? signal)));
      assert.equal(code, 130, stderr);
      assert.match(stderr, /interrupted \(SIGINT\)/);
      assert.ok(!stderr.includes("pw-segment"));
      let left = "";
      for (let i = 0; i < 20; i++) {
        left = await server.psql(
          "SELECT 'n=' || count(*) FROM pg_stat_activity WHERE application_name = 'segment-report' AND state = 'active'",
          db,
        );
        if (/n=0/.test(left)) break;
        await sleep(100);
      }
      assert.match(left, /n=0/, "no query of the pipeline is left running on the server");
    } finally {
      await release();
    }
  });

  it("a figure beyond the plausible range stops with one line naming the column, the row and its invoice (#7)", async () => {
    // reasons.csv with one cell replaced (CASE keeps the rows in the file's order); values are shown as the
    // database holds them (the double nearest 99999999999999999999999 is 9.999999999999999e+22)
    const swap = (column: string, stockCode: string, value: string) =>
      `CASE WHEN "StockCode" = '${stockCode}' THEN '${value}' ELSE "${column}" END AS "${column}"`;
    const columns = (over: Record<string, string>) =>
      ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"]
        .map((c) => over[c] ?? `"${c}"`)
        .join(", ");
    await server.psql(
      `CREATE TABLE public.implausible AS SELECT ${columns({ Quantity: swap("Quantity", "71053", "99999999999999999999999") })} FROM public.reasons;
       GRANT SELECT ON public.implausible TO segment`,
      db,
    );
    const query = (over: Record<string, string>) => pgConfig({ query: `SELECT ${columns(over)} FROM public.reasons` });
    await withEnv({ DATABASE_URL: url }, async () => {
      await oneLine(
        () => ingest(pgConfig({ table: "public.implausible" })),
        /^postgres table public\.implausible: column "Quantity" \(quantity\): 9\.999999999999999e\+22 in row 2 \(invoice "536365", stock code "71053", customer "17850"\) is beyond the plausible range \(at most 1e9 in size\); correct the value or the column mapping$/,
      );
      await oneLine(
        () => ingest(query({ UnitPrice: swap("UnitPrice", "85123A", "1e13") })),
        /^postgres query: column "UnitPrice" \(unit_price\): 10000000000000 in row 1 \(invoice "536365", stock code "85123A", customer "17850"\) is beyond the plausible range \(at most 1e12 in size\)/,
      );
      // each factor plausible, their product not
      await oneLine(
        () =>
          ingest(query({ Quantity: swap("Quantity", "71053", "1e8"), UnitPrice: swap("UnitPrice", "71053", "1e10") })),
        /^postgres query: row 2 \(invoice "536365", stock code "71053", customer "17850"\): the line's revenue \(Quantity 100000000 x UnitPrice 10000000000\) is beyond the range a figure can hold \(at most 1e15\); correct the value$/,
      );
      // a product that overflows a double: PostgreSQL's own error named no row
      await oneLine(
        () =>
          ingest(
            query({ Quantity: swap("Quantity", "71053", "1e200"), UnitPrice: swap("UnitPrice", "71053", "1e200") }),
          ),
        /^postgres query: column "Quantity" \(quantity\): 1e\+200 in row 2 \(invoice "536365", stock code "71053", customer "17850"\) is beyond/,
      );
    });
  });

  it("queryChunks reads a large result through a cursor, 10,000 rows at a time, in order; an error of the reader's own goes on as it is", async () => {
    await withEnv({ DATABASE_URL: url }, async () => {
      const database = await connectPostgres(pgConfig({ table: "public.reasons" }).source!);
      try {
        const sql =
          "SELECT i, TIMESTAMP '2011-01-01' + i * INTERVAL '1 minute' AS at FROM generate_series(1, 25001) AS i ORDER BY i";
        const chunks: { i: number; at: string }[][] = [];
        await database.queryChunks<{ i: number; at: string }>(sql, (rows) => chunks.push(rows));
        assert.deepEqual(
          chunks.map((c) => c.length),
          [10_000, 10_000, 5_001],
        );
        const rows = chunks.flat();
        assert.ok(
          rows.every((r, n) => r.i === n + 1),
          "every row, in order",
        );
        assert.equal(rows[25_000].at, new Date(Date.UTC(2011, 0, 1) + 25_001 * 60_000).toISOString());
        const mine = new Error("the reader's own");
        await assert.rejects(
          database.queryChunks(sql, () => {
            throw mine;
          }),
          (error) => error === mine,
        );
        // the cursor's transaction was rolled back: the connection goes on
        assert.deepEqual(await database.query("SELECT 1 AS one"), [{ one: 1 }]);
        await database.queryChunks<{ i: number; at: string }>("SELECT 1 AS i, '' AS at WHERE false", (rows) =>
          chunks.push(rows),
        );
        assert.equal(chunks.length, 3, "no rows, no chunk");
      } finally {
        await database.close();
      }
    });
  });

  it("sslmode=require against a server without SSL, and a key=value string, are one line (#13, #14)", async () => {
    await withEnv({ DATABASE_URL: `${url}?sslmode=require` }, () =>
      oneLine(() => ingest(pgConfig({ table: "public.reasons" })), /the server does not accept SSL connections/, [
        "pw-segment",
      ]),
    );
    const keyValue = `host=127.0.0.1 port=${server.port} dbname=retail user=segment password='pw-segment'`;
    await withEnv({ DATABASE_URL: keyValue }, async () => {
      const database = await connectPostgres(pgConfig({ table: "public.reasons" }).source!);
      try {
        assert.deepEqual(await database.query("SELECT current_user AS u"), [{ u: "segment" }]);
      } finally {
        await database.close();
      }
    });
  });
});
