/**
 * `npm run build` with the PostgreSQL source (a real server, test/support/postgres.ts): the report is published
 * from the database, with the figures the file path gives and no trace of the connection string in the site or
 * the report data's cache. The source's other tests are in test/sources/postgres.test.ts: npm test runs the files
 * that build the site apart from the others (test/support/run.mjs).
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadConfig, PROJECT_ROOT } from "../../loaders/config.ts";
import { ingest } from "../../loaders/pipeline/ingest.ts";
import { runBuild } from "../support/build.ts";
import { loadShop, SKIP_POSTGRES, startPostgres, type TestServer } from "../support/postgres.ts";
import { generateSmall, readSiteData } from "../support/report.ts";

const OUT = join(PROJECT_ROOT, "test-output", "postgres-build");
const PASSWORD = "s3cret-Pa55";

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("npm run build with the PostgreSQL source (a real server)", { skip: SKIP_POSTGRES }, () => {
  let server: TestServer;
  const saved = process.env.DATABASE_URL;

  before(async () => {
    server = await startPostgres();
    // the build reads the connection string from DATABASE_URL (the source's default url_env)
    process.env.DATABASE_URL = await loadShop(server, PASSWORD, generateSmall().data);
  });

  after(() => {
    server?.stop();
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  });

  it("publishes the report from the database, with the file path's figures and no trace of the connection string", async () => {
    // the file path's figures on the same lines (the file without the products.csv beside it: a database source
    // has none)
    mkdirSync(join(OUT, "small-data"), { recursive: true });
    const data = join(OUT, "small-data", "transactions.csv.gz");
    copyFileSync(generateSmall().data, data);
    const file = await ingest(loadConfig({ file: null, data, env: {} }));
    const expected = { customers: file.customers.length, revenue: file.revenue };
    await file.close();

    const config = join(OUT, "segment.config.json");
    writeFileSync(config, JSON.stringify({ source: { kind: "postgres", table: "public.small_text" } }));
    const out = join(PROJECT_ROOT, "test-output", "builds", "postgres");
    const result = runBuild({ name: "postgres", config }, ["--out", out]);
    assert.equal(result.status, 0, result.stderr.slice(-3000));
    assert.ok(!result.stderr.includes(PASSWORD) && !result.stdout.includes(PASSWORD));
    const meta = readSiteData(out, "meta");
    assert.equal(meta.customers, expected.customers);
    assert.ok(Math.abs(meta.revenue - expected.revenue) < 0.005, `revenue ${meta.revenue} vs ${expected.revenue}`);
    for (const path of filesUnder(out)) {
      const text = readFileSync(path, "utf8");
      assert.ok(
        !text.includes(PASSWORD) && !text.includes(`127.0.0.1:${server.port}`),
        `${path} mentions the connection`,
      );
    }
    for (const path of filesUnder(join(PROJECT_ROOT, ".segment-cache")).filter((f) => !f.includes("dist-build")))
      assert.ok(!readFileSync(path, "utf8").includes(PASSWORD), `${path} holds the password`);
  });
});
