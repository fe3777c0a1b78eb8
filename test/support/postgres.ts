/**
 * A real PostgreSQL server for tests: `initdb` into a temporary folder (as the `postgres` user when run as root),
 * listening on 127.0.0.1 only, on a free port, with scram-sha-256 passwords (so authentication failures are real),
 * stopped and removed by `stop()` (and at process exit). Where no server can be started the tests skip with the
 * reason, except in CI (CI set) and with SEGMENT_TEST_STRICT=1, where they fail with it: `.ci/run` installs
 * Debian's `postgresql` and sets SEGMENT_TEST_STRICT=1.
 */
import { spawn, spawnSync, type SpawnSyncOptions } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { freePort } from "./port.ts";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { STRICT } from "./skip.ts";

/** The newest PostgreSQL installed the Debian way, or null. */
export function postgresBin(): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], "bin") : null;
}

/** Why the PostgreSQL tests cannot run here (false when they can); in CI they fail with this reason instead. */
export const NO_POSTGRES: string | false = postgresBin()
  ? false
  : "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb; apt-get install postgresql)";

/**
 * `skip` option for describe(): the reason on a developer's machine; in CI and with SEGMENT_TEST_STRICT=1 never
 * (the suite then fails in `startPostgres` with the reason).
 */
export const SKIP_POSTGRES: string | false = STRICT ? false : NO_POSTGRES;

export interface TestServer {
  port: number;
  /** the superuser's password */
  password: string;
  /** a connection URL */
  url(user: string, password: string, database?: string): string;
  /** runs SQL as the superuser with psql (ON_ERROR_STOP); `stdin` feeds a COPY ... FROM STDIN */
  psql(sql: string, options?: { database?: string; stdin?: string }): Promise<string>;
  /** COPY a CSV file (gzipped or not, with a header line) into `table` */
  copyCsv(table: string, file: string, database?: string): Promise<void>;
  stop(): void;
}

/** Starts a server; throws one line when it cannot. */
export async function startPostgres(): Promise<TestServer> {
  const bin = postgresBin();
  if (!bin) throw new Error(NO_POSTGRES as string);
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), "segment-pg-"));
  const data = join(dir, "data");
  const password = randomBytes(12).toString("hex");
  writeFileSync(join(dir, "pwfile"), `${password}\n`);
  const as = (command: string, args: string[], options: SpawnSyncOptions = {}) => {
    const [cmd, argv] = root
      ? ["setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", command, ...args]]
      : [command, args];
    const result = spawnSync(cmd, argv, { encoding: "utf8", ...options });
    if (result.status !== 0)
      throw new Error(
        `postgres test server: ${command.split("/").pop()} failed: ${String(
          result.stderr || result.stdout || result.error,
        )
          .trim()
          .split("\n")
          .pop()}`,
      );
    return result;
  };
  if (root) {
    const owner = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
    if (owner.status !== 0)
      throw new Error("postgres test server: no `postgres` user to run the server as (apt-get install postgresql)");
    spawnSync("chown", ["-R", "postgres:postgres", dir]);
  }
  as(join(bin, "initdb"), [
    "-D",
    data,
    "-U",
    "postgres",
    "--auth=scram-sha-256",
    `--pwfile=${join(dir, "pwfile")}`,
    "-E",
    "UTF8",
    "--locale=C.UTF-8",
  ]);
  // PostgreSQL cannot listen on port 0, so the port is one the operating system just handed out (listen on 0);
  // should another process take it before the server binds it, the start fails and is tried on a new one
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    try {
      as(join(bin, "pg_ctl"), ["-D", data, "-l", join(dir, "server.log"), "-o", options, "-w", "-t", "60", "start"]);
      break;
    } catch (error) {
      const log = existsSync(join(dir, "server.log")) ? readFileSync(join(dir, "server.log"), "utf8") : "";
      if (attempt >= 5 || !/could not bind|Address already in use/.test(log)) throw error;
    }
  }
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    spawnSync(
      ...((root
        ? [
            "setpriv",
            [
              "--reuid=postgres",
              "--regid=postgres",
              "--init-groups",
              join(bin, "pg_ctl"),
              "-D",
              data,
              "-m",
              "immediate",
              "-w",
              "stop",
            ],
          ]
        : [join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]]) as [string, string[]]),
      { encoding: "utf8" },
    );
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", stop);
  const url = (user: string, pass: string, database = "postgres") =>
    `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@127.0.0.1:${port}/${database}`;
  const psqlArgs = (database: string) => [
    "-X",
    "-q",
    "-v",
    "ON_ERROR_STOP=1",
    "-h",
    "127.0.0.1",
    "-p",
    String(port),
    "-U",
    "postgres",
    "-d",
    database,
  ];
  const psqlEnv = { ...process.env, PGPASSWORD: password, PGOPTIONS: "-c datestyle=ISO,MDY" };
  const runPsql = (args: string[], input?: NodeJS.ReadableStream | string): Promise<string> =>
    new Promise((resolve, reject) => {
      const child = spawn(join(bin, "psql"), args, { env: psqlEnv, stdio: ["pipe", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.on("data", (chunk) => (out += chunk));
      child.stderr.on("data", (chunk) => (err += chunk));
      child.on("error", reject);
      child.on("close", (code) =>
        code === 0 ? resolve(out) : reject(new Error(`psql: ${err.trim().split("\n")[0]}`)),
      );
      if (typeof input === "string") child.stdin.end(input);
      else if (input) pipeline(input, child.stdin).catch(reject);
      else child.stdin.end();
    });
  return {
    port,
    password,
    url,
    psql: (sql, options = {}) => runPsql([...psqlArgs(options.database ?? "postgres"), "-c", sql], options.stdin),
    async copyCsv(table, file, database = "postgres") {
      const raw = createReadStream(file);
      const input = file.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
      await runPsql([...psqlArgs(database), "-c", `COPY ${table} FROM STDIN WITH (FORMAT csv, HEADER true)`], input);
    },
    stop,
  };
}

/** Online Retail's eight columns, all as text, as a CSV loaded with COPY: numbers and dates are read by the database. */
export const TEXT_COLUMNS = `("InvoiceNo" text, "StockCode" text, "Description" text, "Quantity" text, "InvoiceDate" text,
  "UnitPrice" text, "CustomerID" text, "Country" text)`;

/**
 * A shop database on `server`: the role `segment` (password `password`) owns the database `retail`, whose table
 * `public.small_text` holds `data` (a CSV in Online Retail's layout) with every column as text and which
 * `segment` may read. Returns segment's connection URL.
 */
export async function loadShop(server: TestServer, password: string, data: string): Promise<string> {
  await server.psql(`CREATE ROLE segment LOGIN PASSWORD '${password}'`);
  await server.psql("CREATE DATABASE retail OWNER segment");
  await server.psql(`CREATE TABLE public.small_text ${TEXT_COLUMNS}`, { database: "retail" });
  await server.copyCsv("public.small_text", data, "retail");
  await server.psql("GRANT SELECT ON public.small_text TO segment", { database: "retail" });
  return server.url("segment", password, "retail");
}
