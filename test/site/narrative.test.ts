/**
 * No figure in the report is typed by hand: built on two different data sets, the headline numbers differ and
 * each equals what the command-line pipeline writes to summary.json for the same file, and Online Retail's equal
 * pandas' (test/fixtures/net/net_revenue.py).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { test } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { buildReport, NO_SHARED, ONLINE_RETAIL } from "../support/build.ts";
import { readHeadline, readSiteData, type Headline } from "../support/report.ts";
import { requires } from "../support/skip.ts";

function pipelineSummary(data: string): any {
  const out = mkdtempSync(join(tmpdir(), "segment-summary-"));
  const env = { ...process.env };
  delete env.SEGMENT_DATA;
  delete env.SEGMENT_CONFIG;
  // the default settings but for the method comparison and the migration, which no headline figure reads
  const config = join(out, "headline.config.json");
  writeFileSync(config, JSON.stringify({ clustering: { methods: { compare: false } }, migration: { when: "never" } }));
  const args = ["loaders/cli/launch.mjs", "pipeline", "--data", data, "--config", config, "--out", join(out, "run")];
  const result = spawnSync(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env,
    encoding: "utf8",
  });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(readFileSync(join(out, "run", "summary.json"), "utf8"));
}

function assertMatches(headline: Headline, summary: any, label: string): void {
  assert.equal(headline.customers, summary.customers, `${label}: customers`);
  assert.equal(headline.orders, summary.orders, `${label}: orders`);
  assert.ok(
    Math.abs(headline.revenue - summary.revenue) < 0.01,
    `${label}: revenue ${headline.revenue} vs ${summary.revenue}`,
  );
  assert.equal(headline.period_start, summary.period_start, `${label}: period start`);
  assert.equal(headline.period_end, summary.period_end, `${label}: period end`);
  assert.equal(headline.k, summary.k, `${label}: k`);
}

test(
  "headline numbers follow the data: demo and Online Retail differ, each matches the pipeline's summary.json",
  { skip: requires(NO_SHARED) },
  async () => {
    const demo = await buildReport({ name: "demo" });
    const retail = await buildReport({ name: "online-retail", data: ONLINE_RETAIL });
    const a = readHeadline(demo.dir);
    const b = readHeadline(retail.dir);
    for (const key of ["customers", "orders", "revenue", "period_start", "period_end"] as const)
      assert.notEqual(a[key], b[key], `${key} differs between the data sets`);
    assertMatches(a, pipelineSummary(join(PROJECT_ROOT, "data", "demo", "transactions.csv.gz")), "demo");
    assertMatches(b, pipelineSummary(ONLINE_RETAIL), "online retail");
    // the build and the CLI both come from analyse(); the independent check: pandas' figures for Online Retail
    // (test/fixtures/net/net_revenue.py: customers, orders and net revenue under the default policy)
    const pandas = JSON.parse(
      gunzipSync(
        readFileSync(join(PROJECT_ROOT, "test", "fixtures", "net", "online_retail_expected.json.gz")),
      ).toString("utf8"),
    );
    assert.equal(b.customers, pandas.customers, "Online Retail customers, as pandas counts them");
    assert.equal(b.orders, pandas.orders, "Online Retail orders, as pandas counts them");
    assert.ok(
      Math.abs(b.revenue - pandas.net_revenue) < 0.01,
      `net revenue ${b.revenue} vs pandas ${pandas.net_revenue}`,
    );
    // the concentration sentence carries the computed shares, not typed ones
    for (const dir of [demo.dir, retail.dir]) {
      const overview = readSiteData(dir, "overview");
      const insights = JSON.stringify(readSiteData(dir, "insights"));
      const share = (overview.concentration.customer_share * 100).toFixed(1);
      assert.ok(insights.includes(`${share}%`), `insights mention ${share}% of customers`);
    }
  },
);
