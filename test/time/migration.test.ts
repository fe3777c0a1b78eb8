/**
 * Segment migration: flows from hand-made placements; on the fixture, the earlier date's customers are those of
 * the lines before it (the same as a run on a file holding only those lines), and the flows add up to the customers
 * at both dates; on the demo data too, with the default setting (on: the data span more than twice 90 days).
 */
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadConfig, PROJECT_ROOT } from "../../loaders/config.ts";
import { ensureDemoData } from "../../loaders/demo/index.ts";
import { customersBefore, ingest } from "../../loaders/pipeline/ingest.ts";
import { runPipeline, type PipelineSummary } from "../../loaders/pipeline/index.ts";
import { migrationDates } from "../../loaders/pipeline/time.ts";
import { migrationFlows, NOT_NOW, NOT_YET, type Placed } from "../../loaders/time/migration.ts";

const WORK = join(PROJECT_ROOT, "test-output", "migration");
const FIXTURE = join(PROJECT_ROOT, "test", "fixtures", "time", "cohorts.csv");
mkdirSync(WORK, { recursive: true });
after(() => rmSync(WORK, { recursive: true, force: true }));

/** Flows by origin and by destination add up to the customers at each date. */
function assertAddsUp(summary: PipelineSummary): void {
  const m = summary.migration!;
  const from = m.flows.filter((f) => f.from !== NOT_YET).reduce((a, f) => a + f.customers, 0);
  const to = m.flows.filter((f) => f.to !== NOT_NOW).reduce((a, f) => a + f.customers, 0);
  assert.equal(from, m.customers_from);
  assert.equal(to, m.customers_to);
  assert.equal(m.customers_to, summary.customers);
  // revenue to the snapshot: the flows hold all of it
  const revenue = m.flows.reduce((a, f) => a + f.revenue, 0);
  assert.ok(Math.abs(revenue - summary.revenue) < 1e-6 * summary.revenue);
  for (const f of m.flows) assert.ok(f.no_purchase_since <= f.customers);
}

describe("migration", () => {
  it("flows from placements: new customers, customers gone, no purchase since", () => {
    const p = (id: string, segment: string, monetary: number, last: string): Placed => ({
      customer_id: id,
      segment,
      monetary,
      last_purchase: last,
    });
    const before = [
      p("1", "A", 10, "2024-01-05"),
      p("2", "A", 20, "2024-01-06"),
      p("3", "B", 5, "2024-01-01"),
      p("4", "B", 7, "2024-01-02"),
    ];
    const now = [
      p("1", "A", 15, "2024-03-01"),
      p("2", "B", 20, "2024-01-06"),
      p("3", "B", 5, "2024-01-01"),
      p("5", "A", 9, "2024-02-10"),
    ];
    const flows = migrationFlows(before, now, "2024-02-01", ["A", "B"]);
    assert.deepEqual(flows, [
      { from: "A", to: "A", customers: 1, revenue: 15, revenue_since: 5, no_purchase_since: 0 },
      { from: "A", to: "B", customers: 1, revenue: 20, revenue_since: 0, no_purchase_since: 1 },
      { from: "B", to: "B", customers: 1, revenue: 5, revenue_since: 0, no_purchase_since: 1 },
      { from: "B", to: NOT_NOW, customers: 1, revenue: 0, revenue_since: -7, no_purchase_since: 0 },
      { from: NOT_YET, to: "A", customers: 1, revenue: 9, revenue_since: 9, no_purchase_since: 0 },
    ]);
  });

  it("when it runs: twice days_before by default, 'always', 'never'", () => {
    const at = (when: "auto" | "always" | "never", days = 90) =>
      migrationDates({ migration: { days_before: days, when } }, "2024-01-01", "2024-06-01");
    assert.deepEqual(at("auto"), {
      note: 'the data span 152 days, less than twice migration.days_before (90); set "migration": {"when": "always"} to compare anyway',
    });
    assert.deepEqual(at("always"), { from_date: "2024-03-03" });
    assert.deepEqual(at("auto", 60), { from_date: "2024-04-02" });
    assert.ok("note" in at("never", 60));
    assert.ok("note" in at("always", 200));
  });

  it("the fixture: the earlier customers are those of the lines before the date; the flows add up", async () => {
    const config = loadConfig({
      file: null,
      data: FIXTURE,
      env: {},
      overrides: {
        clustering: { bootstrap_runs: 2, methods: { compare: false } },
        migration: { days_before: 60, when: "always" },
      },
    });
    const { summary } = await runPipeline(config, join(WORK, "fixture"), { log: () => {} });
    const m = summary.migration!;
    assert.equal(m.to_date, "2011-07-27");
    assert.equal(m.from_date, "2011-05-28");
    assertAddsUp(summary);
    // the same customers as a run on a file holding only the lines dated before the earlier date
    const [header, ...lines] = readFileSync(FIXTURE, "utf8").trimEnd().split("\n");
    const earlierFile = join(WORK, "earlier.csv");
    writeFileSync(earlierFile, [header, ...lines.filter((l) => l.split(",")[4] < m.from_date)].join("\n") + "\n");
    const earlier = await ingest(
      loadConfig({ file: null, data: earlierFile, env: {}, overrides: { snapshot_date: m.from_date } }),
    );
    await earlier.close();
    assert.equal(m.customers_from, earlier.customers.length);
    const newCustomers = m.flows.filter((f) => f.from === NOT_YET).reduce((a, f) => a + f.customers, 0);
    assert.equal(newCustomers, summary.customers - earlier.customers.length);
    assert.ok(m.centre_shift && m.centre_shift.length === summary.k);
  });

  it("a return made after the earlier date does not net the purchases made before it", async () => {
    // 17850 buys 10 of 85123A in January and returns them in June; 13047 returns half of a February purchase in
    // February, before the date (netted at both dates), and buys again in June
    const lines = [
      "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country",
      "536365,85123A,WHITE HANGING HEART,10,1/10/2011 8:26,2.55,17850,United Kingdom",
      "536366,71053,WHITE METAL LANTERN,6,1/12/2011 8:26,3.39,17850,United Kingdom",
      "536367,84406B,CREAM CUPID HEARTS,8,1/15/2011 9:00,2.75,13047,United Kingdom",
      "536368,22752,SET 7 BABUSHKA,4,2/01/2011 9:00,7.65,13047,United Kingdom",
      "C536369,22752,SET 7 BABUSHKA,-2,2/20/2011 9:00,7.65,13047,United Kingdom",
      "C536370,85123A,WHITE HANGING HEART,-10,6/10/2011 10:00,2.55,17850,United Kingdom",
      "536371,22752,SET 7 BABUSHKA,2,6/12/2011 9:00,7.65,13047,United Kingdom",
    ];
    const whole = join(WORK, "later-return.csv");
    const cut = join(WORK, "later-return-cut.csv");
    writeFileSync(whole, lines.join("\n") + "\n");
    // the lines dated before 2011-03-01 (the earlier date): the first five
    writeFileSync(cut, lines.slice(0, 6).join("\n") + "\n");
    const before = "2011-03-01";
    const features = (customers: { customer_id: string; monetary: number; frequency: number; recency: number }[]) =>
      customers.map((c) => [c.customer_id, c.monetary, c.frequency, c.recency]);
    const config = loadConfig({ file: null, data: whole, env: {} });
    const run = await ingest(config);
    const copied = await customersBefore(run, config, before);
    await run.close();
    const again = await ingest({ ...config, snapshot_date: before }, { before });
    await again.close();
    const truncated = await ingest(
      loadConfig({ file: null, data: cut, env: {}, overrides: { snapshot_date: before } }),
    );
    await truncated.close();
    const expected = features(truncated.customers);
    // at the earlier date 17850 has spent 10 x 2.55 + 6 x 3.39, the June return not yet made
    assert.deepEqual(
      expected.find(([id]) => id === "17850"),
      ["17850", 45.84, 2, 48],
    );
    assert.deepEqual(features(copied), expected, "the earlier cut from the run's lines");
    assert.deepEqual(features(again.customers), expected, "an ingest ending the day before the date");
  });

  it("the demo data: on by default, and the flows add up", async () => {
    const data = await ensureDemoData();
    // without the method comparison, which the migration does not read
    const config = loadConfig({
      file: null,
      data,
      env: {},
      overrides: { clustering: { bootstrap_runs: 2, methods: { compare: false } } },
    });
    const { summary } = await runPipeline(config, join(WORK, "demo"), { log: () => {} });
    assert.ok(summary.migration, summary.migration_note ?? "");
    assert.equal(summary.migration.days_before, 90);
    assertAddsUp(summary);
    // the cohorts partition the customers
    assert.equal(
      summary.cohorts.reduce((a, c) => a + c.customers, 0),
      summary.customers,
    );
  });
});
