/**
 * Customer-level tables (layout "customers"): column mapping and summing, the set-aside rules on a fixture, and
 * the marketing_campaign data set against pandas (expected values by test/fixtures/customers/make_expected.py),
 * through the pipeline (customers.csv, summary.json) and the report data.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { DEFAULT_CONFIG, loadConfig, PROJECT_ROOT, validateConfig, type Config } from "../../loaders/config.ts";
import { parseSignupDates } from "../../loaders/customers/table.ts";
import { InputError } from "../../loaders/errors.ts";
import { computeReport, runPipeline } from "../../loaders/pipeline/index.ts";
import { ingest } from "../../loaders/pipeline/ingest.ts";
import { writeWorkbook } from "../support/workbook.ts";
import { requires } from "../support/skip.ts";

const FIXTURES = join(PROJECT_ROOT, "test", "fixtures", "customers");
const SHARED = resolve(PROJECT_ROOT, "..", "shared", "data", "marketing_campaign.tsv.gz");
const TMP = mkdtempSync(join(tmpdir(), "segment-customers-test-"));
after(() => rmSync(TMP, { recursive: true, force: true }));

const RULES_COLUMNS = {
  customer_id: "ID",
  recency: "Recency",
  signup_date: "Dt_Customer",
  monetary: ["MntWines", "MntMeat"],
  frequency: ["NumWeb", "NumStore"],
  responses: ["Response"],
};

function configFor(file: string, patch: Record<string, unknown> = {}): Config {
  const base = structuredClone(DEFAULT_CONFIG);
  const clustering = {
    ...base.clustering,
    k_min: 2,
    k_max: 2,
    bootstrap_runs: 2,
    ...((patch.clustering as object) ?? {}),
  };
  return validateConfig({
    ...base,
    layout: "customers",
    columns: RULES_COLUMNS,
    ...patch,
    clustering,
    data: file,
    data_source: "override",
    config_file: null,
  } as Config);
}

async function inputError(config: Config): Promise<string> {
  try {
    (await ingest(config)).close();
  } catch (error) {
    assert.ok(error instanceof InputError, (error as Error).stack);
    return error.message;
  }
  assert.fail("expected an InputError");
}

describe("customer-level table rules (rules.tsv)", () => {
  it("sums listed columns and sets rows aside under the first reason that applies", async () => {
    const result = await ingest(
      configFor(join(FIXTURES, "rules.tsv"), {
        clustering: { features: ["recency", "frequency", "monetary", "Income"] },
      }),
    );
    try {
      const { rows_in, rows_kept, dropped } = result.accounting;
      assert.deepEqual(
        { rows_in, rows_kept, dropped },
        {
          rows_in: 8,
          rows_kept: 3,
          dropped: { missing_customer: 1, duplicate_customer: 1, missing_value: 1, impossible_value: 2 },
        },
      );
      assert.deepEqual(
        result.customers.map((c) => [
          c.customer_id,
          c.recency,
          c.frequency,
          c.monetary,
          c.first_purchase,
          c.extra?.Income,
        ]),
        [
          ["3", 70, 0, 2, "2013-01-01", 20000],
          ["7", 10, 5, 150, "2012-09-04", 50000],
          ["12", 5, 10, 600, "2013-12-31", 60000],
        ],
      );
      assert.equal(result.snapshot_date, "2014-01-01"); // the day after the last signup
      assert.equal(result.customers[1].tenure, (Date.UTC(2014, 0, 1) - Date.UTC(2012, 8, 4)) / 86_400_000);
      const table = result.customer_table!;
      assert.deepEqual(table.missing_values, { Income: 1 });
      assert.equal(table.impossible_birth_years, 1); // Year_Birth is recognised; 1893 is kept, not a feature
      assert.match(table.rule, /set aside, not imputed \(1 here: 1 without Income\)/);
      assert.deepEqual(table.parts.monetary_values, [
        [1, 1],
        [100, 50],
        [500, 100],
      ]);
      assert.deepEqual(table.parts.response_values, [[0], [1], [1]]);
      assert.equal(result.orders, 15);
      assert.equal(result.revenue, 752);
    } finally {
      result.close();
    }
  });

  it("the same table as a folder of two files and as a workbook gives the same customers and accounting", async () => {
    const features = { clustering: { features: ["recency", "frequency", "monetary", "Income"] } };
    const one = await ingest(configFor(join(FIXTURES, "rules.tsv"), features));
    const folder = await ingest(configFor(join(FIXTURES, "monthly"), features));
    const [header, ...lines] = readFileSync(join(FIXTURES, "rules.tsv"), "utf8")
      .trim()
      .split("\n")
      .map((l) => l.split("\t"));
    const xlsx = join(TMP, "rules.xlsx");
    await writeWorkbook(xlsx, [
      {
        name: "Customers",
        headers: header,
        rows: lines.map((r) => r.map((v, i) => (v === "" ? null : i === 3 ? v : Number(v)))),
      },
    ]);
    const workbook = await ingest(configFor(xlsx, features));
    try {
      assert.equal(folder.reader, "folder");
      assert.equal(workbook.reader, "Excel workbook");
      assert.deepEqual(folder.accounting, one.accounting);
      assert.deepEqual(folder.customers, one.customers); // the duplicate id 7: the row of the first file is kept
      assert.deepEqual(workbook.accounting, one.accounting);
      assert.deepEqual(workbook.customers, one.customers);
    } finally {
      one.close();
      folder.close();
      workbook.close();
    }
  });

  it("an impossible birth year sets the customer aside when the birth year is a clustering feature", async () => {
    const result = await ingest(
      configFor(join(FIXTURES, "rules.tsv"), {
        clustering: { features: ["recency", "frequency", "monetary", "Year_Birth"] },
      }),
    );
    try {
      assert.equal((result.accounting.dropped as Record<string, number>).missing_value, 0); // Income is no longer needed
      assert.equal((result.accounting.dropped as Record<string, number>).impossible_value, 3);
      assert.deepEqual(
        result.customers.map((c) => c.customer_id),
        ["3", "7", "9"],
      );
    } finally {
      result.close();
    }
  });

  it("one-line errors: a mapped column not in the table, a feature column not in it, a value that is not a number", async () => {
    assert.match(
      await inputError(
        configFor(join(FIXTURES, "rules.tsv"), { columns: { ...RULES_COLUMNS, monetary: ["MntWines", "MntFish"] } }),
      ),
      /rules\.tsv: column "MntFish" \(columns\.monetary in the configuration\) is not in the header; found columns: "ID", "Year_Birth"/,
    );
    assert.match(
      await inputError(configFor(join(FIXTURES, "rules.tsv"), { clustering: { features: ["recency", "Kidhome"] } })),
      /column "Kidhome" \(clustering\.features in the configuration\) is not in the header/,
    );
    assert.equal(
      await inputError(
        configFor(join(FIXTURES, "bad_number.tsv"), {
          columns: { customer_id: "ID", recency: "Recency", monetary: "MntWines", frequency: "NumWeb" },
        }),
      ),
      `${join(FIXTURES, "bad_number.tsv")}: line 3: MntWines "n/a" is not a number`,
    );
  });

  it("configuration: the customer columns are required, line-only features rejected", () => {
    const file = join(TMP, "c.json");
    writeFileSync(
      file,
      JSON.stringify({ layout: "customers", columns: { customer_id: "ID", recency: "R", monetary: ["A"] } }),
    );
    assert.throws(
      () => loadConfig({ file, env: {} }),
      /setting "columns\.frequency" should be set for layout "customers"/,
    );
    writeFileSync(
      file,
      JSON.stringify({
        layout: "customers",
        columns: { ...RULES_COLUMNS },
        clustering: { features: ["recency", "return_rate"] },
      }),
    );
    assert.throws(
      () => loadConfig({ file, env: {} }),
      /clustering\.features" should be without return_rate: they need transaction lines/,
    );
    writeFileSync(file, JSON.stringify({ columns: { monetary: ["A"] } }));
    assert.throws(() => loadConfig({ file, env: {} }), /setting "columns\.monetary" should be one of invoice/);
    writeFileSync(file, JSON.stringify({ clustering: { features: ["Income"] } }));
    assert.throws(() => loadConfig({ file, env: {} }), /clustering\.features" should be a non-empty list of recency/);
    writeFileSync(file, JSON.stringify({ period_days: 730 }));
    assert.throws(
      () => loadConfig({ file, env: {} }),
      /setting "period_days" should be null unless layout is "customers"/,
    );
    writeFileSync(file, JSON.stringify({ layout: "customers", columns: { ...RULES_COLUMNS }, period_days: 0 }));
    assert.throws(
      () => loadConfig({ file, env: {} }),
      /setting "period_days" should be a number of days of at least 1/,
    );
  });

  it("signup dates: day first unless only month first parses; ISO as is; a non-date names the line", () => {
    assert.deepEqual(parseSignupDates(["04-09-2012", "2013-01-02", null], [2, 3, 4], "f", "D"), [
      "2012-09-04",
      "2013-01-02",
      null,
    ]);
    assert.deepEqual(parseSignupDates(["09/04/2012", "12/31/2013"], [2, 3], "f", "D"), ["2012-09-04", "2013-12-31"]);
    assert.throws(
      () => parseSignupDates(["04-09-2012", "31-02-2013"], [2, 3], "f", "D"),
      /^InputError: f: line 3: D "31-02-2013" is not a date/,
    );
  });
});

const skip = existsSync(SHARED) ? false : `../shared is absent (${SHARED}): the marketing_campaign tests need it`;

describe("marketing_campaign.tsv.gz, against pandas", { skip: requires(skip) }, () => {
  const expected = JSON.parse(readFileSync(join(FIXTURES, "marketing_expected.json"), "utf8"));
  const pandas = gunzipSync(readFileSync(join(FIXTURES, "marketing_customers.csv.gz")))
    .toString("utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(","));
  const configFile = join(TMP, "marketing.json");
  writeFileSync(
    configFile,
    JSON.stringify({
      data: SHARED,
      layout: "customers",
      columns: {
        customer_id: "ID",
        recency: "Recency",
        signup_date: "Dt_Customer",
        monetary: ["MntWines", "MntFruits", "MntMeatProducts", "MntFishProducts", "MntSweetProducts", "MntGoldProds"],
        frequency: ["NumWebPurchases", "NumCatalogPurchases", "NumStorePurchases"],
        responses: ["AcceptedCmp1", "AcceptedCmp2", "AcceptedCmp3", "AcceptedCmp4", "AcceptedCmp5", "Response"],
      },
      clustering: { features: ["recency", "frequency", "monetary", "Income"] },
    }),
  );

  it("npm run pipeline: customers, summed monetary and frequency per customer, set-aside counts", async () => {
    const out = join(TMP, "out");
    const { summary } = await runPipeline(loadConfig({ file: configFile, env: {} }), out);
    assert.equal(summary.rows_in, expected.rows_in);
    assert.equal(summary.customers, expected.customers);
    assert.deepEqual(summary.dropped, expected.set_aside);
    assert.deepEqual(summary.customer_table?.missing_values, expected.missing_values);
    assert.equal(summary.customer_table?.impossible_birth_years, expected.impossible_birth_years);
    assert.equal(summary.revenue, expected.monetary_total);
    assert.equal(summary.orders, expected.frequency_total);
    assert.equal(summary.period_start, expected.signup_first);
    assert.equal(summary.period_end, expected.signup_last);
    const lines = readFileSync(join(out, "customers.csv"), "utf8").trim().split("\n");
    assert.match(
      lines[0],
      /^customer_id,recency,frequency,monetary,signup_date,tenure,avg_order_value,Income,country,r_score/,
    );
    const ours = lines.slice(1).map((l) => l.split(","));
    assert.equal(ours.length, pandas.length);
    ours.forEach((row, i) => {
      const [id, recency, frequency, monetary, signup, income] = pandas[i];
      assert.deepEqual(
        [row[0], +row[1], +row[2], +row[3], row[4], +row[7]],
        [id, +recency, +frequency, +monetary, signup, +income],
        `customer ${id}`,
      );
    });
  });

  it("npm run build's report data: campaign response rates per segment, no line sections", async () => {
    const files = (await computeReport(loadConfig({ file: configFile, env: {} }))) as Record<string, any>;
    const meta = files["meta.json"];
    assert.equal(meta.lines, false);
    assert.equal(meta.customer_table.rows_in, 2240);
    const table = files["behaviour.json"].customer_table;
    assert.deepEqual(table.groups.length, 6);
    assert.deepEqual(table.channels, ["NumWebPurchases", "NumCatalogPurchases", "NumStorePurchases"]);
    Object.values(expected.response_rates as Record<string, number>).forEach((rate, j) =>
      assert.ok(
        Math.abs(table.overall.responses[j] - rate) < 1e-5,
        `response ${j}: ${table.overall.responses[j]} vs ${rate}`,
      ),
    );
    for (const groups of Object.values(table.by_k) as any[][]) {
      assert.equal(
        groups.reduce((s, g) => s + g.customers, 0),
        expected.customers,
      );
      // the customer-weighted mean of the segments' response rates is everyone's rate
      const weighted = groups.reduce((s, g) => s + g.responses[5] * g.customers, 0) / expected.customers;
      assert.ok(Math.abs(weighted - expected.response_rates.Response) < 1e-4);
    }
    assert.deepEqual(files["products.json"].all.products, []);
    assert.deepEqual(files["behaviour.json"].weekly.all, []);
    const segment = files[`segment/${meta.segments[0].slug}.json`];
    assert.ok(segment.profile.aov > 0, "spending per purchase from the table");
    // the words are the table's: purchases, signup; the glossary's line-only entries say they do not apply
    const profile = files["segments.json"].by_k[meta.k].profiles[0].description as string;
    assert.match(profile, /^Last purchase a median \d+ days ago; [\d.]+ purchases and /);
    const methodology = files["methodology.json"];
    const gloss = Object.fromEntries(methodology.glossary.map((e: any) => [e.id, e.definition]));
    assert.match(gloss.revenue, /^Each customer's spending as the table gives it, the sum of MntWines \+ MntFruits/);
    assert.match(gloss.recency, /^The table's Recency column/);
    for (const id of ["returns", "set-aside", "units-per-order", "interval", "peak-hour"])
      assert.match(gloss[id], /^Not applicable: the data is one row per customer/, id);
    const isNew = methodology.naming.definitions.find((d: any) => d.trait === "new");
    assert.match(isNew.definition, /^signed up within the last/);
    assert.deepEqual(files[`segment/${meta.segments[0].slug}.json`].calendar_gaps.text, null);
    // the table does not state its period: its figures are taken as one year's, and the page says so
    const strategy = files["strategy.json"];
    assert.equal(strategy.years, 1);
    assert.equal(strategy.annual_revenue, expected.monetary_total);
    assert.match(strategy.period_note, /does not say what period .* period_days/);
  });

  it("period_days: the per-year figures divide the table's figures by the period it covers", async () => {
    const config = validateConfig({ ...loadConfig({ file: configFile, env: {} }), period_days: 730 });
    const files = (await computeReport(config, () => {})) as Record<string, any>;
    const strategy = files["strategy.json"];
    assert.equal(strategy.years, Math.round((730 / 365.25) * 1e4) / 1e4);
    assert.ok(Math.abs(strategy.annual_revenue - (expected.monetary_total * 365.25) / 730) < 0.01);
    assert.match(strategy.period_note, /cover 730 days \(period_days in the configuration\)/);
  });
});
