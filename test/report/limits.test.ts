/**
 * Gaps, limits and definitions in the page data (loaders/report/limits.ts, glossary.ts): pure cases, then the
 * demo data and ../shared/data/online_retail.csv.gz, whose expected figures come from the pandas script
 * test/fixtures/net/net_revenue.py (online_retail_expected.json.gz) or, on the demo, from the CSV read here.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it, before } from "node:test";
import { gunzipSync } from "node:zlib";
import { loadConfig, PROJECT_ROOT } from "../../loaders/config.ts";
import { ensureDemoData } from "../../loaders/demo/index.ts";
import { reportData } from "../support/report-data.ts";
import {
  calendarGaps,
  duplicateNote,
  runs,
  smallGroupsNote,
  MIN_GROUP_CUSTOMERS,
} from "../../loaders/report/limits.ts";
import { NO_SHARED, ONLINE_RETAIL } from "../support/build.ts";
import { requires } from "../support/skip.ts";

const cell = (dow: number, hour: number, orders = 1) => ({ dow, hour, orders });

describe("limits: pure cases", () => {
  it("runs of consecutive values", () => {
    assert.deepEqual(runs([5, 0, 1, 2, 7, 8]), [
      [0, 2],
      [5, 5],
      [7, 8],
    ]);
    assert.deepEqual(runs([]), []);
  });

  it("names the weekdays, the night hours (across midnight) and the months without orders", () => {
    const weekly = [1, 2, 3, 4, 5, 7].flatMap((d) => [cell(d, 7), cell(d, 12), cell(d, 20)]);
    const gaps = calendarGaps(weekly, ["2011-01", "2011-02", "2011-03"], ["2011-01", "2011-03"]);
    assert.deepEqual(gaps.weekdays, ["Saturday"]);
    assert.deepEqual(gaps.hours, ["08:00 and 12:00", "13:00 and 20:00", "21:00 and 07:00"]);
    assert.deepEqual(gaps.months, ["2011-02"]);
    assert.match(gaps.text!, /no orders at all on Saturdays/);
    assert.equal(
      calendarGaps(
        [...Array(7)].flatMap((_, d) => [...Array(24)].map((_, h) => cell(d + 1, h))),
        [],
        [],
      ).text,
      null,
    );
    // no dated orders at all (a customer-level table): nothing is said about weekdays or months
    assert.deepEqual(calendarGaps([], ["2012-07", "2012-08"], []), { weekdays: [], hours: [], months: [], text: null });
  });

  it("says how many duplicates were analysed and how many were set aside for other reasons", () => {
    const base = { rows_in: 10, rows_kept: 8, dropped: { duplicate: 0 } } as never;
    const text = duplicateNote(
      { ...(base as object), duplicate_lines: 5, duplicate_lines_analysed: 3 } as never,
      false,
    )!;
    assert.match(
      text,
      /^5 lines exactly repeat an earlier line: 3 of them are among the analysed lines .* and 2 were set aside/,
    );
  });

  it("names groups below the minimum with their counts", () => {
    const note = smallGroupsNote(
      [
        { name: "A", customers: 500 },
        { name: "B", customers: MIN_GROUP_CUSTOMERS - 1 },
      ],
      "regions",
    )!;
    assert.match(note, new RegExp(`fewer than ${MIN_GROUP_CUSTOMERS} customers \\(B ${MIN_GROUP_CUSTOMERS - 1}\\)`));
    assert.equal(smallGroupsNote([{ name: "A", customers: 500 }], "regions"), null);
  });
});

/** Every `methodology#g-...` link of the pages (and glossaryLinks entry) has an entry on the methodology page. */
describe("glossary links", () => {
  it("every link to a glossary entry has a target", () => {
    const src = join(PROJECT_ROOT, "src");
    const pages = [
      ...readdirSync(src)
        .filter((f) => f.endsWith(".md"))
        .map((f) => join(src, f)),
      join(src, "segment", "[segment].md"),
    ];
    const methodology = readFileSync(join(src, "methodology.md"), "utf8");
    const targets = new Set([...methodology.matchAll(/<dt id="(g-[a-z0-9-]+)">/g)].map((m) => m[1]));
    // plain links (#g-...), and the entries of glossaryLinks([["id", "text"], ...], {...}) calls
    const linksOf = (text: string) => [
      ...[...text.matchAll(/#(g-[a-z0-9-]+)/g)].map((m) => m[1]),
      ...[...text.matchAll(/glossaryLinks\(([\s\S]*?)\{/g)].flatMap((call) =>
        [...call[1].matchAll(/\["([a-z0-9-]+)",/g)].map((m) => `g-${m[1]}`),
      ),
    ];
    const links = pages.flatMap((p) => linksOf(readFileSync(p, "utf8")));
    assert.ok(links.length >= 20, `${links.length} links`);
    assert.deepEqual(
      [...new Set(links)].filter((l) => !targets.has(l)),
      [],
    );
  });
});

type Files = Record<string, any>;

function assertCommon(files: Files): void {
  const m = files["methodology.json"];
  const ids = new Set(m.glossary.map((e: { id: string }) => e.id));
  const methodology = readFileSync(join(PROJECT_ROOT, "src", "methodology.md"), "utf8");
  for (const id of ids) assert.ok(methodology.includes(`gloss["${id}"]`), `glossary entry ${id} is shown`);
  for (const e of m.glossary) assert.ok(e.definition.length > 20, `${e.id} is defined`);
  // ANOVA on log1p values, and eta squared on the raw values beside it
  assert.match(m.glossary.find((e: { id: string }) => e.id === "anova").definition, /log1p-transformed/);
  for (const t of m.tests) assert.ok(t.eta_squared_raw >= 0 && t.eta_squared_raw <= 1, `${t.feature} raw eta²`);
  // the revenue table adds up: gross - returned - set aside = net
  const r = m.revenue;
  assert.ok(Math.abs(r.gross - r.returned - r.set_aside_net - r.net) < 0.02, "gross - returned = net");
  assert.equal(files["meta.json"].revenue_note, r.note);
}

describe("page data on the demo data", () => {
  let files: Files;
  let csv: string[];
  before(async () => {
    const data = await ensureDemoData();
    files = await reportData(loadConfig({ file: null, data, env: {} }));
    csv = gunzipSync(readFileSync(data)).toString("utf8").trim().split("\n").slice(1);
  });

  it("names the weekdays without orders and the revenue left out, as the CSV has them", () => {
    assertCommon(files);
    // read the CSV directly: weekdays of account-customer purchase lines, revenue of the lines without a customer
    const days = new Set<number>();
    let without = 0;
    for (const line of csv) {
      const f = line.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
      const [invoice, , , qty, date, price, customer] = f;
      if (invoice.startsWith("C") || !(Number(qty) > 0) || !(Number(price) > 0)) continue;
      if (customer === "") without += Number(qty) * Number(price);
      else days.add(((new Date(`${date.replace(" ", "T")}Z`).getUTCDay() + 6) % 7) + 1);
    }
    const names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    const missing = names.filter((_, i) => !days.has(i + 1));
    assert.ok(missing.length > 0, "the demo has a weekday without orders");
    assert.deepEqual(files["behaviour.json"].calendar_gaps.weekdays, missing);
    assert.ok(Math.abs(files["methodology.json"].revenue.without_customer.revenue - without) < 0.01, `${without}`);
  });
});

describe("page data on ../shared/data/online_retail.csv.gz", { skip: requires(NO_SHARED) }, () => {
  it("says the gaps and limits with the figures pandas computes", async () => {
    const files: Files = await reportData(loadConfig({ file: null, data: ONLINE_RETAIL, env: {} }));
    const expected = JSON.parse(
      gunzipSync(
        readFileSync(join(PROJECT_ROOT, "test", "fixtures", "net", "online_retail_expected.json.gz")),
      ).toString("utf8"),
    );
    assertCommon(files);
    const m = files["methodology.json"];
    const b = files["behaviour.json"];
    // no Saturday at all; the hours without orders; the revenue without a customer id (about £1.75M)
    const names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    assert.deepEqual(
      b.calendar_gaps.weekdays,
      names.filter((_, i) => !expected.weekdays_with_orders.includes(i + 1)),
    );
    assert.deepEqual(b.calendar_gaps.weekdays, ["Saturday"]);
    assert.deepEqual(b.calendar_gaps.hours, ["21:00 and 06:00"]);
    for (const [name, page] of Object.entries(files).filter(([n]) => n.startsWith("segment/")))
      assert.ok((page as any).calendar_gaps.weekdays.includes("Saturday"), `${name} names Saturday`);
    assert.deepEqual(m.revenue.without_customer, {
      lines: expected.revenue_without_customer.lines,
      revenue: Math.round(expected.revenue_without_customer.revenue * 100) / 100,
    });
    // £1.76M on 132,220 lines: net_revenue.py's revenue_without_customer, as the report writes money
    const w = expected.revenue_without_customer;
    assert.ok(
      files["meta.json"].revenue_note.includes(
        `leaves out £${(w.revenue / 1e6).toFixed(2)}M on ${w.lines.toLocaleString("en-GB")} purchase lines without a customer id`,
      ),
      files["meta.json"].revenue_note,
    );
    // gaps pooled over customers, same-day repeats, the weekday-hour cells with orders
    const gloss = Object.fromEntries(m.glossary.map((e: { id: string; definition: string }) => [e.id, e.definition]));
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    assert.ok(gloss.interval.includes(`${expected.gaps.toLocaleString("en-GB")} gaps`), gloss.interval);
    assert.ok(gloss.interval.includes(`(${pct(expected.same_day_gaps / expected.gaps)})`), gloss.interval);
    assert.ok(gloss["peak-hour"].includes(`the ${expected.trading_cells} weekday-hour cells`), gloss["peak-hour"]);
    // the newcomers, against pandas (test/fixtures/ingest/make_online_retail_counts.py): the customers whose first
    // order, the first that remains after netting returns (README, "Customer features"), is within 90 days of the
    // snapshot. 961 of 4,324; counting the first kept line before netting gives 959 (8 customers' first orders were
    // returned in full), which this must not say.
    const counts = JSON.parse(
      readFileSync(join(PROJECT_ROOT, "test", "fixtures", "ingest", "online_retail_counts.json"), "utf8"),
    ).new_customers;
    const stated = /([\d,]+) customers \((\d+\.\d)%\) first bought in the last 90 days/.exec(gloss["orders-a-year"]);
    assert.ok(stated, gloss["orders-a-year"]);
    const newcomers = Number(stated[1].replace(/,/g, ""));
    assert.equal(counts.customers, expected.customers, "the same customers as net_revenue.py's");
    assert.notEqual(counts.first_bought_in_last_90_days, counts.first_bought_in_last_90_days_before_netting);
    assert.equal(newcomers, counts.first_bought_in_last_90_days, "pandas counts from the first order after netting");
    assert.equal(`${stated[2]}%`, pct(newcomers / counts.customers), gloss["orders-a-year"]);
    // duplicates: how many analysed, how many set aside
    assert.equal(m.cleaning.duplicate_lines, expected.duplicate_lines);
    assert.equal(m.cleaning.duplicate_lines_analysed, expected.duplicate_lines_analysed);
    const n = (x: number) => x.toLocaleString("en-GB");
    assert.ok(
      m.cleaning.duplicate_note.startsWith(
        `${n(expected.duplicate_lines)} lines exactly repeat an earlier line: ${n(expected.duplicate_lines_analysed)} of them`,
      ) &&
        m.cleaning.duplicate_note.includes(
          ` and ${n(expected.duplicate_lines - expected.duplicate_lines_analysed)} were set aside`,
        ),
      m.cleaning.duplicate_note,
    );
    // regions and countries below the minimum are named with their counts; Outside Europe is one of them
    const geo = files["geography.json"];
    const outside = geo.countries
      .filter((c: { region: string }) => c.region === "Outside Europe")
      .reduce((s: number, c: { customers: number }) => s + c.customers, 0);
    assert.ok(outside < MIN_GROUP_CUSTOMERS);
    assert.ok(geo.small_regions_note.includes(`Outside Europe ${outside}`), geo.small_regions_note);
    // net figures drive the products and return rates: the cancelled 80,995-unit order is not the top product
    assert.notEqual(files["products.json"].all.products[0].description, "PAPER CRAFT , LITTLE BIRDIE");
    assert.ok(Math.abs(b.overall.return_rate - expected.return_rate) < 1e-5, `${b.overall.return_rate}`);
    assert.equal(files["meta.json"].revenue, Math.round(expected.net_revenue * 100) / 100);
    assert.equal(files["meta.json"].customers, expected.customers);
  });
});
