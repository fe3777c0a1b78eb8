/**
 * The report's statements hold for the customers they describe, on the demo data and Online Retail (default
 * configuration, and k = 2 where the silhouette peaks; skipped where ../shared is absent): insights compare a
 * segment with the rest of the customers and say "similar" only when it is true; levers apply to the members they
 * fit, never two defaults on one segment; advice text agrees with the segment's figures and rank; the segment
 * table carries the share of members each name holds for. Everything is recomputed here from the page data.
 */
import assert from "node:assert/strict";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { loadConfig } from "../../loaders/config.ts";
import { ensureDemoData } from "../../loaders/demo/index.ts";
import { MIN_SEGMENT_CUSTOMERS, MIN_SEGMENT_SHARE, RATIO_MIN } from "../../loaders/report/insights.ts";
import { computeReport as computePageData } from "../../loaders/pipeline/index.ts";
import { NO_SHARED, ONLINE_RETAIL } from "../support/build.ts";

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

function checkInsights(pages: Record<string, any>, label: string) {
  const k = pages["meta.json"].k;
  const rows: Row[] = pages["behaviour.json"].by_k[k];
  const insights: Insight[] = pages["insights.json"];
  const total = rows.reduce((s, r) => s + r.customers, 0);
  const eligible = rows.filter(
    (r) => r.customers >= MIN_SEGMENT_CUSTOMERS && r.customers >= MIN_SEGMENT_SHARE * total && r.orders > 0,
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
      assert.equal(claim.figures.segment, top.name, `${label} ${key}: the claim is about the leader`);
      assert.ok(ratio >= RATIO_MIN - 0.01, `${label} ${key}: ${top.name} is ${ratio.toFixed(3)}x the rest`);
      assert.match(
        claim.text,
        claim.id === "return_rate_one_customer"
          ? /one customer accounts for .* without that customer/
          : m.median
            ? /the median order overall/
            : /the rest/,
      );
    } else {
      const spreadRatio = value(sorted[0]) / value(sorted[sorted.length - 1]);
      if (spread!.figures.similar)
        assert.ok(spreadRatio < RATIO_MIN + 0.01, `${label} ${key}: "similar" at ${spreadRatio}`);
      else
        assert.ok(spreadRatio >= RATIO_MIN - 0.01 && /differ/.test(spread!.text), `${label} ${key}: ${spread!.text}`);
      assert.ok(!(ratio >= RATIO_MIN + 0.01), `${label} ${key}: a leader at ${ratio} went unreported`);
    }
  }
}

function checkStrategy(pages: Record<string, any>, label: string) {
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
  if (lowerHalf)
    assert.match(largest.strategy, /It still carries the largest default uplift/, `${label}: ${largest.name} says why`);
}

function checkSegmentTable(pages: Record<string, any>, label: string) {
  const meta = pages["meta.json"];
  for (const row of pages["overview.json"].by_k[meta.k]) {
    assert.ok(row.name_holds === null || (row.name_holds > 0 && row.name_holds <= 1), `${label}: ${row.name}`);
    if (row.name_holds !== null)
      assert.match(row.meaning, /\(\d+\.\d%\)/, `${label}: ${row.name}'s meaning carries the shares`);
  }
}

const cases: [string, string | null, Record<string, unknown> | null, false | string][] = [
  ["demo data", null, null, false],
  ["Online Retail", ONLINE_RETAIL, null, NO_SHARED],
  ["Online Retail at k = 2", ONLINE_RETAIL, { clustering: { k: 2 } }, NO_SHARED],
];

for (const [label, file, settings, skip] of cases) {
  describe(`report statements on the ${label}`, { skip: skip || false }, () => {
    let pages: Record<string, any>;
    before(async () => {
      let configFile: string | null = null;
      if (settings) {
        configFile = join(mkdtempSync(join(tmpdir(), "segment-truth-")), "segment.config.json");
        writeFileSync(configFile, JSON.stringify(settings));
      }
      const config = loadConfig({ file: configFile, env: {}, data: file ?? (await ensureDemoData()) });
      pages = await computePageData(config);
    });
    it("insights compare a segment with the rest; 'similar' only when true", () => checkInsights(pages, label));
    it("levers fit their segments' members and the advice agrees with the figures", () => checkStrategy(pages, label));
    it("the segment table shows the share each name holds for", () => checkSegmentTable(pages, label));
    if (settings)
      it("at k = 2 the return-rate and basket differences are reported, not called similar", () => {
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
