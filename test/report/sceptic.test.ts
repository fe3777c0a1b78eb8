/**
 * Headlines that survive a sceptic (issue 19): each statement the issue found wanting, on facts shaped like the
 * data it was found on, must not read as it did and must read as it now should. Intervals are scipy's Wilson
 * intervals (binomtest(k, n).proportion_ci(method="wilson"), quoted in the comments).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  buildInsights,
  geographyInsight,
  homeSpendInsight,
  rankInsights,
  supportedEffect,
  oneCustomerReturnsNote,
  oneOffInsight,
  responseInsight,
  seasonalityInsight,
  type InsightFacts,
  type SegmentFacts,
} from "../../loaders/report/insights.ts";
import { loadConfig } from "../../loaders/config.ts";
import { readerLabel } from "../../loaders/report/labels.ts";
import { revenueNote } from "../../loaders/report/limits.ts";
import { fitAdvice, playFor } from "../../loaders/report/playbook.ts";
import type { IngestAccounting } from "../../loaders/pipeline/ingest.ts";
import { withIntervals } from "../support/report.ts";
import { partsGroup } from "../../loaders/report/pages/customer-table.ts";

function segment(name: string, over: Partial<SegmentFacts> = {}): SegmentFacts {
  return {
    name,
    customers: 100,
    revenue: 1000,
    orders: 10,
    median_recency: 30,
    aov: 100,
    items_per_order: 10,
    return_rate: 0.02,
    median_order_units: 10,
    median_order_value: 100,
    ...over,
  };
}

function facts(segments: SegmentFacts[], over: Partial<InsightFacts> = {}): InsightFacts {
  const customers = segments.reduce((s, x) => s + x.customers, 0);
  return withIntervals({
    currency: "£",
    customers,
    revenue: segments.reduce((s, x) => s + x.revenue, 0),
    orders: segments.reduce((s, x) => s + x.orders, 0),
    units: 0,
    returned_units: 0,
    bought_units: 0,
    monetary: segments.flatMap((s) => Array.from({ length: s.customers }, () => s.revenue / s.customers)),
    frequency: segments.flatMap((s) => Array.from({ length: s.customers }, () => 3)),
    median_order_units: 10,
    median_order_value: 100,
    segments,
    ...over,
  });
}

test("typical orders are medians: a mean basket of 355 units (1.7x) is no claim when the median order is 177 against 155", () => {
  const f = facts(
    [
      segment("Champions", { items_per_order: 355, median_order_units: 177, orders: 100 }),
      segment("Loyal", { items_per_order: 200, median_order_units: 160 }),
      segment("Occasional", { items_per_order: 150, median_order_units: 140 }),
    ],
    { median_order_units: 155 },
  );
  const all = buildInsights(f);
  assert.ok(!all.some((i) => i.id === "largest_baskets"), "1.14x the median order overall is no leader");
  assert.ok(!all.some((i) => /355 units per order/.test(i.text)), "the mean is not quoted");
  const spread = all.find((i) => i.id === "baskets_spread");
  assert.ok(spread);
  assert.equal(
    spread.text,
    "Basket sizes (median order) differ between the segments, from 140 units (Occasional; 95% interval 127–154) to 177 units (Champions; 95% interval 161–195; 1.3× the lowest). No single segment is 1.25× the median order overall on its own.",
  );
  // a real lead on the median is claimed, said as a median
  const lead = buildInsights(
    facts([segment("Big", { median_order_units: 40 }), segment("Small")], { median_order_units: 12 }),
  ).find((i) => i.id === "largest_baskets");
  assert.ok(lead);
  assert.equal(
    lead.text,
    "Big have the largest baskets: a median order of 40 units, 3.3× the median order overall (12 units; 95% interval 3.03–3.67).",
  );
});

test("one-time buyers are counted among customers who had time to reorder, with a Wilson interval", () => {
  // 1,000 customers: 400 ordered once, 100 of them first ordered in the last 90 days; 600 ordered again
  const frequency = [...Array(400).fill(1), ...Array(600).fill(3)];
  const tenure = [...Array(100).fill(30), ...Array(300).fill(200), ...Array(600).fill(300)];
  const insight = oneOffInsight(facts([segment("A")], { frequency, tenure }));
  assert.ok(insight);
  assert.doesNotMatch(insight.text, /^40\.0% of customers \(400\) ordered only once in the period/);
  // scipy: binomtest(300, 900).proportion_ci(method="wilson") = (0.30330, 0.36478)
  assert.equal(
    insight.text,
    "33.3% of the customers who had time to reorder (first order at least 90 days before the end of the period; 300 of 900, 95% interval 30.3%–36.5%) ordered only once: a second order is the first retention goal. The other 100 customers first ordered in the last 90 days and are not counted.",
  );
});

test("one year of months says what it cannot show; two years compare the same month", () => {
  const year = (start: number, peak: number) =>
    Array.from({ length: 12 }, (_, i) => ({
      month: `${start}-${String(i + 1).padStart(2, "0")}`,
      revenue: i === 10 ? peak : 100,
      partial: false,
    }));
  const one = seasonalityInsight(facts([segment("A")], { months: year(2011, 250) }));
  assert.ok(one);
  assert.doesNotMatch(one.text, /plan stock and campaigns ahead of it/);
  assert.match(one.text, /^November 2011 had the most revenue of the 12 full months/);
  assert.match(one.text, /One year of data cannot tell a seasonal peak from growth or a one-off/);
  const two = seasonalityInsight(facts([segment("A")], { months: [...year(2010, 240), ...year(2011, 250)] }));
  assert.ok(two);
  assert.match(
    two.text,
    /the same month a year earlier had £240, also a peak: a seasonal pattern worth planning stock and campaigns for\.$/,
  );
});

test("the campaign response difference the intervals support leads the summary (marketing_campaign's shape)", () => {
  // one segment of 300 answered at 32.7%, 15.0% overall; the other 1,700 at 11.9%
  const segs = [segment("Champions", { customers: 300 }), segment("Rest", { customers: 1700 })];
  const f = facts(segs, {
    k: { k: 2, reason: "k = 2 has the highest silhouette." },
    responses: [
      {
        campaign: "Response",
        label: "the last campaign",
        yes: 300,
        n: 2000,
        segments: [
          { name: "Champions", yes: 98, n: 300 },
          { name: "Rest", yes: 202, n: 1700 },
        ],
      },
    ],
  });
  const insight = responseInsight(f);
  assert.ok(insight);
  // scipy: wilson(98, 300) = (0.27608, 0.38164); wilson(202, 1700) = (0.10429, 0.13507)
  assert.equal(
    insight.text,
    "Champions answered the last campaign at 32.7% (95% interval 27.6%–38.2%) against 11.9% among the other customers (10.4%–13.5%; 15.0% overall): the segment to reach first in the next campaign.",
  );
  // its evidence: the rate ratio with Katz's log interval, as scipy.stats.contingency.relative_risk(98, 300, 202,
  // 1700).confidence_interval() gives it: 2.74917, (2.23351, 3.38390)
  assert.ok(Math.abs(Math.exp(insight.evidence!.effect) - 2.7491749174917492) < 1e-12);
  assert.ok(Math.abs(Math.exp(insight.evidence!.low) - 2.2335054836971855) < 1e-9);
  assert.ok(Math.abs(Math.exp(insight.evidence!.high) - 3.3839015763036557) < 1e-9);
  const ranked = buildInsights(f);
  const at = (id: string) => ranked.findIndex((i) => i.id === id);
  assert.ok(ranked[at("campaign_response")].headline, "a headline: its interval excludes no effect");
  assert.ok(at("campaign_response") < at("k_choice"), "above the choice of k");
  assert.ok(!ranked[at("k_choice")].headline, "the choice of k compares nothing: never a headline");
  // headlines come first, each supported at least as strongly as the next
  const heads = ranked.filter((i) => i.headline);
  assert.deepEqual(
    ranked.slice(0, heads.length).map((i) => i.id),
    heads.map((i) => i.id),
  );
  for (let i = 1; i < heads.length; i++)
    assert.ok(supportedEffect(heads[i - 1].evidence!) >= supportedEffect(heads[i].evidence!));
  // a customer table has no orders: no median-order statement (its order figures are zeros)
  const table = buildInsights({ ...f, lines: false, median_order_value: 0, median_order_units: 0 });
  assert.ok(!table.some((i) => /median order/.test(i.text)), table.map((i) => i.text).join("\n"));
  // overlapping intervals: no claim
  const close = facts(segs, {
    responses: [
      {
        campaign: "Response",
        label: "the last campaign",
        yes: 40,
        n: 2000,
        segments: [
          { name: "Champions", yes: 9, n: 300 },
          { name: "Rest", yes: 31, n: 1700 },
        ],
      },
    ],
  });
  assert.equal(responseInsight(close), null);
});

test("advice fits the data: no account managers without business customers, no seasons without dates", () => {
  const consumer = { business: false, seasons: false };
  assert.match(playFor("High-Value Cooling").strategy, /account managers/, "kept for business customers");
  assert.doesNotMatch(playFor("High-Value Cooling", consumer).strategy, /account manager/);
  assert.doesNotMatch(playFor("Middle", consumer).strategy, /seasonal/);
  assert.doesNotMatch(playFor("Low-Value Occasional", consumer).action, /seasonal/);
  assert.doesNotMatch(playFor("Low-Value Occasional", consumer).strategy, /seasonal/);
  assert.equal(fitAdvice("No change.", consumer), "No change.");
});

test("the unmatched-cancellations figure says what it is", () => {
  const accounting = {
    revenue_source: null,
    returns: {
      basis: "net",
      gross_revenue: 9_000_000,
      returned_revenue: 600_000,
      set_aside: { fully_returned: { customers: 0, lines: 0, net_revenue: 0 } },
      unmatched_lines: 1422,
      unmatched_value: 161_000,
    },
    revenue_without_customer: { lines: 0, revenue: 0 },
  } as unknown as IngestAccounting;
  const note = revenueNote(accounting, "£");
  assert.doesNotMatch(note, /1,422 cancellation lines \(£161k\) match no earlier purchase/);
  assert.match(
    note,
    /£161k of cancellations has no earlier purchase in the period to reduce and reduces nothing: 1,422 cancellation lines that match no purchase, and the part of partly matched lines beyond what was bought\./,
  );
});

test("the one-customer guard on the segment pages: a return rate one customer makes is said to be theirs", () => {
  // "Units returned 32.0%, 9.39x" where one customer is 97% of the returned units
  const note = oneCustomerReturnsNote({
    returned_units: 1000,
    bought_units: 3125,
    top_returner: { returned_units: 970, bought_units: 1000 },
  });
  assert.equal(
    note,
    "One customer accounts for 97.0% of this segment's returned units: the rate of units returned is that customer's, not the segment's habit; without them the segment returns 1.4% of the units it bought.",
  );
  assert.equal(
    oneCustomerReturnsNote({
      returned_units: 1000,
      bought_units: 3125,
      top_returner: { returned_units: 400, bought_units: 500 },
    }),
    null,
  );
});

test("column names reach readers as labels: the `report.labels` setting over the recognised layout's defaults", () => {
  assert.equal(readerLabel("MntWines"), "Wine");
  assert.equal(readerLabel("NumCatalogPurchases"), "Catalogue");
  assert.equal(readerLabel("MntWines", { MntWines: "Wines and spirits" }), "Wines and spirits");
  assert.equal(readerLabel("spend_2024"), "spend_2024", "an unknown column keeps its name");
  assert.deepEqual(
    loadConfig({ env: {}, overrides: { report: { labels: { spend_2024: "Spend in 2024" } } } }).report.labels,
    {
      spend_2024: "Spend in 2024",
    },
  );
  assert.throws(
    () => loadConfig({ env: {}, overrides: { report: { labels: { MntWines: "" } } } }),
    /^InputError: command line: setting "report\.labels\.MntWines" should be a non-empty label$/,
  );
});

test("geography claims no more than its test: a weak association on three countries is not 'country is useless'", () => {
  const geography = {
    chi2: 30,
    df: 8,
    p: 0.001,
    cramers_v: 0.05,
    inactive_segment: "Inactive",
    inactive_share: 0.2,
    over: [
      { country: "United Kingdom", residual: 2.1, customers: 3900, share: 0.21 },
      { country: "Germany", residual: -3.4, customers: 95, share: 0.05 },
      { country: "France", residual: 0.5, customers: 87, share: 0.22 },
    ],
  };
  const insight = geographyInsight(facts([segment("A")], { geography }));
  assert.ok(insight);
  assert.doesNotMatch(insight.text, /not a useful targeting criterion/);
  assert.equal(
    insight.text,
    "The segment mix differs only slightly by country (χ² = 30.0, df = 8, p = 0.001, Cramér's V = 0.05; 3 countries with enough customers for the test, the rest pooled); the largest departure is Germany, where Inactive are 5.0% of customers against 20.0% overall (adjusted residual −3.4). The test is about the segment mix only: it does not say that customers spend alike across countries.",
  );
});

test("the executive summary is chosen by strength of evidence, not by a fixed list", () => {
  const stub = (id: string, score: number, evidence?: { effect: number; low: number; high: number }) => ({
    id,
    rank: 0,
    score,
    text: id,
    page: "" as const,
    anchor: "",
    figures: {},
    evidence: evidence && { ...evidence, measure: id },
  });
  const ranked = rankInsights([
    stub("wide", 0.9, { effect: 1.0, low: 0.2, high: 1.8 }),
    stub("narrow", 0.3, { effect: 0.8, low: 0.6, high: 1.0 }),
    stub("lower", 0.3, { effect: -0.9, low: -1.2, high: -0.7 }),
    stub("includes_none", 0.95, { effect: 0.3, low: -0.1, high: 0.7 }),
    stub("k_choice", 0.99),
  ]);
  // by the end of the interval nearest no effect: 0.7 (lower, a ratio below 1), 0.6, 0.2; then the rest by score
  assert.deepEqual(
    ranked.map((i) => [i.id, i.headline]),
    [
      ["lower", true],
      ["narrow", true],
      ["wide", true],
      ["k_choice", false],
      ["includes_none", false],
    ],
  );
});

test("spend per head abroad is compared like with like: within segments, each with its interval", () => {
  const base = facts([segment("A", { customers: 200 }), segment("B", { customers: 200 })]);
  const ratio = (r: number, low: number, high: number) => ({ ratio: r, low, high });
  const home = {
    home: "United Kingdom",
    home_customers: 360,
    abroad_customers: 40 + 60,
    home_median: 500,
    abroad_median: 1000,
    overall: ratio(2.0, 1.6, 2.5),
    within: [
      { segment: "A", home_customers: 150, abroad_customers: 50, ...ratio(1.05, 0.9, 1.2) },
      { segment: "B", home_customers: 140, abroad_customers: 60, ...ratio(0.97, 0.8, 1.15) },
    ],
  };
  const mix = homeSpendInsight({ ...base, home_spend: home })!;
  assert.match(
    mix.text,
    /^Customers outside United Kingdom \(100\) spent a median £1,000 each, against £500 for the 360 in United Kingdom: 2\.00× \(95% interval 1\.60×–2\.50×\)\./,
  );
  assert.match(mix.text, /A 1\.05× \(0\.90×–1\.20×\); B 0\.97× \(0\.80×–1\.15×\)/);
  assert.match(
    mix.text,
    /No segment shows a clear difference: the overall gap reflects which segments customers abroad belong to/,
  );
  assert.ok(!mix.headline && !(mix.evidence!.low > 0), "not a headline: like with like, no difference is clear");
  assert.equal(rankInsights([mix])[0].headline, false);
  const real = homeSpendInsight({
    ...base,
    home_spend: { ...home, within: home.within.map((w) => ({ ...w, ratio: 1.8, low: 1.3, high: 2.4 })) },
  })!;
  assert.match(real.text, /The difference holds within every segment compared\./);
  assert.equal(rankInsights([real])[0].headline, true);
  assert.equal(homeSpendInsight({ ...base, home_spend: null }), null);
});

/** A made-up bootstrap interval: the figure `value` and its ratio, each with the bounds given. */
const ci = (value: number, ratio: number, ratioLow: number, ratioHigh: number) => ({
  value,
  low: value * 0.9,
  high: value * 1.1,
  ratio,
  ratio_low: ratioLow,
  ratio_high: ratioHigh,
});

test("a return-rate lead is claimed only when its bootstrap interval over customers excludes no difference", () => {
  // 8% against 2%: 4x the rest on the point, but a few customers make it (the ratio's interval reaches 0.8)
  const segments = (low: number) => [
    segment("Lapsed", { return_rate: 0.08, return_interval: ci(0.08, 4, low, 9) }),
    segment("Loyal", { return_rate: 0.02 }),
    segment("New", { return_rate: 0.02 }),
  ];
  const few = buildInsights(facts(segments(0.8)));
  assert.ok(!few.some((i) => i.id === "highest_return_rate"), "no lead the interval does not support");
  const spread = few.find((i) => i.id === "returns_spread");
  assert.ok(spread, "a spread statement instead");
  assert.match(
    spread.text,
    /Lapsed reach 4\.0× the rest of the customers, but the interval of that ratio \(95% interval 0\.80–9\.00\) includes no difference: no segment is singled out\.$/,
  );
  // the same point figures with an interval wholly above 1: claimed, with the interval, and a headline
  const many = buildInsights(facts(segments(2.5)));
  const lead = many.find((i) => i.id === "highest_return_rate");
  assert.ok(lead?.headline, "a supported lead competes for the executive summary");
  assert.match(lead.text, /4\.0× the rest of the customers \(2\.0% of units returned; 95% interval 2\.50–9\.00/);
  assert.ok(Math.abs(lead.evidence!.low - Math.log(2.5)) < 1e-12);
});

test("a median-order lead is claimed only when its interval excludes no difference, and then is a headline", () => {
  const f = (low: number) =>
    facts(
      [segment("Big", { median_order_units: 40, order_units_interval: ci(40, 40 / 12, low, 4) }), segment("Small")],
      {
        median_order_units: 12,
      },
    );
  const withheld = buildInsights(f(0.9));
  assert.ok(!withheld.some((i) => i.id === "largest_baskets"));
  assert.match(
    withheld.find((i) => i.id === "baskets_spread")?.text ?? "",
    /Big reach 3\.3× the median order overall, but/,
  );
  const lead = buildInsights(f(2.2)).find((i) => i.id === "largest_baskets");
  assert.ok(lead?.headline, "a supported median lead is a headline");
  assert.ok(Math.abs(supportedEffect(lead.evidence!) - Math.log(2.2)) < 1e-12);
});

test("one-time buyers compete by their interval: a share whose interval reaches below a quarter is no headline", () => {
  // Online Retail's shape: 25.6% (24.1-27.1%); scipy binomtest(864, 3375).proportion_ci(method="wilson") = (0.24156, 0.27100)
  const near = oneOffInsight(
    facts([segment("A")], {
      frequency: [...Array(864).fill(1), ...Array(2511).fill(2)],
      tenure: Array(3375).fill(200),
    }),
  );
  assert.ok(near?.evidence, "one-time buyers carry evidence");
  assert.ok(Math.abs(Math.exp(near.evidence.low) * 0.25 - 0.24156) < 5e-5);
  assert.equal(rankInsights([near])[0].headline, false);
  assert.doesNotMatch(near.text, /: a second order is the first retention goal/);
  assert.match(near.text, /the interval reaches below 25\.0%/);
  // 40% of 1,000: scipy (0.37007, 0.43069), wholly above a quarter: a headline
  const clear = oneOffInsight(
    facts([segment("A")], { frequency: [...Array(400).fill(1), ...Array(600).fill(2)], tenure: Array(1000).fill(200) }),
  );
  assert.ok(clear && rankInsights([clear])[0].headline, "40% of 1,000 is a headline");
  assert.ok(Math.abs(Math.exp(clear.evidence!.low) * 0.25 - 0.37007) < 5e-5);
  assert.match(clear.text, /: a second order is the first retention goal\./);
});

test("response rates per segment carry Wilson intervals in the behaviour page's data", () => {
  // 3 segments' customers answering one campaign: 0/0/1 values, the customers are the trials
  const r = [...Array(29).fill([1]), ...Array(71).fill([0])];
  const g = partsGroup(
    "A",
    r.map((_, i) => i),
    { m: r.map(() => [1]), f: r.map(() => [1]), r },
  );
  // scipy: binomtest(29, 100).proportion_ci(method="wilson") = (0.21015, 0.38539)
  assert.equal(g.responses[0], 0.29);
  assert.ok(Math.abs(g.responses_low[0]! - 0.21015) < 1e-5 && Math.abs(g.responses_high[0]! - 0.38539) < 1e-5);
});
