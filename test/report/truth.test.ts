/**
 * The report's statements hold for the customers they describe, on the demo data and Online Retail (default
 * configuration, and k = 2 where the silhouette peaks; skipped where ../shared is absent): insights compare a
 * segment with the rest of the customers and say "similar" only when it is true; levers apply to the members they
 * fit, never two defaults on one segment; advice text agrees with the segment's figures and rank; the segment
 * table carries the share of members each name holds for. Everything is recomputed here from the page data, and
 * the multiples the sentences state (N.N× the rest, the uplift in pounds) are compared with the recomputed numbers.
 * A small shop built for it (test/fixtures/truth/make.py) reaches the branches the real data sets do not: the
 * largest default uplift on a lower-ranked segment and a metric on which the segments are similar; each case
 * asserts the branches it reached.
 */
import assert from "node:assert/strict";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { PROJECT_ROOT, loadConfig } from "../../loaders/config.ts";
import { ensureDemoData } from "../../loaders/demo/index.ts";
import { MIN_SEGMENT_CUSTOMERS, MIN_SEGMENT_SHARE, RATIO_MIN } from "../../loaders/report/insights.ts";
import { NO_SHARED, ONLINE_RETAIL } from "../support/build.ts";
import { memo } from "../support/memo.ts";
import { reportData } from "../support/report-data.ts";
import { requires } from "../support/skip.ts";

type Row = {
  name: string;
  order_units: { median: number };
  order_value: { median: number };
  customers: number;
  orders: number;
  items_per_order: number;
  aov: number;
  return_rate: number;
};
type Insight = { id: string; text: string; figures: Record<string, string | number> };

/** typical orders are medians: a segment's median order against the median order overall (`median`) */
const metrics: Record<
  string,
  {
    ids: string[];
    spread: string;
    num: (r: Row) => number;
    den: (r: Row) => number;
    median?: "order_units" | "order_value";
  }
> = {
  baskets: {
    ids: ["largest_baskets", "baskets_and_order_value", "inactive_profile"],
    spread: "baskets_spread",
    num: (r: Row) => r.order_units.median,
    den: () => 1,
    median: "order_units",
  },
  aov: {
    ids: ["highest_order_value", "baskets_and_order_value"],
    spread: "order_value_spread",
    num: (r: Row) => r.order_value.median,
    den: () => 1,
    median: "order_value",
  },
  returns: {
    ids: ["highest_return_rate", "return_rate_one_customer", "inactive_profile"],
    spread: "returns_spread",
    num: (r: Row) => r.return_rate * r.items_per_order * r.orders,
    den: (r: Row) => r.items_per_order * r.orders,
  },
};

/** the branches of the checks below that ran, per case: a case built to reach a branch asserts it did */
type Branch = "claim" | "spread similar" | "spread differs" | "largest uplift in the lower half" | "top segment";

/**
 * The "N.N×" multiples of a statement, in order: those that compare with the rest of the customers, or for a
 * typical order (`median`) every multiple (the median order's come first, as "N.N× the median order overall" or,
 * for the second figure of a joint claim, "N.N×").
 */
function statedMultiples(text: string, median: boolean): number[] {
  const pattern = median ? /(\d+(?:\.\d+)?)×/g : /(\d+(?:\.\d+)?)× the rest/g;
  return [...text.matchAll(pattern)].map((m) => Number(m[1]));
}

function checkInsights(pages: Record<string, any>, label: string, ran: Set<Branch>) {
  const k = pages["meta.json"].k;
  const rows: Row[] = pages["behaviour.json"].by_k[k];
  const insights: Insight[] = pages["insights.json"];
  const total = rows.reduce((s, r) => s + r.customers, 0);
  const eligible = rows.filter(
    (r) => r.customers >= MIN_SEGMENT_CUSTOMERS && r.customers >= MIN_SEGMENT_SHARE * total && r.orders > 0,
  );
  // every segment's return rate lies in its published interval
  for (const r of rows as any[])
    if (r.return_interval)
      assert.ok(
        r.return_interval.low <= r.return_rate + 1e-9 && r.return_rate <= r.return_interval.high + 1e-9,
        `${label}: ${r.name} ${r.return_rate} in ${JSON.stringify(r.return_interval)}`,
      );
  for (const [key, m] of Object.entries(metrics)) {
    const value = (r: Row) => m.num(r) / m.den(r);
    const claim = insights.find((i) => m.ids.includes(i.id));
    const spread = insights.find((i) => i.id === m.spread);
    assert.ok(Boolean(claim) !== Boolean(spread), `${label} ${key}: one statement, a claim or the spread`);
    const sorted = [...eligible].sort((a, b) => value(b) - value(a));
    const top = sorted[0];
    const rest = rows.filter((r) => r !== top);
    const restValue = m.median
      ? pages["behaviour.json"].overall[m.median].median
      : rest.reduce((s, r) => s + m.num(r), 0) / rest.reduce((s, r) => s + m.den(r), 0);
    // values are published rounded, so the recomputed ratio is compared with a little slack
    const ratio = value(top) / restValue;
    if (claim) {
      ran.add("claim");
      assert.equal(claim.figures.segment, top.name, `${label} ${key}: the claim is about the leader`);
      // a lead is claimed only when its bootstrap interval over customers lies above no difference
      if (claim.id !== "return_rate_one_customer") {
        const interval = (top as any)[
          { baskets: "order_units_interval", aov: "order_value_interval", returns: "return_interval" }[key]!
        ];
        assert.ok(interval && interval.ratio_low > 1, `${label} ${key}: ${JSON.stringify(interval)}`);
      }
      assert.ok(ratio >= RATIO_MIN - 0.01, `${label} ${key}: ${top.name} is ${ratio.toFixed(3)}x the rest`);
      if (claim.id === "return_rate_one_customer")
        assert.match(claim.text, /one customer accounts for .* without that customer/);
      else {
        // a typical order is compared with the median order overall, the other figures with the rest
        assert.match(claim.text, m.median ? /the median order overall/ : /the rest/);
        // the multiple the sentence states, against the one recomputed here (stated to 0.1; the page data's
        // rounding moves the recomputed one by far less than 0.01)
        const stated = statedMultiples(claim.text, Boolean(m.median));
        const second = claim.id === "baskets_and_order_value" && key === "aov";
        const said = stated[second ? 1 : 0];
        assert.ok(said !== undefined, `${label} ${key}: a multiple in "${claim.text}"`);
        assert.ok(
          Math.abs(said - ratio) <= 0.06,
          `${label} ${key}: "${claim.text}" says ${said}×, the page data give ${ratio.toFixed(3)}×`,
        );
      }
    } else {
      const spreadRatio = value(sorted[0]) / value(sorted[sorted.length - 1]);
      if (spread!.figures.similar) {
        ran.add("spread similar");
        assert.ok(spreadRatio < RATIO_MIN + 0.01, `${label} ${key}: "similar" at ${spreadRatio}`);
      } else {
        ran.add("spread differs");
        // a difference between the ends is said only when their intervals do not overlap (issue 19)
        assert.ok(
          spreadRatio >= RATIO_MIN - 0.01 &&
            (spread!.figures.apart ? /differ/ : /cannot tell these segments apart/).test(spread!.text),
          `${label} ${key}: ${spread!.text}`,
        );
        const said = Number(/(\d+(?:\.\d+)?)× the lowest/.exec(spread!.text)?.[1]);
        assert.ok(Math.abs(said - spreadRatio) <= 0.06, `${label} ${key}: ${spread!.text} (page data: ${spreadRatio})`);
      }
      // a leader on the point figures goes unreported only when the interval of its lead includes no difference,
      // and the spread statement then says so
      if (ratio >= RATIO_MIN + 0.01) {
        assert.equal(spread!.figures.withheld, top.name, `${label} ${key}: a leader at ${ratio} went unreported`);
        assert.match(spread!.text, /includes no difference/);
      }
    }
  }
  // the top segment's revenue share against its customer share, recomputed from the segment table
  const topClaim = insights.find((i) => i.id === "top_segment");
  if (topClaim) {
    ran.add("top segment");
    const row = pages["overview.json"].by_k[k].find((r: any) => r.name === topClaim.figures.segment);
    const index = row.revenue_share / row.customer_share;
    const [customerShare, revenueShare, said] = [...topClaim.text.matchAll(/(\d+(?:\.\d+)?)(%|×)/g)].map((m) =>
      Number(m[1]),
    );
    assert.ok(Math.abs(customerShare - 100 * row.customer_share) <= 0.051, `${label}: ${topClaim.text}`);
    assert.ok(Math.abs(revenueShare - 100 * row.revenue_share) <= 0.051, `${label}: ${topClaim.text}`);
    assert.ok(Math.abs(said - index) <= 0.06, `${label}: ${topClaim.text} (page data: ${index.toFixed(3)}×)`);
  }
}

function checkStrategy(pages: Record<string, any>, label: string, ran: Set<Branch>) {
  const s = pages["strategy.json"];
  const segs: any[] = s.segments;
  const byName = new Map(segs.map((d) => [d.name, d]));
  const chosen = [s.defaults.top, s.defaults.promising, s.defaults.at_risk].filter((x) => x !== null);
  assert.equal(
    new Set(chosen).size,
    chosen.length,
    `${label}: never two default levers on one segment (${chosen.join(", ")})`,
  );
  if (s.defaults.promising) {
    const p = byName.get(s.defaults.promising);
    assert.ok(p.new_customers.customers > 0, `${label}: the new-customer lever has new customers`);
    if (s.fits.promising) assert.ok(p.new_customers.share >= s.fit_share);
    else assert.ok(segs.every((d) => d.name === s.defaults.top || d.new_customers.share <= p.new_customers.share));
  }
  if (s.defaults.at_risk)
    assert.ok(byName.get(s.defaults.at_risk).lapsed_customers.customers > 0, `${label}: win back has lapsed customers`);
  for (const d of segs)
    assert.ok(d.new_customers.customers + d.lapsed_customers.customers <= d.customers, "new and lapsed are disjoint");
  const overall = s.revenue / segs.reduce((a, d) => a + d.customers, 0) / s.years;
  const ranked = [...segs].sort((a, b) => b.annual_revenue_per_customer - a.annual_revenue_per_customer);
  assert.ok(
    !/one step below the very best/.test(ranked[0].strategy),
    `${label}: the top segment is not "one step below the very best"`,
  );
  for (const d of segs) {
    if (/Little to gain per customer/.test(d.strategy))
      assert.ok(d.annual_revenue_per_customer < overall, `${label}: ${d.name} "little to gain"`);
    if (/disproportionate share of revenue/.test(d.strategy)) assert.ok(d.revenue_share > d.customer_share);
  }
  // the largest uplift at the default sliders, recomputed
  const sl = s.sliders;
  const keep = byName.get(s.defaults.top);
  const grow = s.defaults.promising ? byName.get(s.defaults.promising).new_customers : null;
  const win = s.defaults.at_risk ? byName.get(s.defaults.at_risk).lapsed_customers : null;
  const uplifts = [
    { segment: s.defaults.top, value: (sl.keep_points / 100) * keep.customers * keep.annual_revenue_per_customer },
    {
      segment: s.defaults.promising,
      value: grow ? (sl.grow_share / 100) * grow.customers * sl.grow_orders * grow.aov : 0,
    },
    {
      segment: s.defaults.at_risk,
      value: win ? (sl.win_share / 100) * win.customers * win.annual_revenue_per_customer : 0,
    },
  ].sort((a, b) => b.value - a.value);
  const largest = byName.get(uplifts[0].segment);
  const lowerHalf = ranked.indexOf(largest) + 1 > Math.ceil(segs.length / 2);
  if (lowerHalf) {
    ran.add("largest uplift in the lower half");
    assert.match(largest.strategy, /It still carries the largest default uplift/, `${label}: ${largest.name} says why`);
    // the stated uplift, against the one recomputed here (money as the report writes it: £9,673 or £12k)
    const stated = /largest default uplift \([^,]+, £([\d,.]+)(k|M)? a year\)/.exec(largest.strategy);
    assert.ok(stated, largest.strategy);
    const scale = stated[2] === "M" ? 1e6 : stated[2] === "k" ? 1e3 : 1;
    const said = Number(stated[1].replace(/,/g, "")) * scale;
    assert.ok(
      Math.abs(said - uplifts[0].value) <= 0.006 * uplifts[0].value + scale / 2,
      `${largest.strategy} (${uplifts[0].value})`,
    );
  } else
    assert.ok(
      segs.every((d) => !/largest default uplift/.test(d.strategy)),
      `${label}: the largest uplift is explained only on a lower-ranked segment`,
    );
}

function checkSegmentTable(pages: Record<string, any>, label: string) {
  const meta = pages["meta.json"];
  for (const row of pages["overview.json"].by_k[meta.k]) {
    assert.ok(row.name_holds === null || (row.name_holds > 0 && row.name_holds <= 1), `${label}: ${row.name}`);
    if (row.name_holds !== null)
      assert.match(row.meaning, /\(\d+\.\d%\)/, `${label}: ${row.name}'s meaning carries the shares`);
  }
}

const TRUTH = join(PROJECT_ROOT, "test", "fixtures", "truth");

/** label, data file (null: the demo data), settings, skip, the branches the case must reach */
const cases: [string, string | null, Record<string, unknown> | null, false | string, Branch[]][] = [
  ["demo data", null, null, false, ["claim", "top segment"]],
  ["Online Retail", ONLINE_RETAIL, null, NO_SHARED, ["claim"]],
  ["Online Retail at k = 2", ONLINE_RETAIL, { clustering: { k: 2 } }, NO_SHARED, ["claim"]],
  // built to reach what the others do not (test/fixtures/truth/make.py says how)
  [
    "shop built for the rare branches",
    join(TRUTH, "transactions.csv"),
    { clustering: { k: 3 } },
    false,
    ["claim", "spread similar", "largest uplift in the lower half", "top segment"],
  ],
];

for (const [label, file, settings, skip, reaches] of cases) {
  describe(`report statements on the ${label}`, { skip: requires(skip) }, () => {
    const ran = new Set<Branch>();
    // computed on first use, so a test filtered out by --test-name-pattern costs nothing
    const pageData = memo(async (): Promise<Record<string, any>> => {
      let configFile: string | null = null;
      if (settings) {
        configFile = join(mkdtempSync(join(tmpdir(), "segment-truth-")), "segment.config.json");
        writeFileSync(configFile, JSON.stringify(settings));
      }
      const config = loadConfig({ file: configFile, env: {}, data: file ?? (await ensureDemoData()) });
      return reportData(config);
    });
    it("insights compare a segment with the rest by the stated multiple; 'similar' only when true", async () =>
      checkInsights(await pageData(), label, ran));
    it("levers fit their segments' members and the advice agrees with the figures", async () =>
      checkStrategy(await pageData(), label, ran));
    it("the segment table shows the share each name holds for", async () => checkSegmentTable(await pageData(), label));
    it(`the checks reached: ${reaches.join(", ")}`, async () => {
      const pages = await pageData();
      // run the checks here too, so this test stands alone (--test-name-pattern)
      checkInsights(pages, label, ran);
      checkStrategy(pages, label, ran);
      for (const branch of reaches) assert.ok(ran.has(branch), `${label}: the "${branch}" check ran`);
    });
    if (settings && file === ONLINE_RETAIL)
      it("at k = 2 the return-rate and basket differences are reported, not called similar", async () => {
        const pages = await pageData();
        const ids = (pages["insights.json"] as Insight[]).map((i) => i.id);
        // the less valuable segment's return rate is almost all customer 16446's cancelled order: said of that customer
        assert.ok(
          ids.includes("highest_return_rate") ||
            ids.includes("inactive_profile") ||
            ids.includes("return_rate_one_customer"),
          ids.join(", "),
        );
        const one = (pages["insights.json"] as Insight[]).find((i) => i.id === "return_rate_one_customer");
        if (one)
          assert.ok(parseFloat(String(one.figures.one_customer_share)) > 50, String(one.figures.one_customer_share));
        // (baskets are compared on the median order since issue 19: checked with the other claims above)
        assert.ok(!ids.includes("returns_spread"), ids.join(", "));
      });
  });
}
