/**
 * The PostgreSQL source against a real server (test/support/postgres.ts): on the same data the database path and the
 * file path give identical customers.csv, the same summary.json figures and the same report data; the one-line
 * errors (connection refused, authentication failed with the password masked, missing table or column, permission
 * denied, unset variable, bad config); `npm run pipeline` with the source. `npm run build` with it is in
 * test/sources/postgres-build.test.ts (npm test runs the files that build apart from the others).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadConfig, PROJECT_ROOT, type Config } from "../../loaders/config.ts";
import { connectionString, maskSecrets, maskUrl } from "../../loaders/db/postgres.ts";
import { statementTraffic, trafficTotals } from "../../loaders/db/traffic.ts";
import { InputError } from "../../loaders/errors.ts";
import { computeReport, runPipeline } from "../../loaders/pipeline/index.ts";
import { ingest, type IngestResult } from "../../loaders/pipeline/ingest.ts";
import { fingerprint } from "../../loaders/site/artifacts.ts";
import { NO_SHARED, ONLINE_RETAIL } from "../support/build.ts";
import { loadShop, SKIP_POSTGRES, startPostgres, TEXT_COLUMNS, type TestServer } from "../support/postgres.ts";
import { generateSmall } from "../support/report.ts";
import { requires } from "../support/skip.ts";
import { memo } from "../support/memo.ts";

const OUT = join(PROJECT_ROOT, "test-output", "postgres");
const REASONS = join(PROJECT_ROOT, "test/fixtures/ingest/reasons.csv");
const PASSWORD = "s3cret-Pa55";

/** Online Retail's columns, typed as a database would hold them (the customer id as a float, as pandas writes it). */
const TYPED_COLUMNS = `("InvoiceNo" text, "StockCode" text, "Description" text, "Quantity" integer, "InvoiceDate" timestamp,
  "UnitPrice" numeric, "CustomerID" double precision, "Country" text)`;

function fileConfig(data: string, overrides: Record<string, unknown> = {}): Config {
  return loadConfig({ file: null, data, env: {}, overrides });
}

function pgConfig(source: Record<string, unknown>, overrides: Record<string, unknown> = {}): Config {
  return loadConfig({ file: null, env: {}, overrides: { ...overrides, source: { kind: "postgres", ...source } } });
}

/** What must not differ between the paths: everything but where the data came from. */
function figures(result: IngestResult) {
  const { accounting, customers, revenue, orders, countries, period_start, period_end, snapshot_date } = result;
  return { accounting, customers, revenue, orders, countries, period_start, period_end, snapshot_date };
}

async function figuresOf(config: Config) {
  const result = await ingest(config);
  try {
    return figures(result);
  } finally {
    await result.close();
  }
}

/**
 * summary.json without `source`, `reader` and `dates` (a path vs a table; which reader; how a file's dates looked vs
 * the database's).
 */
function summaryFigures(dir: string): Record<string, unknown> {
  const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
  const { source: _source, reader, dates: _dates, ...rest } = summary;
  assert.ok(reader === "postgres" || reader === "delimited text", reader);
  return withoutModelIdentity(rest);
}

/**
 * A summary or page data without the saved model's identity: the model records the source it was trained on
 * (a file name or a table), and its id hashes that, so the two differ by design between a file and a database.
 * The glossary names the model by its id ("(model 48a26ea75a252620)"): that id is masked in every text too.
 */
function withoutModelIdentity<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  const masked = JSON.parse(JSON.stringify(value).replace(/\(model [0-9a-f]{16}\)/g, "(model <id>)")) as T;
  if (!("model" in (masked as object))) return masked;
  const copy = masked as { model?: { model_id?: unknown; training?: { source?: unknown } } };
  if (copy.model && typeof copy.model === "object") {
    delete copy.model.model_id;
    if (copy.model.training) delete copy.model.training.source;
  }
  return copy as T;
}

/** Asserts `run` rejects with a one-line InputError matching `pattern` that holds neither the password nor the URL. */
async function rejectsOneLine(run: () => Promise<unknown>, pattern: RegExp, url?: string): Promise<string> {
  let message = "";
  await assert.rejects(run, (error: Error) => {
    message = error.message;
    assert.ok(error instanceof InputError, `not an InputError: ${error.stack}`);
    assert.match(message, pattern);
    assert.ok(!message.includes("\n"), "more than one line");
    assert.ok(!message.includes(PASSWORD), `password in the message: ${message}`);
    if (url) assert.ok(!message.includes(url), "connection string in the message");
    return true;
  });
  return message;
}

describe("PostgreSQL configuration and secrets (no server)", () => {
  it("validates source: kind, table or query, the variable name, no connection string in the file", () => {
    const bad: [unknown, RegExp][] = [
      [{ kind: "mysql", table: "t" }, /setting "source.kind" should be "postgres"/],
      [{ kind: "postgres" }, /setting "source" should be either "table" or "query"/],
      [{ kind: "postgres", table: "t", query: "select 1" }, /either "table" or "query"/],
      [{ kind: "postgres", table: "t; drop table x" }, /setting "source.table" should be a table name/],
      [{ kind: "postgres", query: "delete from t" }, /setting "source.query" should be a SELECT statement/],
      [
        { kind: "postgres", table: "t", url_env: "MY-URL" },
        /setting "source.url_env" should be the name of an environment variable/,
      ],
      [
        { kind: "postgres", table: "t", url: "postgresql://a:b@h/d" },
        /"source.url" is not allowed: the connection string is read from the environment variable/,
      ],
      [{ kind: "postgres", table: "t", host: "h" }, /unknown setting "source.host"/],
      ["postgres://x", /setting "source" should be an object/],
    ];
    for (const [source, pattern] of bad)
      assert.throws(
        () => loadConfig({ file: null, env: {}, overrides: { source } }),
        (e: Error) => e instanceof InputError && pattern.test(e.message),
      );
    // decided: a customer-level table is read from files only; the multi-table form too
    assert.throws(
      () =>
        pgConfig(
          { table: "public.customers" },
          { layout: "customers", columns: { customer_id: "ID", recency: "Recency", monetary: "M", frequency: "F" } },
        ),
      (e: Error) =>
        e instanceof InputError &&
        /"layout": "customers" cannot be read from a PostgreSQL "source"/.test(e.message) &&
        !e.message.includes("\n"),
    );
    const ok = pgConfig({ table: 'public."Online Retail"' });
    assert.deepEqual(ok.source, { kind: "postgres", url_env: "DATABASE_URL", table: 'public."Online Retail"' });
    assert.equal(pgConfig({ query: "select * from t;" }).source?.query, "select * from t");
    // a data file on the command line is read instead of the configured database
    const dir = join(OUT, "config");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "segment.config.json"), JSON.stringify({ source: { kind: "postgres", table: "t" } }));
    assert.equal(loadConfig({ file: join(dir, "segment.config.json"), env: {}, data: REASONS }).source, null);
    assert.ok(loadConfig({ file: join(dir, "segment.config.json"), env: {} }).source);
  });

  it("names the unset variable", () => {
    assert.throws(
      () => connectionString({ url_env: "SHOP_DB_URL" }, {}),
      (e: Error) => e instanceof InputError && /environment variable SHOP_DB_URL is not set/.test(e.message),
    );
    assert.equal(connectionString({ url_env: "X" }, { X: " postgresql://h/d " }), "postgresql://h/d");
  });

  it("masks the password in URLs, key=value strings and messages", () => {
    assert.equal(maskUrl(`postgresql://ann:${PASSWORD}@db:5432/shop`), "postgresql://ann:***@db:5432/shop");
    assert.equal(maskUrl(`host=db password=${PASSWORD} dbname=shop`), "host=db password=*** dbname=shop");
    const url = `postgresql://ann:p%40ss@db/shop`;
    assert.equal(
      maskSecrets(`failed for ${url} with p@ss and p%40ss`, url),
      "failed for postgresql://ann:***@db/shop with *** and ***",
    );
  });
});

describe("PostgreSQL source (a real server)", { skip: SKIP_POSTGRES }, () => {
  let server: TestServer;
  let url: string;
  const saved = process.env.DATABASE_URL;

  before(async () => {
    server = await startPostgres();
    // the small demo data with every column as text: numbers and dates are parsed by the database
    url = await loadShop(server, PASSWORD, generateSmall().data);
    await server.psql(`CREATE ROLE outsider LOGIN PASSWORD '${PASSWORD}'`);
    const db = { database: "retail" };
    await server.psql(`CREATE TABLE public.reasons ${TEXT_COLUMNS}`, db);
    await server.copyCsv("public.reasons", REASONS, "retail");
    await server.psql(`CREATE TABLE public.reasons_typed ${TYPED_COLUMNS}`, db);
    await server.copyCsv("public.reasons_typed", REASONS, "retail");
    await server.psql("CREATE TABLE public.secret (x int)", db);
    await server.psql("GRANT SELECT ON public.reasons, public.reasons_typed TO segment", db);
    await server.psql("GRANT CONNECT, TEMP ON DATABASE retail TO outsider", db);
    process.env.DATABASE_URL = url;
  });

  after(() => {
    server?.stop();
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  });

  /**
   * The small demo data through the pipeline from the file and from the database (OUT/small-file and
   * OUT/small-postgres), once, for every test that compares with them.
   */
  const small = memo(async () => {
    // the file without the products.csv beside it (a database source has none: categories come from descriptions)
    mkdirSync(join(OUT, "small-data"), { recursive: true });
    const data = join(OUT, "small-data", "transactions.csv.gz");
    copyFileSync(generateSmall().data, data);
    const files = await runPipeline(fileConfig(data), join(OUT, "small-file"));
    const database = await runPipeline(pgConfig({ table: "public.small_text" }), join(OUT, "small-postgres"));
    return { data, files, database };
  });

  /**
   * The small demo data's page data from the database (public.small_text), computed once for the test that compares
   * it with the file path's and the one that bounds what the server sent for it: the files, and the statements and
   * traffic totals of that computation.
   */
  const smallReport = memo(async () => {
    const from = statementTraffic().length;
    const files = await computeReport(pgConfig({ table: "public.small_text" }), () => {});
    return { files, statements: statementTraffic().slice(from), totals: trafficTotals(from)! };
  });

  it("cleans, accounts and computes customer features inside the database exactly as the file path", async () => {
    const settings = [
      {},
      { cleaning: { drop_duplicates: true } },
      { cleaning: { drop_non_product_codes: false, drop_cancellations: false } },
      { revenue: "gross" },
      { cleaning: { drop_missing_customer: false } },
    ];
    for (const overrides of settings) {
      const file = await figuresOf(fileConfig(REASONS, overrides));
      const database = await figuresOf(pgConfig({ table: "public.reasons" }, overrides));
      assert.deepEqual(database, file, JSON.stringify(overrides));
    }
    const file = await figuresOf(fileConfig(REASONS));
    // the fixture's figures, counted by hand (test/fixtures/ingest/reasons.csv)
    assert.equal(file.accounting.rows_in, 14);
    assert.equal(file.accounting.dropped.cancellation, 3);
    assert.equal(file.customers.length, 3);
    // typed columns (integer, numeric, timestamp, a float customer id): the same customers and accounting, except
    // that a float id has no spelling to merge
    const typed = await figuresOf(pgConfig({ table: "public.reasons_typed" }));
    const { customer_ids: _typedIds, ...typedAccounting } = typed.accounting;
    const { customer_ids: _fileIds, ...fileAccounting } = file.accounting;
    assert.deepEqual({ ...typed, accounting: typedAccounting }, { ...file, accounting: fileAccounting });
    // a query instead of a table, with the columns mapped to other names
    const query = await figuresOf(
      pgConfig(
        {
          query: `SELECT "InvoiceNo" AS inv, "StockCode" AS sku, "Description", "Quantity" AS qty, "InvoiceDate" AS at, "UnitPrice" AS price, "CustomerID" AS client, "Country" FROM public.reasons`,
        },
        {
          columns: {
            invoice: "inv",
            stock_code: "sku",
            quantity: "qty",
            invoice_date: "at",
            unit_price: "price",
            customer_id: "client",
          },
        },
      ),
    );
    assert.deepEqual(query, file);
  });

  it("gives identical customers.csv, the same summary.json figures and the same report data (text columns)", async () => {
    const { data, files, database } = await small();
    assert.ok(files.summary.customers > 100);
    assert.equal(database.summary.source, "postgres table public.small_text");
    assert.match(readFileSync(join(OUT, "small-postgres", "summary.json"), "utf8"), /text read by PostgreSQL/);
    assert.equal(
      readFileSync(join(OUT, "small-postgres", "customers.csv"), "utf8"),
      readFileSync(join(OUT, "small-file", "customers.csv"), "utf8"),
    );
    assert.deepEqual(summaryFigures(join(OUT, "small-postgres")), summaryFigures(join(OUT, "small-file")));
    // every page's data: the line-level aggregates computed in PostgreSQL equal DuckDB's
    const quiet = () => {};
    const reportFile = await computeReport(fileConfig(data), quiet);
    const reportDatabase = (await smallReport()).files;
    const { data_file: fileName, ...metaFile } = reportFile["meta.json"] as Record<string, unknown>;
    const { data_file: tableName, ...metaDatabase } = reportDatabase["meta.json"] as Record<string, unknown>;
    assert.equal(fileName, "transactions.csv.gz");
    assert.equal(tableName, "public.small_text");
    assert.deepEqual(metaDatabase, metaFile);
    assert.deepEqual(Object.keys(reportDatabase).sort(), Object.keys(reportFile).sort());
    for (const name of Object.keys(reportFile).filter((n) => n !== "meta.json" && n !== "recognised.txt"))
      assert.deepEqual(withoutModelIdentity(reportDatabase[name]), withoutModelIdentity(reportFile[name]), name);
    assert.match(
      String(reportDatabase["recognised.txt"]),
      /^segment-report: input postgres table public\.small_text\n/,
    );
    assert.ok(!String(reportDatabase["recognised.txt"]).includes(PASSWORD));
  });

  it("channel, category and store columns: the channel mix, categories and stores per customer from the database equal the file path's", async () => {
    const db = { database: "retail" };
    // every order on one channel, as a shop database records it; categories by stock code
    await server.psql(
      `CREATE TABLE public.small_channel AS SELECT *,
         CASE WHEN "InvoiceNo" LIKE '%1' OR "InvoiceNo" LIKE '%7' THEN 'web' WHEN "InvoiceNo" LIKE '%3' THEN 'phone' ELSE 'store' END AS channel,
         CASE WHEN "StockCode" < '5' THEN 'Home' ELSE 'Gifts' END AS category,
         CASE WHEN "InvoiceNo" LIKE '%5' THEN 'Shop ' || right("InvoiceNo", 2) END AS store
       FROM public.small_text;
       GRANT SELECT ON public.small_channel TO segment`,
      db,
    );
    const dir = join(OUT, "channel");
    mkdirSync(dir, { recursive: true });
    const data = join(dir, "lines.csv");
    writeFileSync(data, await server.psql("COPY public.small_channel TO STDOUT WITH (FORMAT csv, HEADER true)", db));
    const quiet = () => {};
    const reportFile = await computeReport(fileConfig(data), quiet);
    const reportDatabase = await computeReport(pgConfig({ table: "public.small_channel" }), quiet);
    const audience = JSON.stringify(reportFile["audience.json"]);
    for (const channel of ["web", "phone", "store"]) assert.ok(audience.includes(`"${channel}"`), channel);
    assert.ok(JSON.stringify(reportFile["products.json"]).includes('"Gifts"'));
    assert.ok(audience.includes('"stores"') && audience.includes('"in_store"'));
    for (const name of Object.keys(reportFile).filter((n) => n !== "meta.json" && n !== "recognised.txt"))
      assert.deepEqual(withoutModelIdentity(reportDatabase[name]), withoutModelIdentity(reportFile[name]), name);
  });

  it("fingerprints the data by a count and checksum query, without the connection string", async () => {
    const config = pgConfig({ table: "public.reasons" });
    const first = await fingerprint(config);
    assert.equal(await fingerprint(config), first);
    await server.psql(`UPDATE public.reasons SET "Quantity" = '7' WHERE "StockCode" = '71053'`, { database: "retail" });
    const changed = await fingerprint(config);
    await server.psql(`UPDATE public.reasons SET "Quantity" = '6' WHERE "StockCode" = '71053'`, { database: "retail" });
    assert.notEqual(changed, first);
    assert.equal(await fingerprint(config), first);
  });

  it("stops with one line: connection refused, authentication failed (password masked), missing table or column, permission denied, unset variable", async () => {
    const withUrl = async (value: string | undefined, run: () => Promise<unknown>) => {
      const keep = process.env.DATABASE_URL;
      if (value === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = value;
      try {
        return await run();
      } finally {
        process.env.DATABASE_URL = keep;
      }
    };
    const table = pgConfig({ table: "public.reasons" });
    // a port nothing listens on: the server's own port + 1 is free only by chance, so ask the OS for a closed one
    const refused = `postgresql://segment:${PASSWORD}@127.0.0.1:1/retail`;
    await withUrl(refused, () => rejectsOneLine(() => ingest(table), /connection refused .*127\.0\.0\.1:1/, refused));
    const wrong = server.url("segment", `${PASSWORD}-wrong`, "retail");
    const message = (await withUrl(wrong, () =>
      rejectsOneLine(
        () => ingest(table),
        /postgres \(DATABASE_URL = postgresql:\/\/segment:\*\*\*@127\.0\.0\.1:\d+\/retail\): authentication failed: password authentication failed for user "segment"/,
        wrong,
      ),
    )) as string;
    assert.ok(!message.includes(`${PASSWORD}-wrong`));
    await rejectsOneLine(
      () => ingest(pgConfig({ table: "public.no_such_table" })),
      /postgres table public\.no_such_table: relation "public\.no_such_table" does not exist \(source\.table/,
    );
    await rejectsOneLine(
      () => ingest(pgConfig({ table: "public.reasons" }, { columns: { customer_id: "client" } })),
      /postgres table public\.reasons: column "client" \(columns\.customer_id in the configuration\) is not a column of the source; its columns are: "InvoiceNo"/,
    );
    await rejectsOneLine(
      () => ingest(pgConfig({ query: `SELECT "InvoiceNo", "nope" FROM public.reasons` })),
      /postgres query: the query failed: column "nope" does not exist/,
    );
    await server.psql(
      `CREATE TABLE public.no_price AS SELECT "InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "CustomerID" FROM public.reasons`,
      { database: "retail" },
    );
    await server.psql("GRANT SELECT ON public.no_price TO segment", { database: "retail" });
    await rejectsOneLine(
      () => ingest(pgConfig({ table: "public.no_price" })),
      /postgres table public\.no_price: missing required column unit_price; its columns are: "InvoiceNo"/,
    );
    await rejectsOneLine(
      () => ingest(pgConfig({ table: "public.secret" })),
      /permission denied for table secret \(the role in the connection string needs SELECT/,
    );
    const outsider = server.url("outsider", PASSWORD, "retail");
    await withUrl(outsider, () => rejectsOneLine(() => ingest(table), /permission denied for table reasons/, outsider));
    await withUrl(undefined, () => rejectsOneLine(() => ingest(table), /environment variable DATABASE_URL is not set/));
    // a bad value stops the run naming the column, as the file reader does
    await server.psql(`CREATE TABLE public.bad_qty AS SELECT * FROM public.small_text LIMIT 50`, {
      database: "retail",
    });
    await server.psql(
      `UPDATE public.bad_qty SET "Quantity" = 'six' WHERE ctid IN (SELECT ctid FROM public.bad_qty LIMIT 2); GRANT SELECT ON public.bad_qty TO segment`,
      { database: "retail" },
    );
    await rejectsOneLine(
      () => ingest(pgConfig({ table: "public.bad_qty" })),
      /postgres table public\.bad_qty: column "Quantity" \(quantity\): 2 rows are empty or not a number/,
    );
  });

  it("only customer-level rows and aggregates come back from the server; the finer results named here stay within their grain (issue 24)", async () => {
    const db = { database: "retail" };
    const one = async (sql: string) => Number((await server.psql(`COPY (${sql}) TO STDOUT`, db)).trim());
    // the grains, counted by psql on the table as loaded (every column text)
    const customer = `NULLIF(trim("CustomerID"), '')`;
    const withCustomer = `FROM public.small_text WHERE ${customer} IS NOT NULL`;
    const lines = await one("SELECT count(*) FROM public.small_text");
    const customers = await one(`SELECT count(DISTINCT ${customer}) ${withCustomer}`);
    const orders = await one(`SELECT count(DISTINCT "InvoiceNo") ${withCustomer}`);
    const days = await one(`SELECT count(DISTINCT (${customer}, "InvoiceDate"::timestamp::date)) ${withCustomer}`);
    const months = await one(
      `SELECT count(DISTINCT (${customer}, date_trunc('month', "InvoiceDate"::timestamp))) ${withCustomer}`,
    );
    const codes = await one(`SELECT count(DISTINCT "StockCode") FROM public.small_text`);
    // a line-level result would be far above every bound below
    assert.ok(lines > 4 * Math.max(customers, codes), JSON.stringify({ lines, customers, codes }));
    // the statements the page data's computation sent (smallReport: run here when this test runs alone)
    const { statements, totals } = await smallReport();
    assert.ok(statements.length > 50, `${statements.length} statements recorded`);
    // the statements whose rows are finer than a customer, with their grain; every other returns at most one row
    // per customer or per stock code (the product list), or is an aggregate per segment label (grouping, label) of
    // at most a weekday x hour grid each
    const finer: [RegExp, string, number][] = [
      [/ AS day, .* GROUP BY customer_id, invoice_date::DATE /, "customer-days", days],
      [
        / AS month, .* FROM lines WHERE customer_id IS NOT NULL GROUP BY customer_id, month /,
        "customer-months",
        months,
      ],
      [/^SELECT customer_id, units, value FROM report_orders /, "orders", orders],
    ];
    const perLabel = statements.find((s) => /^SELECT grouping, label, count\(\*\)::[\w ]+ AS orders, /.test(s.sql));
    assert.ok(perLabel && perLabel.rows >= 10, "the orders per segment label");
    const labels = perLabel.rows;
    // the returns are matched in the database: their lines never come here (the stack here is for fractional units)
    assert.ok(!statements.some((s) => /^WITH pairs AS/.test(s.sql)), "the returns matching's lines came here");
    const seen = new Set<string>();
    for (const s of statements) {
      const grain = finer.find(([pattern]) => pattern.test(s.sql));
      if (grain) seen.add(grain[1]);
      const [name, bound] = grain
        ? [grain[1], grain[2]]
        : /\bgrouping, label\b/.test(s.sql)
          ? [`cells of ${labels} segment labels x 7 x 24`, labels * 7 * 24]
          : ["customers or stock codes", Math.max(customers, codes)];
      assert.ok(s.rows <= bound, `${s.rows} rows (more than the ${bound} ${name}) from: ${s.sql}`);
      // the bytes follow the rows: no statement returns wide rows (at most 200 bytes a row, plus its description)
      assert.ok(s.bytes_received <= 2000 + 200 * s.rows, `${s.bytes_received} bytes for ${s.rows} rows: ${s.sql}`);
    }
    assert.deepEqual([...seen].sort(), finer.map(([, name]) => name).sort());
    assert.ok(totals.rows_received < lines, JSON.stringify(totals));
  });

  it("Scaling out: the returns netting's UPDATE joined on the customer too nets exactly the units the join on the line alone gave (bit for bit)", async () => {
    const result = await ingest(pgConfig({ table: "public.small_text" }));
    try {
      // the statement as it was before README "Scaling out": the matched units per purchase line, joined on the line
      const [check] = await result.db.query<{ matched: number; netted: number; differing: number; extra: number }>(
        `SELECT (SELECT count(DISTINCT purchase_row) FROM return_matches)::int AS matched,
           (SELECT count(*) FROM transactions WHERE returned IS NOT NULL)::int AS netted,
           (SELECT count(*) FROM transactions t
              JOIN (SELECT purchase_row, sum(units ORDER BY units) AS units FROM return_matches GROUP BY purchase_row) m
                ON t.row_id = m.purchase_row
            WHERE t.returned IS DISTINCT FROM m.units
               OR float8send(t.returned) IS DISTINCT FROM float8send(m.units))::int AS differing,
           (SELECT count(*) FROM transactions t WHERE returned IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM return_matches m WHERE m.purchase_row = t.row_id))::int AS extra`,
      );
      assert.ok(check.matched > 50, JSON.stringify(check));
      assert.deepEqual(check, { matched: check.matched, netted: check.matched, differing: 0, extra: 0 });
    } finally {
      await result.close();
    }
  });

  it("Scaling out: an ordered sum across customers equals the ascending sum of each distinct value repeated, bit for bit", async () => {
    const db = { database: "retail" };
    // the revenue of every line (NULL where a figure is not a number), as the pipeline's ordered sums add it
    const value = `CASE WHEN "Quantity" ~ '^-?[0-9]+$' AND "UnitPrice" ~ '^[0-9.]+$' THEN "Quantity"::float8 * "UnitPrice"::float8 END`;
    const bits = (sql: string) => server.psql(`COPY (SELECT float8send((${sql})::float8)) TO STDOUT`, db);
    const ordered = await bits(`SELECT sum(x ORDER BY x) FROM (SELECT ${value} AS x FROM public.small_text) lines`);
    // the form whose inner part Citus can run on the workers: per distinct value a count (combinable partials)
    const expanded = await bits(
      `SELECT sum(x ORDER BY x) FROM (SELECT x FROM (SELECT ${value} AS x, count(*) AS n FROM public.small_text GROUP BY 1) g,
         generate_series(1, g.n)) repeated`,
    );
    // per-customer sums added in order: the other way out, which changes the last bits
    const twoLevel = await bits(
      `SELECT sum(s ORDER BY s) FROM (SELECT sum(x ORDER BY x) AS s FROM (SELECT "CustomerID" AS c, ${value} AS x FROM public.small_text) l GROUP BY c) per`,
    );
    assert.match(ordered, /x[0-9a-f]{16}\n$/);
    assert.equal(expanded, ordered);
    assert.notEqual(twoLevel, ordered, "per-customer sums happen to give the same bits on this data");
  });

  it("npm run pipeline: one line on stderr with the password masked, exit 1; works with the source", async () => {
    await small();
    const dir = join(OUT, "cli");
    mkdirSync(dir, { recursive: true });
    const config = join(dir, "segment.config.json");
    writeFileSync(
      config,
      JSON.stringify({ source: { kind: "postgres", url_env: "SHOP_DB", table: "public.small_text" } }),
    );
    const run = (env: Record<string, string>) =>
      spawnSync(
        process.execPath,
        [join(PROJECT_ROOT, "loaders/cli/launch.mjs"), "pipeline", "--config", config, "--out", join(dir, "out")],
        {
          cwd: PROJECT_ROOT,
          env: { ...process.env, ...env, DATABASE_URL: "" },
          encoding: "utf8",
        },
      );
    const failed = run({ SHOP_DB: server.url("segment", "not-the-password", "retail") });
    assert.equal(failed.status, 1);
    assert.match(
      failed.stderr,
      /^segment-report: postgres \(SHOP_DB = postgresql:\/\/segment:\*\*\*@127\.0\.0\.1:\d+\/retail\): authentication failed/,
    );
    assert.equal(failed.stderr.trim().split("\n").length, 1);
    assert.ok(!failed.stderr.includes("not-the-password"));
    assert.ok(!existsSync(join(dir, "out")));
    const ok = run({ SHOP_DB: url });
    assert.equal(ok.status, 0, ok.stderr);
    assert.ok(!ok.stdout.includes(PASSWORD) && !ok.stderr.includes(PASSWORD));
    assert.equal(
      readFileSync(join(dir, "out", "customers.csv"), "utf8"),
      readFileSync(join(OUT, "small-postgres", "customers.csv"), "utf8"),
    );
    rmSync(join(dir, "out"), { recursive: true, force: true });
  });

  it(
    "Online Retail loaded with COPY: identical customers.csv and summary.json figures",
    { skip: requires(NO_SHARED) },
    async () => {
      await server.psql(`CREATE TABLE public.online_retail ${TEXT_COLUMNS}`, { database: "retail" });
      await server.copyCsv("public.online_retail", ONLINE_RETAIL, "retail");
      await server.psql("GRANT SELECT ON public.online_retail TO segment", { database: "retail" });
      const quiet = { log: () => {} };
      const file = await runPipeline(fileConfig(ONLINE_RETAIL), join(OUT, "retail-file"), quiet);
      const database = await runPipeline(
        pgConfig({ table: "public.online_retail" }),
        join(OUT, "retail-postgres"),
        quiet,
      );
      assert.equal(database.summary.rows_in, 541_909);
      assert.equal(database.summary.customers, file.summary.customers);
      assert.ok(file.summary.customers > 4_000);
      assert.equal(
        readFileSync(join(OUT, "retail-postgres", "customers.csv"), "utf8"),
        readFileSync(join(OUT, "retail-file", "customers.csv"), "utf8"),
      );
      assert.deepEqual(summaryFigures(join(OUT, "retail-postgres")), summaryFigures(join(OUT, "retail-file")));
    },
  );
});
