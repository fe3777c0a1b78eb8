/**
 * The report pages' data builders (loaders/report/pages/*.ts), called directly on one report context, against
 * figures this test computes itself from the CSV: a demo-generator file at 5% scale (220 customers), on the gross
 * basis so that every figure is a plain sum over the kept lines (the net basis is checked against pandas in
 * test/clean/returns.test.ts and test/report/aggregates.test.ts). The kept lines follow the README's cleaning
 * rules, read here with the settings' code list and pattern. The glossary's figures (loaders/report/glossary.ts) are
 * checked the same way. Segment membership is the pipeline's (its labels are
 * checked against scikit-learn elsewhere); what is checked here is what each page adds up from it.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { loadConfig } from "../../loaders/config.ts";
import { generateDemo, writeDemoFiles } from "../../loaders/demo/index.ts";
import { analyse, type Analysis } from "../../loaders/pipeline/index.ts";
import { buildContext, type ReportContext } from "../../loaders/report/context.ts";
import { behaviourData } from "../../loaders/report/pages/behaviour.ts";
import { glossaryFacts } from "../../loaders/report/glossary.ts";
import { geographyData } from "../../loaders/report/pages/geography.ts";
import { MIN_GROUP_CUSTOMERS } from "../../loaders/report/limits.ts";
import { regionOf } from "../../loaders/report/regions.ts";
import { wilson } from "../../loaders/stats/intervals.ts";
import { metaData, overviewData } from "../../loaders/report/pages/overview.ts";
import { productsData } from "../../loaders/report/pages/products.ts";
import { rfmData } from "../../loaders/report/pages/rfm.ts";
import { segmentPages } from "../../loaders/report/pages/segment.ts";
import { valueData } from "../../loaders/report/pages/value.ts";
import { memo } from "../support/memo.ts";

interface Line {
  invoice: string;
  code: string;
  description: string;
  quantity: number;
  date: string;
  price: number;
  customer: string;
  country: string;
}

/** The kept lines of the CSV: no cancellation, a customer, quantity and price above 0, a product code. */
function keptLines(file: string, codes: readonly string[], pattern: string): Line[] {
  const nonProduct = new Set(codes.map((c) => c.toUpperCase()));
  const re = new RegExp(pattern, "i");
  return gunzipSync(readFileSync(file))
    .toString("utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((row) => {
      const f = row.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/).map((x) => x.replace(/^"|"$/g, "").replace(/""/g, '"'));
      return {
        invoice: f[0],
        code: f[1].trim(),
        description: f[2].trim(),
        quantity: Number(f[3]),
        date: f[4],
        price: Number(f[5]),
        customer: f[6].trim(),
        country: f[7],
      };
    })
    .filter(
      (l) =>
        !/^c/i.test(l.invoice) &&
        l.customer !== "" &&
        l.quantity > 0 &&
        l.price > 0 &&
        !nonProduct.has(l.code.toUpperCase()) &&
        !re.test(l.code),
    );
}

/** Per customer from the lines: revenue, invoices, and the country with most lines (ties: first by code point). */
function perCustomer(lines: Line[]) {
  const out = new Map<string, { revenue: number; invoices: Set<string>; countries: Map<string, number> }>();
  for (const l of lines) {
    let c = out.get(l.customer);
    if (!c) out.set(l.customer, (c = { revenue: 0, invoices: new Set(), countries: new Map() }));
    c.revenue += l.quantity * l.price;
    c.invoices.add(l.invoice);
    c.countries.set(l.country, (c.countries.get(l.country) ?? 0) + 1);
  }
  return new Map(
    [...out].map(([id, c]) => [
      id,
      {
        revenue: c.revenue,
        orders: c.invoices.size,
        country: [...c.countries].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0],
      },
    ]),
  );
}

/** numpy's default (type 7) quantile. */
function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  return s[Math.floor(h)] + (s[Math.ceil(h)] - s[Math.floor(h)]) * (h - Math.floor(h));
}

const cents = (got: number, want: number, what: string) =>
  assert.ok(Math.abs(got - want) <= 0.005 + 1e-9 * Math.abs(want), `${what}: ${got} vs ${want}`);
const near = (got: number, want: number, tol: number, what: string) =>
  assert.ok(Math.abs(got - want) <= tol, `${what}: ${got} vs ${want} (±${tol})`);

const TMP = mkdtempSync(join(tmpdir(), "segment-pages-"));
const DAY = 86_400_000;
const dayOf = (t: string) => Date.parse(`${t.slice(0, 10)}T00:00:00Z`);

const analyses: Analysis[] = [];

/**
 * The context on the small demo file; `onBoundary`: with the snapshot 90 days after the newest customer's first
 * purchase, so that one customer is exactly on the glossary's "first bought in the last 90 days" boundary (else
 * the day after the last purchase, where the value models converge).
 */
async function contextFor(onBoundary: boolean) {
  const data = join(TMP, "transactions.csv.gz");
  // its own copy of the 5% demo (test/support/report.ts's is shared with the site lane, which runs beside this)
  if (!existsSync(data)) writeDemoFiles(TMP, generateDemo({ seed: 7, scale: 0.05 }));
  const defaults = loadConfig({ file: null, data, env: {} });
  const lines = keptLines(data, defaults.cleaning.non_product_codes, defaults.cleaning.non_product_pattern);
  const customers = perCustomer(lines);
  const first = new Map<string, number>();
  for (const l of lines) first.set(l.customer, Math.min(first.get(l.customer) ?? Infinity, dayOf(l.date)));
  const snapshot = onBoundary
    ? Math.max(...first.values()) + 90 * DAY
    : Math.max(...lines.map((l) => dayOf(l.date))) + DAY;
  const config = {
    ...defaults,
    revenue: "gross" as const,
    snapshot_date: new Date(snapshot).toISOString().slice(0, 10),
  };
  const analysis = await analyse(config, () => {});
  analyses.push(analysis);
  const ctx: ReportContext = await buildContext(analysis.ingest, analysis.segmentation, config, analysis.value);
  /** customer id -> cluster of k */
  const labelsOf = (k: number) => {
    const labels = ctx.byK.get(k)!.solution.labels;
    return new Map(ctx.ingest.customers.map((c, i) => [c.customer_id, labels[i]]));
  };
  return { ctx, lines, customers, labelsOf, snapshot };
}
const fixture = memo(() => contextFor(false));
const boundary = memo(() => contextFor(true));
after(async () => {
  for (const a of analyses) await a.close();
  rmSync(TMP, { recursive: true, force: true });
});

describe("report pages on a small demo file (gross basis), against the CSV", () => {
  it("meta: customers, orders and revenue", async () => {
    const { ctx, lines, customers } = await fixture();
    const meta = metaData(ctx) as Record<string, number>;
    assert.equal(meta.customers, customers.size);
    assert.equal(meta.orders, new Set(lines.map((l) => l.invoice)).size);
    cents(
      meta.revenue,
      lines.reduce((s, l) => s + l.quantity * l.price, 0),
      "revenue",
    );
  });

  it("overview: concentration, and each segment's customers and revenue share for every k", async () => {
    const { ctx, customers, labelsOf } = await fixture();
    const o = overviewData(ctx, []) as any;
    const revenue = [...customers.values()].map((c) => c.revenue).sort((a, b) => b - a);
    const total = revenue.reduce((s, v) => s + v, 0);
    let m = 0;
    for (let cum = 0; cum < total / 2; m++) cum += revenue[m];
    assert.equal(o.concentration.customers, m, "fewest customers with half the revenue");
    near(o.concentration.customer_share, m / revenue.length, 1e-5, "their share");
    const top = Math.round(0.2 * revenue.length);
    near(o.concentration.top20_share, revenue.slice(0, top).reduce((s, v) => s + v, 0) / total, 1e-5, "top 20%");
    // Gini as the mean absolute difference over twice the mean
    let diff = 0;
    for (const a of revenue) for (const b of revenue) diff += Math.abs(a - b);
    near(o.concentration.gini, diff / (2 * revenue.length ** 2 * (total / revenue.length)), 1e-4, "Gini");
    for (const k of ctx.ks) {
      const labels = labelsOf(k);
      const rows = o.by_k[k] as { name: string; customers: number; revenue_share: number }[];
      const names = ctx.byK.get(k)!.solution.names;
      assert.equal(rows.length, names.length);
      for (const row of rows) {
        const j = names.indexOf(row.name);
        const members = [...customers].filter(([id]) => labels.get(id) === j);
        assert.equal(row.customers, members.length, `k ${k} ${row.name} customers`);
        near(
          row.revenue_share,
          members.reduce((s, [, c]) => s + c.revenue, 0) / total,
          1e-5,
          `k ${k} ${row.name} share`,
        );
      }
    }
  });

  it("rfm: the R x F grid's customers and revenue, and the one-order share", async () => {
    const { ctx, customers } = await fixture();
    const r = rfmData(ctx) as any;
    const cells = new Map<string, { n: number; revenue: number }>();
    ctx.seg.customers.forEach((c) => {
      const key = `${c.r_score}/${c.f_score}`;
      const v = cells.get(key) ?? { n: 0, revenue: 0 };
      v.n++;
      v.revenue += customers.get(c.customer_id)!.revenue;
      cells.set(key, v);
    });
    assert.equal(r.grid.length, 25);
    for (const g of r.grid) {
      const want = cells.get(`${g.r}/${g.f}`) ?? { n: 0, revenue: 0 };
      assert.equal(g.customers, want.n, `cell ${g.r}${g.f}`);
      cents(g.revenue, want.revenue, `cell ${g.r}${g.f} revenue`);
    }
    const one = [...customers.values()].filter((c) => c.orders <= 1).length;
    near(r.one_order_share, one / customers.size, 1e-5, "one-order share");
    assert.equal(
      r.segments.reduce((s: number, x: { customers: number }) => s + x.customers, 0),
      customers.size,
    );
  });

  it("geography: customers and revenue per main country", async () => {
    const { ctx, customers } = await fixture();
    const g = geographyData(ctx) as any;
    const want = new Map<string, { customers: number; revenue: number }>();
    for (const c of customers.values()) {
      const v = want.get(c.country) ?? { customers: 0, revenue: 0 };
      v.customers++;
      v.revenue += c.revenue;
      want.set(c.country, v);
    }
    assert.deepEqual(
      g.countries.map((c: { country: string; customers: number }) => [c.country, c.customers]),
      [...want]
        .sort((a, b) => b[1].customers - a[1].customers || (a[0] < b[0] ? -1 : 1))
        .map(([country, v]) => [country, v.customers]),
    );
    for (const c of g.countries) cents(c.revenue, want.get(c.country)!.revenue, c.country);
    // each region's and country's share in the top and least active segment, counted from the customers' labels,
    // with its Wilson interval (wilson: scipy's to 1e-12, test/stats/intervals); none below the minimum group size
    let stated = 0;
    for (const [k, kd] of ctx.byK) {
      const byK = g.by_k[k];
      const labels = kd.solution.labels;
      const members = (inGroup: (country: string) => boolean) =>
        ctx.ingest.customers.map((c, i) => [c, labels[i]] as const).filter(([c]) => inGroup(c.country));
      const check = (shares: any, group: [(typeof ctx.ingest.customers)[number], number][], what: string) => {
        for (const [key, name] of [
          ["top", byK.top],
          ["inactive", byK.inactive],
        ] as const) {
          const j = byK.names.indexOf(name);
          if (group.length < MIN_GROUP_CUSTOMERS) {
            assert.equal(shares[key], null, `${what} k = ${k}: too few for a share`);
            continue;
          }
          const part = group.filter(([, l]) => l === j).length;
          const { low, high } = wilson(part, group.length);
          near(shares[key].share, part / group.length, 1e-6, `${what} k = ${k} ${key} share`);
          near(shares[key].low, low, 1e-6, `${what} k = ${k} ${key} low`);
          near(shares[key].high, high, 1e-6, `${what} k = ${k} ${key} high`);
          stated++;
        }
      };
      for (const region of g.regions) {
        const group = members((c) => regionOf(c) === region);
        assert.deepEqual(
          byK.region_counts[region],
          byK.names.map((_: string, j: number) => group.filter(([, l]) => l === j).length),
          `${region} k = ${k}: customers per segment`,
        );
        check(byK.region_shares[region], group as any, region);
      }
      for (const { country } of g.countries)
        check(byK.country_shares[country], members((c) => c === country) as any, country);
    }
    assert.ok(stated > 0, "some share is large enough to state");
  });

  it("products: the ten products with most revenue, their customers and share", async () => {
    const { ctx, lines } = await fixture();
    const p = productsData(ctx) as any;
    const by = new Map<string, { revenue: number; customers: Set<string>; names: Map<string, number> }>();
    for (const l of lines) {
      let v = by.get(l.code);
      if (!v) by.set(l.code, (v = { revenue: 0, customers: new Set(), names: new Map() }));
      v.revenue += l.quantity * l.price;
      v.customers.add(l.customer);
      v.names.set(l.description, (v.names.get(l.description) ?? 0) + 1);
    }
    const total = [...by.values()].reduce((s, v) => s + v.revenue, 0);
    const top = [...by]
      .sort((a, b) => b[1].revenue - a[1].revenue || (a[0] < b[0] ? -1 : 1))
      .slice(0, 10)
      .map(([, v]) => ({
        description: [...v.names].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0],
        revenue: v.revenue,
        customers: v.customers.size,
        share: v.revenue / total,
      }));
    assert.deepEqual(
      p.all.products.map((x: { description: string; customers: number }) => [x.description, x.customers]),
      top.map((x) => [x.description, x.customers]),
    );
    p.all.products.forEach((x: { revenue: number; share: number }, i: number) => {
      cents(x.revenue, top[i].revenue, `${top[i].description} revenue`);
      near(x.share, top[i].share, 1e-5, `${top[i].description} share`);
    });
  });

  it("behaviour: orders, order value, units per order, monthly revenue, per segment of every k", async () => {
    const { ctx, lines, labelsOf } = await fixture();
    const b = behaviourData(ctx) as any;
    const orders = new Map<string, { customer: string; value: number; units: number; t: string }>();
    for (const l of lines) {
      const o = orders.get(l.invoice) ?? { customer: l.customer, value: 0, units: 0, t: l.date };
      o.value += l.quantity * l.price;
      o.units += l.quantity;
      if (l.date < o.t) o.t = l.date;
      orders.set(l.invoice, o);
    }
    const check = (got: any, list: { value: number; units: number; t: string }[], what: string) => {
      const revenue = list.reduce((s, o) => s + o.value, 0);
      assert.equal(got.orders ?? got.length, list.length, `${what} orders`);
      cents(got.aov, revenue / list.length, `${what} order value`);
      near(got.items_per_order, list.reduce((s, o) => s + o.units, 0) / list.length, 0.005, `${what} units`);
      near(
        got.order_value.median,
        quantile(
          list.map((o) => o.value),
          0.5,
        ),
        0.00501,
        `${what} median order`,
      );
      near(
        got.order_value.q3,
        quantile(
          list.map((o) => o.value),
          0.75,
        ),
        0.00501,
        `${what} q3 order`,
      );
      const months = new Map<string, [number, number]>();
      for (const o of list) {
        const m = months.get(o.t.slice(0, 7)) ?? [0, 0];
        months.set(o.t.slice(0, 7), [m[0] + o.value, m[1] + 1]);
      }
      const want = [...months].sort((a, c) => (a[0] < c[0] ? -1 : 1));
      assert.deepEqual(
        got.monthly.map((m: [string, number, number]) => [m[0], m[2]]),
        want.map(([m, [, n]]) => [m, n]),
        `${what} months`,
      );
      got.monthly.forEach((m: [string, number, number], i: number) => cents(m[1], want[i][1][0], `${what} ${m[0]}`));
    };
    check(b.overall, [...orders.values()], "all");
    for (const k of ctx.ks) {
      const labels = labelsOf(k);
      const names = ctx.byK.get(k)!.solution.names;
      for (const row of b.by_k[k])
        check(
          row,
          [...orders.values()].filter((o) => labels.get(o.customer) === names.indexOf(row.name)),
          `k ${k} ${row.name}`,
        );
    }
  });

  it("segment pages: each segment's customers, revenue and orders", async () => {
    const { ctx, customers, labelsOf } = await fixture();
    const pages = segmentPages(ctx);
    const labels = labelsOf(ctx.seg.k);
    const names = ctx.chosen.solution.names;
    assert.equal(pages.size, names.length);
    for (const page of pages.values()) {
      const s = page.profile as { name: string; customers: number; revenue: number; orders: number };
      const members = [...customers].filter(([id]) => labels.get(id) === names.indexOf(s.name));
      assert.equal(s.customers, members.length, `${s.name} customers`);
      cents(
        s.revenue,
        members.reduce((t, [, c]) => t + c.revenue, 0),
        `${s.name} revenue`,
      );
      assert.equal(
        s.orders,
        members.reduce((t, [, c]) => t + c.orders, 0),
        `${s.name} orders`,
      );
    }
  });

  it("glossary: newcomers, gaps between orders, same-day repeats and the weekday-hour cells with orders", async () => {
    const { ctx, lines, snapshot } = await boundary();
    const f = glossaryFacts(ctx);
    // an order's time is its first line's; gaps between a customer's consecutive orders (by time, then invoice)
    const orders = new Map<string, { customer: string; t: string }>();
    for (const l of lines) {
      const o = orders.get(l.invoice);
      if (!o || l.date < o.t) orders.set(l.invoice, { customer: l.customer, t: o && o.t < l.date ? o.t : l.date });
    }
    const byCustomer = new Map<string, { t: string; invoice: string }[]>();
    for (const [invoice, o] of orders)
      byCustomer.set(o.customer, [...(byCustomer.get(o.customer) ?? []), { t: o.t, invoice }]);
    let gaps = 0;
    let sameDay = 0;
    let gapCustomers = 0;
    let recent = 0;
    for (const list of byCustomer.values()) {
      list.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : a.invoice < b.invoice ? -1 : 1));
      if (list.length > 1) gapCustomers++;
      for (let i = 1; i < list.length; i++) {
        gaps++;
        if (list[i].t.slice(0, 10) === list[i - 1].t.slice(0, 10)) sameDay++;
      }
      if ((snapshot - dayOf(list[0].t)) / DAY <= 90) recent++;
    }
    assert.equal(f.customers, byCustomer.size);
    assert.equal(f.recent_customers, recent, "first bought in the last 90 days");
    assert.equal(f.gaps, gaps);
    assert.equal(f.gap_customers, gapCustomers);
    assert.equal(f.same_day, sameDay);
    const cells = new Set(
      [...orders.values()].map((o) => {
        const d = new Date(`${o.t.replace(" ", "T")}Z`);
        return `${d.getUTCDay()}/${d.getUTCHours()}`;
      }),
    );
    assert.equal(f.trading_cells, cells.size);
  });

  it("value: segments' customers and revenue, one-off buyers, claims only where the interval excludes zero", async () => {
    const { ctx, lines, customers, labelsOf } = await fixture();
    const v = valueData(ctx) as any;
    assert.equal(v.fitted, true, v.reason);
    const labels = labelsOf(ctx.seg.k);
    const names = ctx.chosen.solution.names;
    for (const g of v.segments) {
      const members = [...customers].filter(([id]) => labels.get(id) === names.indexOf(g.segment));
      assert.equal(g.customers, members.length, `${g.segment} customers`);
      cents(
        g.revenue,
        members.reduce((t, [, c]) => t + c.revenue, 0),
        `${g.segment} revenue`,
      );
    }
    // one-off buyers: customers who bought on one day only (BG/NBD's x = 0), counted from the lines
    const days = new Map<string, Set<string>>();
    for (const l of lines) days.set(l.customer, (days.get(l.customer) ?? new Set()).add(l.date.slice(0, 10)));
    const oneOff = [...days.values()].filter((d) => d.size === 1).length;
    assert.ok(oneOff > 0, "the demo has one-off buyers");
    assert.equal(v.model, "bgnbd");
    assert.ok(
      v.text.one_off.includes(
        `the ${oneOff} one-off buyers (${(100 * (oneOff / days.size)).toFixed(1)}% of the customers)`,
      ),
      v.text.one_off,
    );
    // a segment is called higher or lower than the rest only when its interval of the difference excludes zero (on
    // this file every segment's does: the branch without a claim is not reached here)
    const separated = v.segments.filter(
      (g: any) => g.difference_from_rest_interval?.[0] > 0 || g.difference_from_rest_interval?.[1] < 0,
    );
    assert.deepEqual(
      v.segments.map((g: any) => g.separated),
      v.segments.map((g: any) =>
        g.difference_from_rest_interval?.[0] > 0 ? "higher" : g.difference_from_rest_interval?.[1] < 0 ? "lower" : null,
      ),
    );
    assert.equal(v.text.segments.length, separated.length);
    for (const g of separated)
      assert.ok(
        v.text.segments.some(
          (t: string) =>
            t.startsWith(`${g.segment}: `) && t.includes(g.separated === "higher" ? " more than " : " less than "),
        ),
        `${g.segment} is claimed ${g.separated}`,
      );
    const rest = v.segments.filter((g: any) => !separated.includes(g)).map((g: any) => g.segment);
    if (rest.length) assert.ok(v.text.unseparated.includes(rest.join(", ")), v.text.unseparated);
    else assert.equal(v.text.unseparated, null);
  });
});
